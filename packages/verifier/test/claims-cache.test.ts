import { MemoryTokenStore, signJwt, tokenFingerprint } from '@tessera/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createVerifier, type AuthResult, type SuccessEvent } from '../src/index.js';
import { ClaimsCache } from '../src/lib/claims-cache.js';
import { sha256Base64url } from '../src/lib/sha256.js';
import { ISSUER, SECRET, expectAuthError, hmacKey, mintToken } from './helpers.js';

const stores: MemoryTokenStore[] = [];
const newStore = () => {
  const s = new MemoryTokenStore();
  stores.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('the verified-claims cache', () => {
  it('keys entries by the same fingerprint as core\'s tokenFingerprint', async () => {
    const token = await mintToken(await hmacKey());
    expect(await sha256Base64url(token)).toBe(await tokenFingerprint(token));
  });

  it('answers a hot token from memory: the same frozen result, cacheHit in the hook', async () => {
    const events: SuccessEvent[] = [];
    const verifier = createVerifier({ local: { secret: SECRET }, onSuccess: (e) => events.push(e) });
    const token = await mintToken(await hmacKey());
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.claims)).toBe(true);
    expect(events.map((e) => e.cacheHit)).toEqual([false, true]);
  });

  it('never serves an entry past the token\'s exp', async () => {
    let now = Date.now();
    const verifier = createVerifier({ local: { secret: SECRET }, currentDate: () => new Date(now), cache: { maxTtl: '1h' } });
    const token = await signJwt({}, await hmacKey(), { subject: 'u', expiresIn: 30 });
    await verifier.verify(token);
    now += 31_000;
    await expectAuthError(verifier.verify(token), 'token_expired');
  });

  it('never lets a different token (same prefix) share an entry', async () => {
    const verifier = createVerifier({ local: { secret: SECRET } });
    const token = await mintToken(await hmacKey());
    await verifier.verify(token);
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expectAuthError(verifier.verify(forged), 'signature_invalid');
  });

  it('shares verified claims through the store (a second instance skips verification)', async () => {
    const store = newStore();
    const token = await mintToken(await hmacKey(), { jti: 'j-1' });
    const a = createVerifier({ local: { secret: SECRET }, store, cache: { store: true } });
    await a.verify(token);
    await new Promise((r) => setTimeout(r, 10));
    expect(await store.getCachedClaims(await tokenFingerprint(token))).toMatchObject({ strategy: 'local', claims: { sub: 'user-1', jti: 'j-1' } });
    const events: SuccessEvent[] = [];
    // The second instance holds a wrong key: only the shared cache can accept the token.
    const b = createVerifier({ local: { secret: 'another-secret-of-at-least-32-bytes!!' }, store, cache: { store: true }, onSuccess: (e) => events.push(e) });
    await expect(b.verify(token)).resolves.toMatchObject({ subject: 'user-1', strategy: 'local' });
    expect(events[0]?.cacheHit).toBe(true);
    await a.close();
    await b.close();
  });

  it('can be turned off', async () => {
    const verifier = createVerifier({ local: { secret: SECRET }, cache: false });
    const token = await mintToken(await hmacKey());
    expect(await verifier.verify(token)).not.toBe(await verifier.verify(token));
  });
});

