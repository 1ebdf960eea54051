import type { FamilyAccessToken } from '@tessera/core';
import type { ResolvedClient } from '../clients/resolve-client.js';
import type { IssuerState } from '../internal/state.js';
import { mintAccessToken, type Grant } from './mint-access-token.js';
import { startFamily } from './refresh-family.js';

/** The JSON answer of a successful token request (RFC 6749 §5.1, RFC 9449 §5). */
export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  refresh_token?: string;
  scope?: string;
  [member: string]: unknown;
}

/** An issued token set and what the audit trail needs about it. */
export interface IssuedSet {
  readonly body: TokenResponseBody;
  readonly jti: string;
  readonly familyId: string | undefined;
  /** How the access token can be revoked later (its `jti` / opaque hash and lifetime). */
  readonly tracked: FamilyAccessToken;
}

/**
 * Issues an access token and, when the client may refresh, the first refresh token of a new family, in one answer.
 * @param state - the issuer
 * @param client - the client
 * @param grant - what is granted
 * @param withRefresh - issue a refresh token
 * @returns the answer and the identifiers to audit
 */
export async function issueTokenSet(state: IssuerState, client: ResolvedClient, grant: Grant,
  withRefresh: boolean): Promise<IssuedSet> {
  const access = await mintAccessToken(state, client, grant);
  const body: TokenResponseBody = {
    access_token: access.token,
    token_type: grant.jkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: access.expiresIn,
  };
  let familyId: string | undefined;
  if (withRefresh) {
    const family = await startFamily(state, client, grant, access.tracked);
    body.refresh_token = family.token;
    familyId = family.familyId;
  }
  if (grant.scope.length > 0) body.scope = grant.scope.join(' ');
  return { body, jti: access.jti, familyId, tracked: access.tracked };
}
