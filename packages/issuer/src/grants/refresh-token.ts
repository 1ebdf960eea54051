import { isTesseraError, type RefreshTokenRecord } from '@tessera/core';
import { OAuthError } from '../errors.js';
import type { IssuerState } from '../internal/state.js';
import { fingerprint, randomToken } from '../internal/random.js';
import { openSuccessor, sealSuccessor } from '../tokens/grace-seal.js';
import { mintAccessToken } from '../tokens/mint-access-token.js';
import type { TokenResponseBody } from '../tokens/token-set.js';
import { required, type GrantHandler } from './grant-context.js';
import { grantScope } from './scope.js';

const INVALID = 'refresh token is unknown, expired or revoked';

/**
 * A refresh token's record: from the issuer's cache of records it issued (records never change), else from the
 * store. Undefined when unknown, expired or in a revoked family.
 */
export async function findRefreshRecord(state: IssuerState, hash: string): Promise<RefreshTokenRecord | undefined> {
  const cached = state.records.get(hash);
  if (cached !== undefined) return cached;
  const stored = await state.store.getRefreshToken(hash);
  if (stored === undefined) return undefined;
  const ttl = stored.record.expiresAt * 1000 - state.now();
  if (ttl > 0) state.records.set(hash, stored.record, ttl);
  return stored.record;
}

/**
 * `grant_type=refresh_token` (RFC 6749 §6) with rotation (RFC 9700 §4.14.2): every use replaces the token in one
 * atomic store step (`rotate`, which also registers the new access token with the family). A rotated token presented
 * again revokes its family and its live access tokens; inside the grace window the immediately previous token gets
 * the successor set already issued (sealed under a key derived from that token), not a new one. A DPoP-bound token
 * needs a proof with the same key; scopes may narrow, never widen.
 */
export const refreshTokenGrant: GrantHandler = async ({ state, client, params, jkt }) => {
  const presented = required(params, 'refresh_token');
  const hash = fingerprint(presented);
  const record = await findRefreshRecord(state, hash);
  const now = Math.floor(state.now() / 1000);
  // Another client's token gets the same answer as an unknown one: nothing is learnt, nothing is rotated.
  if (record === undefined || record.clientId !== client.id || record.expiresAt <= now) {
    throw new OAuthError('invalid_grant', INVALID);
  }
  if (record.cnf !== undefined) {
    if (jkt === undefined) throw new OAuthError('invalid_dpop_proof', 'this refresh token is DPoP-bound; send a DPoP proof');
    if (jkt !== record.cnf.jkt) throw new OAuthError('invalid_grant', 'the DPoP key is not the one the refresh token is bound to');
  }
  const granted = new Set((record.scope ?? []).filter((s) => client.scopes.has(s)));
  const scope = grantScope(params.get('scope'), granted, [...granted]);
  const familyExpiresAt = record.familyExpiresAt ?? record.expiresAt;
  const ttl = Math.min(client.refreshTokenTtl, familyExpiresAt - now);
  if (ttl <= 0) throw new OAuthError('invalid_grant', INVALID);

  const access = await mintAccessToken(state, client, { subject: record.subject, scope, claims: record.claims ?? {}, jkt });
  const next = randomToken();
  const nextHash = fingerprint(next);
  // RFC 6749 §6: a narrower `scope` narrows this access token only; the new refresh token keeps the grant's scope.
  const nextRecord: RefreshTokenRecord = Object.assign({}, record, { issuedAt: now, expiresAt: now + ttl });
  let body: TokenResponseBody = {
    access_token: access.token,
    token_type: jkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: access.expiresIn,
    refresh_token: next,
  };
  if (scope.length > 0) body.scope = scope.join(' ');
  const graceSeconds = state.graceSeconds;
  const successor = graceSeconds > 0 ? await sealSuccessor(presented, body) : undefined;

  let outcome: 'rotated' | 'grace';
  try {
    const result = await state.store.rotate(
      hash,
      { hash: nextHash, record: nextRecord, ttlSeconds: ttl, accessToken: access.tracked },
      graceSeconds > 0 ? { graceSeconds, successor } : {},
    );
    outcome = result.outcome;
    if (result.outcome === 'grace') {
      try {
        body = await openSuccessor(presented, result.successor) as TokenResponseBody;
      } catch (cause) {
        throw new OAuthError('invalid_grant', INVALID, { cause });
      }
    }
  } catch (err) {
    if (isTesseraError(err, 'refresh_token_reused')) {
      const base = { clientId: client.id, subject: record.subject, familyId: record.familyId };
      state.audit({ type: 'refresh.reuse_detected', ...base, outcome: 'family_revoked' });
      state.audit({ type: 'family.revoked', ...base, reason: 'reuse', outcome: 'revoked' });
      throw new OAuthError('invalid_grant', 'refresh token was already used; its family is revoked', { cause: err });
    }
    if (isTesseraError(err, 'refresh_token_invalid')) throw new OAuthError('invalid_grant', INVALID, { cause: err });
    throw err;
  }
  if (outcome === 'rotated') state.records.set(nextHash, nextRecord, ttl * 1000);
  state.audit({
    type: 'token.refreshed', clientId: client.id, subject: record.subject, familyId: record.familyId,
    jti: outcome === 'rotated' ? access.jti : undefined, outcome,
  });
  return body;
};