describe('revocation and sessions', () => {
  it('refuses a revoked jti even when the cache holds the token', async () => {
    const store = newStore();
    const verifier = createVerifier({ local: { secret: SECRET, issuer: ISSUER }, store, revocation: true });
    const token = await mintToken(await hmacKey(), { jti: 'revoke-me' });
    await verifier.verify(token);
    await store.revoke('revoke-me', 600);
    await expectAuthError(verifier.verify(token), 'token_revoked', 'the token has been revoked');
    await verifier.close();
  });

  it('keeps its revocation indexes exact when the LRU evicts (no stale eviction of a later entry, no leak)', () => {
    const result = (jti: string) => ({ strategy: 'local', claims: { jti } }) as unknown as AuthResult;
    const cache = new ClaimsCache(2, () => 0, true);
    cache.set('token-a', 'fp-a', result('j'), 10);
    cache.set('token-b', 'fp-b', result('j'), 10);
    cache.set('token-c', 'fp-c', result('k'), 10); // evicts token-a
    expect(cache.get('token-a')).toBeUndefined();
    cache.deleteFingerprint('fp-a'); // names an evicted token: nothing else goes
    expect([cache.get('token-b'), cache.get('token-c')].every((r) => r !== undefined)).toBe(true);
    cache.deleteJti('j');
    expect(cache.get('token-b')).toBeUndefined();
    expect(cache.get('token-c')).toBeDefined();
    cache.deleteFingerprint('fp-c');
    expect(cache.size).toBe(0);
  });

  it('serves two long tokens that end alike, each its own verdict, and evicts each alone', () => {
    const result = (jti: string) => ({ strategy: 'local', claims: { jti } }) as unknown as AuthResult;
    const tail = 'T'.repeat(40);
    const [a, b, c] = ['a', 'b', 'c'].map((p) => p.repeat(100) + tail) as [string, string, string];
    const cache = new ClaimsCache(10, () => 0, true);
    cache.set(a, 'fp-a', result('ja'), 10);
    cache.set(b, 'fp-b', result('jb'), 10);
    expect(cache.get(a)?.claims.jti).toBe('ja');
    expect(cache.get(b)?.claims.jti).toBe('jb');
    expect(cache.get(c)).toBeUndefined();
    cache.set(b, 'fp-b', result('jb'), 10); // again: still one entry per token
    expect(cache.size).toBe(2);
    cache.deleteJti('ja');
    expect(cache.get(a)).toBeUndefined();
    expect(cache.get(b)?.claims.jti).toBe('jb');
    cache.deleteFingerprint('fp-b');
    expect(cache.get(b)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('moves a token back to its tail slot once that is free, leaving no copy a revocation could miss', () => {
    let now = 0;
    const result = (jti: string) => ({ strategy: 'local', claims: { jti } }) as unknown as AuthResult;
    const tail = 'T'.repeat(40);
    const [a, b] = ['a', 'b'].map((p) => p.repeat(100) + tail) as [string, string];
    const cache = new ClaimsCache(10, () => now, true);
    cache.set(a, 'fp-a', result('ja'), 5);
    cache.set(b, 'fp-b', result('jb'), 100); // a holds the tail: b is filed under itself
    now = 6; // a has expired
    cache.set(b, 'fp-b', result('jb'), 100); // b takes the tail slot; its other copy goes
    expect(cache.get(b)?.claims.jti).toBe('jb');
    cache.deleteJti('jb');
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(a)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never serves an entry at or past its expiry, and stores none already expired', () => {
    let now = 0;
    const cache = new ClaimsCache(10, () => now, false);
    const result = { strategy: 'local', claims: {} } as unknown as AuthResult;
    cache.set('t', 'fp', result, 5);
    cache.set('old', 'fp-old', result, 0);
    expect(cache.get('t')).toBe(result);
    expect(cache.get('old')).toBeUndefined();
    now = 5;
    expect(cache.get('t')).toBeUndefined();
  });

  it('evicts cached tokens at once when the store publishes a revocation (jti → token index)', async () => {
    const store = newStore();
    const events: SuccessEvent[] = [];
    const verifier = createVerifier({ local: { secret: SECRET }, store, onSuccess: (e) => events.push(e) });
    const token = await mintToken(await hmacKey(), { jti: 'evict-me' });
    await verifier.verify(token);
    await verifier.verify(token);
    await store.revoke('evict-me', 600);
    await verifier.verify(token);
    expect(events.map((e) => e.cacheHit)).toEqual([false, true, false]);
    await verifier.close();
  });

  it('session mode: a token counts only while its session exists', async () => {
    const store = newStore();
    const verifier = createVerifier({ local: { secret: SECRET }, store, session: true });
    const token = await mintToken(await hmacKey(), { jti: 's-1' });
    await expectAuthError(verifier.verify(token), 'session_ended', 'the token\'s session has ended');
    await store.putSession('s-1', 600);
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    await store.deleteSession('s-1');
    await expectAuthError(verifier.verify(token), 'session_ended');
    await expectAuthError(verifier.verify(await mintToken(await hmacKey())), 'session_ended', 'the token has no "jti", so it has no session');
    await verifier.close();
  });

  it('fails closed (503 store_unavailable with Retry-After) when the store is down', async () => {
    const store = newStore();
    const verifier = createVerifier({ local: { secret: SECRET }, store, revocation: true });
    const token = await mintToken(await hmacKey(), { jti: 'x' });
    await store.close();
    const err = await expectAuthError(verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } }), 'store_unavailable');
    expect(err).toMatchObject({ status: 503, expose: false, headers: { 'Retry-After': '5' } });
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the per-subject limit', async () => {
    const store = newStore();
    const verifier = createVerifier({ local: { secret: SECRET }, store, rateLimit: { limit: 2, window: 60 } });
    const token = await mintToken(await hmacKey());
    const req = { method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } };
    await verifier.authenticate(req);
    await verifier.authenticate(req);
    const err = await expectAuthError(verifier.authenticate(req), 'rate_limited', 'too many requests');
    expect(err).toMatchObject({ status: 429 });
    expect(Number((err.headers as Record<string, string>)['Retry-After'])).toBeGreaterThan(0);
    // Another subject has its own counter.
    await expect(verifier.authenticate({ ...req, headers: { authorization: `Bearer ${await mintToken(await hmacKey(), {}, { subject: 'user-2' })}` } })).resolves.toBeDefined();
    await verifier.close();
  });

  it('counts per client when asked', async () => {
    const store = newStore();
    const verifier = createVerifier({ local: { secret: SECRET }, store, rateLimit: { limit: 1, window: '1m', by: 'client' } });
    const a = await mintToken(await hmacKey(), { client_id: 'app' }, { subject: 'u1' });
    const b = await mintToken(await hmacKey(), { client_id: 'app' }, { subject: 'u2' });
    await verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${a}` } });
    await expectAuthError(verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${b}` } }), 'rate_limited');
    await verifier.close();
  });
});

