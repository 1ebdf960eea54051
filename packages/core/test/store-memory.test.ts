import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryTokenStore, tokenFingerprint } from '@tessera/core';
import { describeTokenStoreConformance } from '@tessera/core/testing';

let now = 1_000_000;
describeTokenStoreConformance('MemoryTokenStore (injected clock)', () => new MemoryTokenStore({ now: () => now }), {
  advanceTime: (ms) => {
    now += ms;
  },
});

describeTokenStoreConformance('MemoryTokenStore (real clock)', () => new MemoryTokenStore());

const record = { subject: 'u1', expiresAt: 2_000_000_000 };

describe('MemoryTokenStore', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('never reports a counter window longer than asked, on a fractional clock (performance.now())', async () => {
    // 1000.003 + 250 - 1000.003 is 250.00000000000045 in floating point.
    const store = new MemoryTokenStore({ now: () => 1000.003 });
    expect((await store.increment('rate:fractional', 0.25)).resetSeconds).toBe(0.25);
    await store.close();
  });

  it('runs the TokenStore example: a revoked jti is reported until closed', async () => {
    const store = new MemoryTokenStore();
    const claims = { jti: 'j-1', exp: Math.floor(Date.now() / 1000) + 60 };
    await store.revoke(claims.jti, claims.exp - Math.floor(Date.now() / 1000));
    expect(await store.isRevoked(claims.jti)).toBe(true);
    await store.close();
  });

  it('runs the TokenStore example: issue, look up and rotate a refresh token', async () => {
    const store = new MemoryTokenStore();
    const [hash, nextHash] = await Promise.all([tokenFingerprint('refresh-1'), tokenFingerprint('refresh-2')]);
    const expiresAt = Math.floor(Date.now() / 1000) + 14 * 86400;
    await store.issueRefreshToken(hash, { familyId: crypto.randomUUID(), subject: 'u1', expiresAt }, 14 * 86400);
    const found = await store.getRefreshToken(hash);
    expect(found?.rotated).toBe(false);
    const record = { ...found!.record, expiresAt: expiresAt + 60 };
    await store.rotate(hash, { hash: nextHash, record, ttlSeconds: 14 * 86400 + 60 });
    expect(await store.getRefreshToken(nextHash)).toStrictEqual({ record, rotated: false });
    await store.close();
  });

  it('rejects invalid options at construction, naming the option', () => {
    expect(() => new MemoryTokenStore({ sweepIntervalMs: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/"options.sweepIntervalMs"/) }),
    );
    expect(() => new MemoryTokenStore({ maxCachedClaims: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/"options.maxCachedClaims"/) }),
    );
    expect(() => new MemoryTokenStore({ now: 5 as unknown as () => number })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"options.now" must be a function' }),
    );
  });

  it('rejects malformed records and keys with invalid_argument naming the field', async () => {
    const store = new MemoryTokenStore({ sweepIntervalMs: 0 });
    const bad = { expiresAt: 1 } as unknown as typeof record;
    await expect(store.putOpaqueToken('h', bad, 60)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"record.subject" must be a string',
    });
    await expect(store.issueRefreshToken('h', record as never, 60)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"record.familyId" must be a non-empty string',
    });
    await expect(store.putOpaqueToken('h', { subject: 's', expiresAt: Number.NaN }, 60)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: /"record.expiresAt" must be a finite number/,
    });
    const cyclic: Record<string, unknown> = { subject: 's', expiresAt: 1 };
    cyclic.self = cyclic;
    await expect(store.putOpaqueToken('h', cyclic as never, 60)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"record" must be JSON-serialisable',
    });
    await expect(store.isRevoked(42 as unknown as string)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"jti" must be a non-empty string',
    });
    await expect(store.revoke('j', Number.NaN)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"ttlSeconds" must be a finite number of seconds',
    });
    await expect(store.rotate('h', null as never)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"next" must be an object',
    });
    await expect(store.cacheClaims('f', [] as never, 60)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"claims" must be an object',
    });
    await store.close();
  });

  it('sweeps expired entries on an unref\'d timer and clears the timer on close()', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const store = new MemoryTokenStore({ now: () => clock, sweepIntervalMs: 1000 });
    const purge = vi.spyOn(store, 'purgeExpired');
    await store.putOpaqueToken('a', record, 1);
    await store.revoke('j', 1);
    clock += 1000;
    vi.advanceTimersByTime(1000);
    expect(purge).toHaveBeenCalledTimes(1);
    expect(purge.mock.results[0]?.value).toBe(2);
    expect(vi.getTimerCount()).toBe(1);
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(purge).toHaveBeenCalledTimes(1);
  });

  it('does not keep a Node process alive with its sweep timer', async () => {
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const store = new MemoryTokenStore({ sweepIntervalMs: 10_000 });
    const timer = setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    await store.close();
  });

  it('starts no timer when the sweep is disabled', async () => {
    vi.useFakeTimers();
    const store = new MemoryTokenStore({ sweepIntervalMs: 0 });
    expect(vi.getTimerCount()).toBe(0);
    await store.close();
  });

  it('purges expired tokens, families, denylist entries and cached claims on purgeExpired()', async () => {
    let clock = 0;
    const store = new MemoryTokenStore({ now: () => clock, sweepIntervalMs: 0 });
    await store.putOpaqueToken('o', record, 1);
    await store.issueRefreshToken('r', { ...record, familyId: 'f' }, 1);
    await store.revoke('j', 1);
    await store.cacheClaims('c', { sub: 'u1' }, 1);
    await store.putOpaqueToken('long', record, 60);
    expect(store.purgeExpired()).toBe(0);
    clock += 1000;
    expect(store.purgeExpired()).toBe(5);
    expect(await store.getOpaqueToken('long')).toStrictEqual(record);
    await store.close();
  });

  it('bounds the claims cache, evicting the least recently used entry', async () => {
    const store = new MemoryTokenStore({ maxCachedClaims: 2, sweepIntervalMs: 0 });
    await store.cacheClaims('a', { sub: 'a' }, 60);
    await store.cacheClaims('b', { sub: 'b' }, 60);
    await store.getCachedClaims('a');
    await store.cacheClaims('c', { sub: 'c' }, 60);
    expect(await store.getCachedClaims('b')).toBeUndefined();
    expect(await store.getCachedClaims('a')).toStrictEqual({ sub: 'a' });
    expect(await store.getCachedClaims('c')).toStrictEqual({ sub: 'c' });
    await store.close();
  });
});

describe('MemoryTokenStore memory policy', () => {
  it('never evicts an unexpired denylist entry or family to save memory, however many there are', async () => {
    const store = new MemoryTokenStore({ maxCachedClaims: 1, sweepIntervalMs: 0 });
    const jtis = Array.from({ length: 50_000 }, (_, i) => `jti-${i}`);
    for (const jti of jtis) await store.revoke(jti, 3600);
    const families = Array.from({ length: 5_000 }, (_, i) => `family-${i}`);
    for (const [i, familyId] of families.entries()) {
      await store.issueRefreshToken(`rt-${i}`, { familyId, subject: 'u', expiresAt: 2_000_000_000 }, 3600, {
        accessToken: { jti: `at-${i}`, ttlSeconds: 3600 },
      });
    }
    await store.revokeFamily('family-0');
    for (const jti of jtis) expect(await store.isRevoked(jti)).toBe(true);
    expect(await store.isRevoked('at-0')).toBe(true);
    expect(await store.getRefreshToken('rt-0')).toBeUndefined();
    expect((await store.getRefreshToken('rt-4999'))?.rotated).toBe(false);
    expect(store.purgeExpired()).toBe(0);
    await store.close();
  });
});
