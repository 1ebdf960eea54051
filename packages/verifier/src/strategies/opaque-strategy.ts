import { TesseraError, TokenTimeError, UnavailableError, type JwtClaims, type TokenStore } from '@tessera/core';
import { InvalidTokenError } from '../errors.js';
import { buildResult } from '../lib/build-result.js';
import type { Strategy, TokenShape, Verdict } from './strategy.js';

/** Options of the opaque strategy (tokens looked up in the `TokenStore`). */
export interface OpaqueOptions {
  /**
   * How long a looked-up record may be served from the verifier's memory cache, in seconds (never past the token's
   * `expiresAt`). Deletions reach the cache at once through the store's revocation events; this bounds the damage of
   * a lost event.
   * @default 30
   */
  cacheTtl?: number;
}

/** The record as claims: what an introspection answer would say (RFC 7662 §2.2 names). */
function claimsOf(record: Awaited<ReturnType<TokenStore['getOpaqueToken']>> & object): JwtClaims {
  const claims: JwtClaims = { ...record.claims, sub: record.subject, exp: record.expiresAt };
  if (record.clientId !== undefined) claims.client_id = record.clientId;
  if (record.scope !== undefined) claims.scope = record.scope.join(' ');
  if (record.issuedAt !== undefined) claims.iat = record.issuedAt;
  if (record.jti !== undefined) claims.jti = record.jti;
  if (record.cnf !== undefined) claims.cnf = { jkt: record.cnf.jkt };
  return claims;
}

/**
 * The opaque strategy: the token's fingerprint is looked up in the store. Unknown, deleted or expired → 401; the
 * store down → `store_unavailable` (503).
 */
export function createOpaqueStrategy(store: TokenStore, options: OpaqueOptions, now: () => Date): Strategy {
  const cacheTtlMs = (options.cacheTtl ?? 30) * 1000;
  return Object.freeze({
    name: 'opaque' as const,
    accepts: (shape: TokenShape) => shape === 'opaque',
    async verify(token: string, fingerprint: string): Promise<Verdict> {
      let record: Awaited<ReturnType<TokenStore['getOpaqueToken']>>;
      try {
        record = await store.getOpaqueToken(fingerprint);
      } catch (err) {
        if (err instanceof TesseraError) throw err;
        throw new UnavailableError('store_unavailable', 'the token store did not answer', { cause: err });
      }
      if (record === undefined) throw new InvalidTokenError('the token is unknown, expired or revoked');
      const nowMs = now().getTime();
      if (record.expiresAt * 1000 <= nowMs) throw new TokenTimeError('exp', 'token has expired', 'token_expired');
      const result = buildResult('opaque', token, claimsOf(record), undefined, record.subject);
      return { result, cacheUntil: Math.min(record.expiresAt * 1000, nowMs + cacheTtlMs) };
    },
    ready: async () => undefined,
    close: async () => undefined,
  });
}
