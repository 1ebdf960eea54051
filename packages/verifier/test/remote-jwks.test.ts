import { generateKeyPair, signJwt, type GeneratedKeyPair } from '@tessera/core';
import { HttpResponse, delay, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../src/index.js';
import { mockUpstreams } from '../../../test/verifier/support.js';
import { expectAuthError } from './helpers.js';

const JWKS = 'https://issuer.example/jwks';
let first: GeneratedKeyPair;
let second: GeneratedKeyPair;
let published: object[];
let fetches = 0;
let failing: false | 'error' | 500 | 'garbage' | 'slow' = false;

const server = mockUpstreams(
  http.get(JWKS, async () => {
    fetches++;
    if (failing === 'error') return HttpResponse.error();
    if (failing === 500) return new HttpResponse('oops', { status: 500 });
    if (failing === 'garbage') return new HttpResponse('{"keys":', { headers: { 'content-type': 'application/json' } });
    if (failing === 'slow') await delay(2000);
    return HttpResponse.json({ keys: published });
  }),
);

beforeAll(async () => {
  first = await generateKeyPair('ES256', { kid: 'k1' });
  second = await generateKeyPair('ES256', { kid: 'k2' });
});
afterEach(() => {
  failing = false;
  fetches = 0;
});
afterAll(() => server.close());

const sign = (pair: GeneratedKeyPair) => signJwt({}, pair.privateKey, { subject: 'u', expiresIn: 600, kid: pair.kid });
const withoutAlg = (jwk: object) => {
  const { alg: _alg, ...rest } = jwk as { alg?: string };
  return rest;
};

describe('local strategy over a remote JWKS', () => {
  it('fetches once for many concurrent first requests, and binds keys without alg to their type\'s algorithm', async () => {
    published = [withoutAlg(first.publicJwk)];
    const verifier = createVerifier({ local: { jwksUri: JWKS }, cache: false });
    const token = await sign(first);
    const results = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(token)));
    expect(results.every((r) => r.subject === 'u')).toBe(true);
    expect(fetches).toBe(1);
  });

  it('refetches exactly once on an unknown kid (key rotation), then respects the cooldown', async () => {
    published = [first.publicJwk];
    const verifier = createVerifier({ local: { jwksUri: JWKS, jwks: { cooldown: 1 } }, cache: false });
    await verifier.verify(await sign(first));
    published = [first.publicJwk, second.publicJwk];
    await new Promise((r) => setTimeout(r, 1050));
    const rotated = await sign(second);
    await Promise.all(Array.from({ length: 10 }, () => verifier.verify(rotated)));
    expect(fetches).toBe(2);
    const stranger = await generateKeyPair('ES256', { kid: 'k3' });
    await expectAuthError(verifier.verify(await sign(stranger)), 'key_not_found');
    expect(fetches).toBe(2);
  });

  it('keeps the keys through an outage for keepKeysFor, then answers jwks_unavailable (503), never 401', async () => {
    published = [first.publicJwk];
    const verifier = createVerifier({ local: { jwksUri: JWKS, jwks: { cacheMaxAge: 0.05, keepKeysFor: 0.3, cooldown: 0.01 } }, cache: false });
    const token = await sign(first);
    await verifier.verify(token);
    failing = 'error';
    await new Promise((r) => setTimeout(r, 80));
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'u' });
    await new Promise((r) => setTimeout(r, 350));
    const err = await expectAuthError(
      verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } }),
      'jwks_unavailable',
    );
    expect(err).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
    failing = false;
    await new Promise((r) => setTimeout(r, 20));
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'u' });
  });

  it.each([['a 500', 500], ['malformed JSON', 'garbage'], ['a connection error', 'error']] as const)(
    'answers jwks_unavailable when the first fetch gets %s',
    async (_name, mode) => {
      failing = mode;
      published = [first.publicJwk];
      const verifier = createVerifier({ local: { jwksUri: JWKS } });
      await expectAuthError(verifier.verify(await sign(first)), 'jwks_unavailable', 'the JWKS could not be fetched');
    },
  );

  it('answers jwks_unavailable when the endpoint is slower than the timeout', async () => {
    failing = 'slow';
    published = [first.publicJwk];
    const verifier = createVerifier({ local: { jwksUri: JWKS, jwks: { timeout: 100 } } });
    await expectAuthError(verifier.verify(await sign(first)), 'jwks_unavailable');
  });

  it('ignores private members and keys meant for encryption', async () => {
    const enc = await generateKeyPair('ECDH-ES+A256KW', { kid: 'e1' });
    published = [{ ...first.privateJwk, kid: 'k1' }, enc.publicJwk];
    const verifier = createVerifier({ local: { jwksUri: JWKS } });
    await expectAuthError(verifier.verify(await sign(first)), 'jwks_unavailable');
  });
});
