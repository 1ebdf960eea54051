import { createHash, timingSafeEqual } from 'node:crypto';
import type { JwtClaims } from '@tessera/core';
import { OAuthError } from '../errors.js';
import type { IssuerState } from '../internal/state.js';
import { fingerprint } from '../internal/random.js';
import { issueTokenSet } from '../tokens/token-set.js';
import { required, type GrantHandler } from './grant-context.js';

/** What the store keeps for an authorization code until it is exchanged (once). */
export interface CodeRecord {
  [key: string]: unknown;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string[];
  subject: string;
  claims: JwtClaims;
  /** RFC 9449 §10: the DPoP key the code is bound to (`dpop_jkt`). */
  dpopJkt?: string;
}

/** The store key of a code (never the code itself). */
export function codeKey(code: string): string {
  return `code:${fingerprint(code)}`;
}

/** The store key remembering which family an exchanged code started, so a replay can revoke it. */
function exchangedKey(code: string): string {
  return `code-family:${fingerprint(code)}`;
}

/** Ends what an exchanged code issued: its refresh-token family (with its access tokens), or its lone access token. */
async function revokeExchanged(state: IssuerState, clientId: string, exchanged: Record<string, unknown>): Promise<void> {
  const { familyId, jti, hash, expiresAt } = exchanged;
  if (typeof familyId === 'string') {
    await state.store.revokeFamily(familyId);
    state.audit({ type: 'family.revoked', clientId, familyId, subject: undefined, reason: 'code_reuse', outcome: 'revoked' });
    return;
  }
  if (typeof hash === 'string') await state.store.deleteOpaqueToken(hash);
  else if (typeof jti === 'string' && typeof expiresAt === 'number') {
    await state.store.revoke(jti, expiresAt - state.now() / 1000);
  }
}

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const INVALID = 'authorization code is unknown, expired or already used';

function s256(verifier: string): Buffer {
  return createHash('sha256').update(verifier, 'ascii').digest();
}

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3) with PKCE S256 (RFC 7636): the code is taken from the store in
 * one step (exactly one exchange succeeds), must be the client's, for the same `redirect_uri`, with a `code_verifier`
 * whose S256 is the challenge. A replayed code revokes the family the first exchange started (§4.1.2).
 */
export const authorizationCodeGrant: GrantHandler = async ({ state, client, params, jkt }) => {
  const code = required(params, 'code');
  const redirectUri = required(params, 'redirect_uri');
  const verifier = required(params, 'code_verifier');
  if (!VERIFIER.test(verifier)) throw new OAuthError('invalid_request', 'code_verifier must be 43–128 unreserved characters');
  const taken = await state.store.takeOneTime(codeKey(code)) as CodeRecord | undefined;
  if (taken === undefined) {
    const exchanged = await state.store.takeOneTime(exchangedKey(code));
    if (exchanged !== undefined) await revokeExchanged(state, client.id, exchanged);
    throw new OAuthError('invalid_grant', INVALID);
  }
  if (taken.clientId !== client.id) throw new OAuthError('invalid_grant', INVALID);
  if (taken.redirectUri !== redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
  const challenge = Buffer.from(taken.codeChallenge, 'base64url');
  const computed = s256(verifier);
  if (challenge.length !== computed.length || !timingSafeEqual(challenge, computed)) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
  if (taken.dpopJkt !== undefined && taken.dpopJkt !== jkt) {
    throw new OAuthError('invalid_dpop_proof', 'the authorization code is bound to another DPoP key');
  }
  const grant = { subject: taken.subject, scope: taken.scope, claims: taken.claims, jkt };
  const issued = await issueTokenSet(state, client, grant, client.grants.has('refresh_token'));
  // Remembered for the code's lifetime: a replay within it ends what the first exchange issued.
  await state.store.putOneTime(exchangedKey(code), {
    ...(issued.familyId === undefined ? {} : { familyId: issued.familyId }),
    ...issued.tracked,
    expiresAt: state.now() / 1000 + issued.tracked.ttlSeconds,
  }, state.authorizationCodeTtl);
  state.audit({
    type: 'token.issued', clientId: client.id, grantType: 'authorization_code', subject: taken.subject,
    format: client.format, jti: issued.jti, familyId: issued.familyId, dpop: jkt !== undefined, outcome: 'success',
  });
  return issued.body;
};
