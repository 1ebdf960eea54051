import { expect, it } from 'vitest';
import type { JwtClaims } from '../../types.js';
import { newHash, type ConformanceHarness } from './harness.js';

const newJti = (): string => globalThis.crypto.randomUUID();

/** The `jti` denylist: revoke with TTL, never shortened, TTL of zero or less ignored. */
export function defineDenylistTests(h: ConformanceHarness): void {
  it('reports a revoked jti as revoked and an unknown one as not revoked', async () => {
    const jti = newJti();
    await h.store().revoke(jti, 3600);
    expect(await h.store().isRevoked(jti)).toBe(true);
    expect(await h.store().isRevoked(newJti())).toBe(false);
  });

  it('forgets a revoked jti when its TTL ends', async () => {
    const jti = newJti();
    await h.store().revoke(jti, h.ttlSeconds);
    await h.elapse(h.stillThereMs);
    expect(await h.store().isRevoked(jti)).toBe(true);
    await h.elapse(h.goneAfterMs);
    expect(await h.store().isRevoked(jti)).toBe(false);
  });

  it('ignores a revocation with a TTL of zero or less (the token has expired anyway)', async () => {
    const jti = newJti();
    await h.store().revoke(jti, 0);
    await h.store().revoke(jti, -30);
    expect(await h.store().isRevoked(jti)).toBe(false);
  });

  it('never shortens a revocation when the same jti is revoked again with a shorter TTL', async () => {
    const jti = newJti();
    await h.store().revoke(jti, h.ttlSeconds);
    await h.store().revoke(jti, h.ttlSeconds / 100);
    await h.store().revoke(jti, 0);
    await h.elapse(h.stillThereMs);
    expect(await h.store().isRevoked(jti)).toBe(true);
    await h.elapse(h.goneAfterMs);
    expect(await h.store().isRevoked(jti)).toBe(false);
  });
}

/** The verified-claims cache by token fingerprint. */
export function defineClaimsCacheTests(h: ConformanceHarness): void {
  const claims: JwtClaims = {
    iss: 'https://issuer.example',
    sub: 'usér-42 ✓',
    aud: ['api://a'],
    exp: 1_900_000_000,
    iat: 1_800_000_000,
    jti: 'j-1',
    scope: 'read write',
    cnf: { jkt: 'abc' },
  };

  it('returns cached claims exactly as they were cached, and undefined for an unknown fingerprint', async () => {
    const fingerprint = await newHash();
    await h.store().cacheClaims(fingerprint, claims, 3600);
    expect(await h.store().getCachedClaims(fingerprint)).toStrictEqual(claims);
    expect(await h.store().getCachedClaims(await newHash())).toBeUndefined();
  });

  it('forgets cached claims when their TTL ends', async () => {
    const fingerprint = await newHash();
    await h.store().cacheClaims(fingerprint, claims, h.ttlSeconds);
    await h.elapse(h.stillThereMs);
    expect(await h.store().getCachedClaims(fingerprint)).toStrictEqual(claims);
    await h.elapse(h.goneAfterMs);
    expect(await h.store().getCachedClaims(fingerprint)).toBeUndefined();
  });

  it('caches nothing when the TTL is zero or less', async () => {
    const fingerprint = await newHash();
    await h.store().cacheClaims(fingerprint, claims, 0);
    await h.store().cacheClaims(fingerprint, claims, -1);
    expect(await h.store().getCachedClaims(fingerprint)).toBeUndefined();
  });
}
