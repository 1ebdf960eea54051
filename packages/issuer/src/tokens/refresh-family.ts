import { randomUUID } from 'node:crypto';
import type { FamilyAccessToken, RefreshTokenRecord } from '@tessera/core';
import type { ResolvedClient } from '../clients/resolve-client.js';
import type { IssuerState } from '../internal/state.js';
import { fingerprint, randomToken } from '../internal/random.js';
import type { Grant } from './mint-access-token.js';

/** A refresh token that starts a family. */
export interface StartedFamily {
  readonly token: string;
  readonly familyId: string;
}

/**
 * Issues the first refresh token of a new family (a 256-bit random string, stored only as its fingerprint) and
 * registers the access token issued with it, so revoking the family ends that access token too. A public client's
 * refresh token is bound to its DPoP key (RFC 9449 §5).
 *
 * @param state - the issuer
 * @param client - the client
 * @param grant - what the family grants
 * @param accessToken - the access token issued together with it
 * @returns the refresh token and its family id
 * @throws {TesseraError} `store_unavailable`
 */
export async function startFamily(state: IssuerState, client: ResolvedClient, grant: Grant,
  accessToken: FamilyAccessToken): Promise<StartedFamily> {
  const token = randomToken();
  const hash = fingerprint(token);
  const familyId = randomUUID();
  const now = Math.floor(state.now() / 1000);
  const familyExpiresAt = now + state.refreshTokenFamilyTtl;
  const ttl = Math.min(client.refreshTokenTtl, state.refreshTokenFamilyTtl);
  const record: RefreshTokenRecord = {
    familyId,
    subject: grant.subject,
    clientId: client.id,
    scope: grant.scope.slice(),
    claims: Object.assign({}, grant.claims),
    issuedAt: now,
    expiresAt: now + ttl,
    familyExpiresAt,
  };
  if (client.isPublic && grant.jkt !== undefined) record.cnf = { jkt: grant.jkt };
  await state.store.issueRefreshToken(hash, record, ttl, { accessToken });
  state.records.set(hash, record, ttl * 1000);
  return { token, familyId };
}
