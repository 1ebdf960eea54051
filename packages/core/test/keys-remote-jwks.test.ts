import { calculateJwkThumbprint, compactVerify, CompactSign } from 'jose';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRemoteJwks, generateKeyPair, type GeneratedKeyPair } from '../src/keys/index.js';
import type { Jwk } from '../src/types.js';
import { expectRejects, expectThrows, jwkOf, rsaPair } from './keys-helpers.js';
import { WYCHEPROOF_JWK_TESTS } from './keys-wycheproof.js';

const URL_ = 'https://issuer.test/.well-known/jwks.json';
const server = setupServer();
let fetches = 0;
let served: { keys: Jwk[] } = { keys: [] };

/** Serves `served` at URL_, counting requests. */
function serveJwks(): void {
  server.use(
    http.get(URL_, () => {
      fetches++;
      return HttpResponse.json(served);
    }),
  );
}

let es: GeneratedKeyPair;
let es2: GeneratedKeyPair;
let rs: GeneratedKeyPair;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  [es, es2, rs] = await Promise.all([
    generateKeyPair('ES256', { kid: 'es-1' }),
    generateKeyPair('ES256', { kid: 'es-2' }),
    generateKeyPair('RS256', { kid: 'rs-1' }),
  ]);
});
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
  fetches = 0;
});
afterAll(() => server.close());

async function sign(pair: GeneratedKeyPair): Promise<string> {
  return new CompactSign(new TextEncoder().encode('hi')).setProtectedHeader({ alg: pair.alg, kid: pair.kid }).sign(pair.privateKey.key as CryptoKey);
}