describe('authenticateCached (the synchronous hit path adapters take first)', () => {
  const request = (token: string, scheme = 'Bearer') => ({ method: 'GET', url: 'https://api.example/r', headers: { authorization: `${scheme} ${token}` } });

  it('answers a cached Bearer token at once with what authenticate answers, and reports the hit', async () => {
    const events: SuccessEvent[] = [];
    const verifier = createVerifier({ local: { secret: SECRET }, onSuccess: (e) => events.push(e) });
    const token = await mintToken(await hmacKey());
    expect(verifier.authenticateCached(request(token))).toBeUndefined(); // not verified yet: only authenticate can tell
    const verified = await verifier.authenticate(request(token));
    expect(verifier.authenticateCached(request(token))).toBe(verified);
    expect(events.map((e) => e.cacheHit)).toEqual([false, true]);
    expect(verifier.authenticateCached(request(token), { strategy: 'remote' })).toBeUndefined();
    // Other spellings the full search accepts are answered too.
    expect(verifier.authenticateCached({ method: 'GET', url: '/', headers: { authorization: `bearer   ${token}` } })).toBe(verified);
  });

  it('keeps the full search\'s refusals when a token may also come from a cookie', async () => {
    const verifier = createVerifier({ local: { secret: SECRET }, extract: { cookie: 'at' } });
    const token = await mintToken(await hmacKey());
    const verified = await verifier.authenticate(request(token));
    expect(verifier.authenticateCached(request(token))).toBe(verified);
    expect(verifier.authenticateCached({ method: 'GET', url: '/', headers: { cookie: `at=${token}` } })).toBe(verified);
    const twice = { method: 'GET', url: '/', headers: { authorization: `Bearer ${token}`, cookie: `at=${token}` } };
    expect(verifier.authenticateCached(twice)).toBeUndefined();
    await expectAuthError(verifier.authenticate(twice), 'invalid_request');
  });

  it('leaves every failure, and every request needing more than the cache, to authenticate', async () => {
    const store = newStore();
    const key = await hmacKey();
    const token = await mintToken(key, { jti: 'j-sync' });
    const bound = await mintToken(key, { cnf: { jkt: 'x'.repeat(43) } });
    const plain = createVerifier({ local: { secret: SECRET } });
    await plain.verify(token);
    await plain.verify(bound);
    expect(plain.authenticateCached(request(token, 'DPoP'))).toBeUndefined();
    expect(plain.authenticateCached(request(token), { dpop: 'dpop' })).toBeUndefined();
    expect(plain.authenticateCached(request(bound))).toBeUndefined();
    await expectAuthError(plain.authenticate(request(bound)), 'dpop_binding_mismatch');
    expect(plain.authenticateCached({ method: 'GET', url: '/', headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } })).toBeUndefined();
    expect(plain.authenticateCached({ method: 'GET', url: '/', headers: {} })).toBeUndefined();
    for (const options of [{ revocation: true }, { session: true }, { rateLimit: { limit: 100, window: 60 } }, { cache: false as const }]) {
      const checked = createVerifier({ local: { secret: SECRET }, store, ...options });
      await checked.verify(token).catch(() => undefined);
      expect(checked.authenticateCached(request(token))).toBeUndefined();
      await checked.close();
    }
  });
});