describe('createRemoteJwks', () => {
  it('fetches once for many verifications and hands out the same key object each time', async () => {
    served = { keys: [es.publicJwk, rs.publicJwk] };
    serveJwks();
    const jwks = createRemoteJwks(URL_);
    const token = await sign(es);
    const results = await Promise.all(Array.from({ length: 20 }, () => jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig')));
    for (let i = 0; i < 30; i++) results.push(await jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig'));
    const [key] = results[0]!;
    expect(results.every((r) => r[0] === key)).toBe(true);
    expect(key).toMatchObject({ kid: 'es-1', alg: 'ES256', use: 'sig', type: 'public' });
    expect(key!.publicJwk).toEqual(es.publicJwk);
    await expect(compactVerify(token, key!.key as CryptoKey)).resolves.toBeTruthy();
    expect(await jwks.resolve({ alg: 'RS256', kid: 'rs-1' }, 'sig')).toHaveLength(1);
    expect(fetches).toBe(1);
  });

  it('refetches exactly once for an unknown kid after the cooldown, and finds a rotated key', async () => {
    served = { keys: [es.publicJwk] };
    serveJwks();
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    const jwks = createRemoteJwks(URL_, { cooldownDuration: 30_000 });
    await jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig');
    expect(fetches).toBe(1);

    // Within the cooldown an unknown kid does not refetch.
    await expectRejects(jwks.resolve({ alg: 'ES256', kid: 'es-2' }, 'sig'), 'key_not_found', 'no key in the remote JWKS matches the token');
    expect(fetches).toBe(1);

    // After the cooldown: one refetch, and still unknown.
    clock.mockReturnValue(now + 30_001);
    await expectRejects(jwks.resolve({ alg: 'ES256', kid: 'nope' }, 'sig'), 'key_not_found', 'no key in the remote JWKS matches the token');
    expect(fetches).toBe(2);

    // The issuer rotates; after the next cooldown the new kid is fetched and found.
    served = { keys: [es.publicJwk, es2.publicJwk] };
    clock.mockReturnValue(now + 60_002);
    const [key] = await jwks.resolve({ alg: 'ES256', kid: 'es-2' }, 'sig');
    expect(key?.kid).toBe('es-2');
    await expect(compactVerify(await sign(es2), key!.key as CryptoKey)).resolves.toBeTruthy();
    expect(fetches).toBe(3);
  });

  it('refetches when the cache is older than cacheMaxAge', async () => {
    served = { keys: [es.publicJwk] };
    serveJwks();
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    const jwks = createRemoteJwks(URL_, { cacheMaxAge: 60_000 });
    await jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig');
    clock.mockReturnValue(now + 59_000);
    await jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig');
    expect(fetches).toBe(1);
    clock.mockReturnValue(now + 60_001);
    await jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig');
    expect(fetches).toBe(2);
  });

  it.each([
    ['a 500', () => HttpResponse.json({ error: 'boom' }, { status: 500 }), 'the JWKS could not be fetched'],
    ['a network error', () => HttpResponse.error(), 'the JWKS could not be fetched'],
    ['a body that is not JSON', () => new HttpResponse('<html>', { headers: { 'content-type': 'text/html' } }), 'the JWKS could not be fetched'],
    ['JSON that is not a JWKS', () => HttpResponse.json({ keys: 'none' }), 'the JWKS endpoint returned an invalid key set'],
  ])('answers jwks_unavailable (503) for %s', async (_name, respond, message) => {
    server.use(http.get(URL_, respond));
    const jwks = createRemoteJwks(URL_);
    const err = await jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'jwks_unavailable', status: 503, message, name: 'UnavailableError' });
  });

  it('answers jwks_unavailable when the endpoint is slower than timeoutDuration', async () => {
    server.use(
      http.get(URL_, async () => {
        await delay(500);
        return HttpResponse.json({ keys: [es.publicJwk] });
      }),
    );
    const jwks = createRemoteJwks(URL_, { timeoutDuration: 50 });
    await expectRejects(jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig'), 'jwks_unavailable', 'the JWKS endpoint did not answer in time');
    await expectRejects(jwks.reload(), 'jwks_unavailable', 'the JWKS endpoint did not answer in time');
  });

  it('recovers on the next call after a failed fetch', async () => {
    let fail = true;
    server.use(http.get(URL_, () => (fail ? HttpResponse.json({}, { status: 503 }) : HttpResponse.json({ keys: [es.publicJwk] }))));
    const jwks = createRemoteJwks(URL_);
    await expectRejects(jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig'), 'jwks_unavailable', 'the JWKS could not be fetched');
    fail = false;
    await expect(jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'sig')).resolves.toHaveLength(1);
  });

  it('applies local key validation to remote keys (1024-bit RSA, e = 1)', async () => {
    const weak = WYCHEPROOF_JWK_TESTS.find((t) => t.tcId === 8)!.jwks.keys[0]!;
    const exponentOne = WYCHEPROOF_JWK_TESTS.find((t) => t.tcId === 9)!.jwks.keys[0]!;
    served = { keys: [weak, exponentOne] };
    serveJwks();
    const jwks = createRemoteJwks(URL_);
    await expectRejects(jwks.resolve({ alg: 'RS256', kid: 'RS256_1024' }, 'sig'), 'invalid_key', 'RSA modulus is 1024 bits; at least 2048 are required');
    await expectRejects(jwks.resolve({ alg: 'RS256', kid: 'RS256_2048' }, 'sig'), 'invalid_key', 'RSA public exponent must be odd and at least 3');
    expect(fetches).toBe(1);
  });

  it('answers key_not_found when several keys match a token without kid', async () => {
    served = { keys: [es.publicJwk, es2.publicJwk] };
    serveJwks();
    const jwks = createRemoteJwks(URL_);
    await expectRejects(jwks.resolve({ alg: 'ES256' }, 'sig'), 'key_not_found', 'several keys in the remote JWKS match the token; it needs a kid that selects one');
    await expect(jwks.resolve({ alg: 'RS256' }, 'sig')).rejects.toMatchObject({ code: 'key_not_found' });
  });

  it('binds an alg-less JWK to the header alg, one wrapper per alg, with a thumbprint kid when it has none', async () => {
    const { kid: _kid, alg: _alg, use: _use, ...bare } = rs.publicJwk;
    served = { keys: [bare] };
    serveJwks();
    const jwks = createRemoteJwks(URL_);
    const [rs256] = await jwks.resolve({ alg: 'RS256' }, 'sig');
    const [ps256] = await jwks.resolve({ alg: 'PS256' }, 'sig');
    expect(rs256).toMatchObject({ alg: 'RS256', kid: await calculateJwkThumbprint(bare) });
    expect(ps256).toMatchObject({ alg: 'PS256' });
    expect(rs256).not.toBe(ps256);
    expect((await jwks.resolve({ alg: 'RS256' }, 'sig'))[0]).toBe(rs256);
  });

  it('never resolves HMAC algorithms, unknown algorithms or encryption use, and does not fetch for them', async () => {
    served = { keys: [{ kty: 'oct', k: 'AAAA', alg: 'HS256', kid: 'h' }, es.publicJwk] };
    serveJwks();
    const jwks = createRemoteJwks(URL_);
    expect(await jwks.resolve({ alg: 'HS256', kid: 'h' }, 'sig')).toEqual([]);
    expect(await jwks.resolve({ alg: 'none' }, 'sig')).toEqual([]);
    expect(await jwks.resolve({ alg: 'ES256', kid: 'es-1' }, 'enc')).toEqual([]);
    expect(await jwks.resolve({ alg: 'ES256', kid: 7 as unknown as string }, 'sig')).toEqual([]);
    expect(fetches).toBe(0);
  });

  it('respects the JWK use: an enc key never verifies', async () => {
    served = { keys: [{ ...jwkOf(rsaPair().publicKey), use: 'enc', kid: 'r-enc' }] };
    serveJwks();
    await expectRejects(createRemoteJwks(URL_).resolve({ alg: 'RS256', kid: 'r-enc' }, 'sig'), 'key_not_found', 'no key in the remote JWKS matches the token');
  });

  it('sends the configured headers', async () => {
    let seen: string | null = null;
    server.use(
      http.get(URL_, ({ request }) => {
        seen = request.headers.get('x-api-key');
        return HttpResponse.json({ keys: [es.publicJwk] });
      }),
    );
    await createRemoteJwks(new URL(URL_), { headers: { 'x-api-key': 'k1' } }).reload();
    expect(seen).toBe('k1');
  });

  it.each([
    [() => createRemoteJwks('not a url'), 'url must be an absolute http(s) URL'],
    [() => createRemoteJwks('file:///etc/jwks.json'), 'url must be an absolute http(s) URL'],
    [() => createRemoteJwks(URL_, { cooldownDuration: -1 }), 'options.cooldownDuration must be a non-negative number of milliseconds'],
    [() => createRemoteJwks(URL_, { cacheMaxAge: Number.NaN }), 'options.cacheMaxAge must be a non-negative number of milliseconds'],
    [() => createRemoteJwks(URL_, { timeoutDuration: 1.5 }), 'options.timeoutDuration must be a non-negative integer of milliseconds'],
    [() => createRemoteJwks(URL_, { headers: { a: 1 as unknown as string } }), 'options.headers must map header names to strings'],
  ])('rejects bad arguments (%#)', (make, message) => {
    expectThrows(make, 'invalid_argument', message);
  });
});
