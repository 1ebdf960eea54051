/**
 * Which configured keys a token is checked with, and how many: the `kid` rule for local keys (a key with a `kid`
 * checks only tokens with that `kid`; a key imported without one is a candidate for any token of its `alg`, after the
 * exact matches), jose's rule for remote JWKS, the `maxKeyTries` bound, and `b64` outside `crit` (RFC 7797 §6). Every
 * case runs on both engines.
 */
import { SignJWT } from 'jose';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteJwks, generateKeyPair, importJwk, importJwks, importPem, importSecret, KeySet } from '../src/keys/index.js';
import { encryptJwe } from '../src/issue/index.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { nodeEngine } from '../src/node/node-engine.js';
import type { TesseraKey } from '../src/types.js';
import { createJweDecrypter, createJwsVerifier, createTokenVerifier } from '../src/verify/index.js';
import { claims, currentDate, expectRejection, hmacToken, NOW } from './verify-helpers.js';

const ENGINES: readonly VerificationEngine[] = [joseEngine, nodeEngine];

/** An engine that counts the keys it is asked to try. */
function counting(engine: VerificationEngine): { engine: VerificationEngine; tried: TesseraKey[] } {
  const tried: TesseraKey[] = [];
  return {
    tried,
    engine: {
      name: `counting ${engine.name}`,
      prepareKey: engine.prepareKey,
      verifyJws: (jws, key) => {
        tried.push(key);
        return engine.verifyJws(jws, key);
      },
      decryptJwe: (jwe, key, limits) => {
        tried.push(key);
        return engine.decryptJwe(jwe, key, limits);
      },
    },
  };
}

const secret = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);
const hs256 = (fill: number, kid?: string) => importSecret(secret(fill), { alg: 'HS256', ...(kid === undefined ? {} : { kid }) });
const signHs = (fill: number, kid?: string) =>
  new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', ...(kid === undefined ? {} : { kid }) }).sign(secret(fill));

describe.each(ENGINES)('the kid rule for configured keys ($name engine)', (base) => {
  const verifier = (keys: TesseraKey | TesseraKey[] | KeySet, engine: VerificationEngine = base) =>
    createTokenVerifier({ keys, currentDate, engine });

  it('verifies an RS256 token with kid "rsa-1" against a PEM imported without a kid', async () => {
    const issuer = await generateKeyPair('RS256');
    const key = await importPem(issuer.publicPem, { alg: 'RS256' });
    expect(key.kid).toBe(issuer.kid); // the RFC 7638 thumbprint, computed: the key stays unnamed
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).sign(issuer.privateKey.key as CryptoKey);
    const result = await verifier(key).verify(token);
    expect(result.key).toBe(key);
    expect(result.header.kid).toBe('rsa-1');
    // The same key in a KeySet, and a JWK imported without "kid", follow the same rule.
    expect((await verifier(new KeySet([key])).verify(token)).key).toBe(key);
    const { kid: _kid, ...bare } = issuer.publicJwk;
    const fromJwk = await importJwk(bare);
    expect((await verifier(fromJwk).verify(token)).key).toBe(fromJwk);
  });

  it('checks a token only with the key of its kid when every key is named (key_not_found otherwise)', async () => {
    const [a, b] = await Promise.all([hs256(1, 'a'), hs256(2, 'b')]);
    // Signed by a's secret but naming "c": a is not a candidate, whatever the signature says.
    await expectRejection(verifier([a, b]).verify(await signHs(1, 'c')), 'key_not_found', 'no key matches the token');
    // Naming "b" while signed by a: only b is tried.
    const { engine, tried } = counting(base);
    await expectRejection(verifier([a, b], engine).verify(await signHs(1, 'b')), 'signature_invalid', 'signature verification failed');
    expect(tried).toEqual([b]);
  });

  it('tries the exact kid first, then the keys without one', async () => {
    const [named, unnamed] = await Promise.all([hs256(1, 'a'), hs256(2)]);
    const exact = counting(base);
    expect((await verifier([unnamed, named], exact.engine).verify(await signHs(1, 'a'))).key).toBe(named);
    expect(exact.tried).toEqual([named]);
    const fallback = counting(base);
    // Names "a" but was signed with the unnamed key's secret: a fails, then the unnamed key verifies it.
    expect((await verifier([unnamed, named], fallback.engine).verify(await signHs(2, 'a'))).key).toBe(unnamed);
    expect(fallback.tried).toEqual([named, unnamed]);
  });

  it('lets a token with an unknown kid reach only the keys without one', async () => {
    const [named, unnamed] = await Promise.all([hs256(1, 'a'), hs256(2)]);
    const { engine, tried } = counting(base);
    await expectRejection(verifier([named, unnamed], engine).verify(await signHs(1, 'zzz')), 'signature_invalid', 'signature verification failed');
    expect(tried).toEqual([unnamed]);
  });

  it('gives a token without kid every key of its alg, named or not', async () => {
    const [named, unnamed] = await Promise.all([hs256(1, 'a'), hs256(2)]);
    expect((await verifier([unnamed, named]).verify(await signHs(1))).key).toBe(named);
    expect((await verifier([named, unnamed]).verify(await signHs(2))).key).toBe(unnamed);
  });

  it('applies the rule in a KeySet: named keys match only their kid, generated keys (thumbprint kid) any', async () => {
    const [named, generated] = await Promise.all([
      generateKeyPair('ES256', { kid: 'es-named' }),
      generateKeyPair('ES256'),
    ]);
    const keys = new KeySet([named.privateKey, generated.privateKey]);
    const signed = (pair: typeof named, kid: string) =>
      new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid }).sign(pair.privateKey.key as CryptoKey);
    expect((await verifier(keys).verify(await signed(generated, 'issuer-chose-this'))).key).toBe(generated.publicKey);
    expect((await verifier(keys).verify(await signed(generated, generated.kid))).key).toBe(generated.publicKey);
    await expectRejection(verifier(new KeySet([named.privateKey])).verify(await signed(named, 'other')), 'key_not_found', 'no key matches the token');
    expect(keys.resolve({ alg: 'ES256', kid: 'es-named' }, 'sig')).toEqual([named.publicKey, generated.publicKey]);
    expect(keys.resolve({ alg: 'ES256', kid: 'elsewhere' }, 'sig')).toEqual([generated.publicKey]);
  });

  it('accepts by default every alg a KeySet can resolve: a private ES256 key beside an HS256 secret', async () => {
    const es = await generateKeyPair('ES256', { kid: 'es' });
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const keys = new KeySet([es.privateKey, await importSecret(secret, { alg: 'HS256', kid: 'hs' })]);
    const es256 = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: 'es' }).sign(es.privateKey.key as CryptoKey);
    const hs256 = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'hs' }).sign(secret);
    expect((await verifier(keys).verify(es256)).key).toBe(es.publicKey);
    expect((await verifier(keys).verify(hs256)).payload.sub).toBe(claims().sub);
    await expectRejection(
      verifier(keys).verify(await new SignJWT(claims()).setProtectedHeader({ alg: 'HS384' }).sign(new Uint8Array(48))),
      'alg_not_allowed',
      '"alg" header parameter value is not allowed',
    );
  });

  it('applies the rule to decryption keys', async () => {
    const [named, unnamed] = await Promise.all([
      importSecret(new Uint8Array(16).fill(1), { alg: 'A128KW', kid: 'kek-1' }),
      importSecret(new Uint8Array(16).fill(2), { alg: 'A128KW' }),
    ]);
    const token = await encryptJwe({ sub: 'u', exp: NOW + 60 }, unnamed, { kid: 'kek-9' });
    const result = await createTokenVerifier({ decryptionKeys: [named, unnamed], currentDate, engine: base }).verify(token);
    expect(result.decryptionKey).toBe(unnamed);
    const toNamed = await encryptJwe({ sub: 'u', exp: NOW + 60 }, unnamed, { kid: 'kek-1' });
    const { engine, tried } = counting(base);
    expect((await createTokenVerifier({ decryptionKeys: [named, unnamed], currentDate, engine }).verify(toNamed)).decryptionKey).toBe(unnamed);
    expect(tried).toEqual([named, unnamed]);
  });
});

describe('the kid rule for a remote JWKS (jose\'s)', () => {
  const url = 'https://issuer.test/jwks.json';
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('matches a token with a kid only to the JWK with that kid (a JWK without kid does not stand in)', async () => {
    const pair = await generateKeyPair('ES256');
    const { kid: _kid, ...withoutKid } = pair.publicJwk;
    server.use(http.get(url, () => HttpResponse.json({ keys: [withoutKid] })));
    const keys = createRemoteJwks(url);
    const named = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(pair.privateKey.key as CryptoKey);
    await expectRejection(createTokenVerifier({ keys, currentDate }).verify(named), 'key_not_found', 'no key in the remote JWKS matches the token');
    const bare = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256' }).sign(pair.privateKey.key as CryptoKey);
    expect((await createTokenVerifier({ keys, currentDate }).verify(bare)).payload).toEqual(claims());
  });
});

describe.each(ENGINES)('maxKeyTries ($name engine)', (base) => {
  let keys: TesseraKey[] = [];
  beforeAll(async () => {
    keys = await Promise.all(Array.from({ length: 12 }, (_, i) => hs256(i + 1)));
  });

  it('tries at most 8 keys for a token without kid by default', async () => {
    const { engine, tried } = counting(base);
    const verifier = createTokenVerifier({ keys, currentDate, engine });
    expect((await verifier.verify(await signHs(8))).key).toBe(keys[7]);
    tried.length = 0;
    await expectRejection(verifier.verify(await signHs(9)), 'signature_invalid', 'signature verification failed');
    expect(tried).toEqual(keys.slice(0, 8));
  });

  it('takes another bound, for signatures and decryption, in every verifier', async () => {
    const twelve = createTokenVerifier({ keys, currentDate, engine: base, maxKeyTries: 12 });
    expect((await twelve.verify(await signHs(12))).key).toBe(keys[11]);
    const { engine, tried } = counting(base);
    await expectRejection(createJwsVerifier({ keys, engine, maxKeyTries: 2 }).verify(await signHs(3)), 'signature_invalid', 'signature verification failed');
    expect(tried).toHaveLength(2);
    const keks = await Promise.all([1, 2, 3].map((fill) => importSecret(new Uint8Array(16).fill(fill), { alg: 'A128KW' })));
    const jwe = await encryptJwe('x', keks[2] as TesseraKey);
    await expectRejection(createJweDecrypter({ decryptionKeys: keks, engine: base, maxKeyTries: 2 }).decrypt(jwe), 'decryption_failed', 'decryption failed');
    expect(new TextDecoder().decode((await createJweDecrypter({ decryptionKeys: keks, engine: base, maxKeyTries: 3 }).decrypt(jwe)).plaintext)).toBe('x');
  });

  it('never cuts the exact kid match: it comes first', async () => {
    const named = await hs256(99, 'me');
    const { engine, tried } = counting(base);
    const verifier = createTokenVerifier({ keys: [...keys, named], currentDate, engine, maxKeyTries: 1 });
    expect((await verifier.verify(await signHs(99, 'me'))).key).toBe(named);
    expect(tried).toEqual([named]);
  });

  it.each([0, -1, 1.5, Number.NaN, '8', null])('rejects maxKeyTries %s', (value) => {
    expect(() => createTokenVerifier({ keys, maxKeyTries: value as number })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"maxKeyTries" must be a positive integer' }),
    );
  });
});

describe.each(ENGINES)('b64 outside crit ($name engine)', (engine) => {
  const key = secret(7);
  let verifier: ReturnType<typeof createTokenVerifier>;
  beforeAll(async () => {
    verifier = createTokenVerifier({ keys: await importSecret(key, { alg: 'HS256' }), currentDate, engine, critical: ['urn:example:ext'] });
  });

  it.each([false, true])('rejects b64: %s without crit as header_invalid (RFC 7797 §6)', async (b64) => {
    const token = await hmacToken(JSON.stringify({ alg: 'HS256', b64 }), JSON.stringify(claims()), key);
    const err = await expectRejection(verifier.verify(token), 'header_invalid',
      '"b64" header parameter must be listed in "crit" (RFC 7797 §6); unencoded payloads are not supported');
    expect(err).toMatchObject({ header: 'b64' });
  });

  it('rejects b64 beside a crit that lists something else', async () => {
    const header = { alg: 'HS256', b64: false, crit: ['urn:example:ext'], 'urn:example:ext': 1 };
    const token = await hmacToken(JSON.stringify(header), JSON.stringify(claims()), key);
    await expectRejection(verifier.verify(token), 'header_invalid',
      '"b64" header parameter must be listed in "crit" (RFC 7797 §6); unencoded payloads are not supported');
  });

  it('rejects b64 listed in crit as a crit name this verifier does not process', async () => {
    const token = await hmacToken(JSON.stringify({ alg: 'HS256', b64: false, crit: ['b64'] }), JSON.stringify(claims()), key);
    const err = await expectRejection(verifier.verify(token), 'header_invalid', '"crit" names a header parameter this verifier does not process');
    expect(err).toMatchObject({ header: 'crit' });
  });

  it('accepts the same token without b64', async () => {
    const token = await hmacToken(JSON.stringify({ alg: 'HS256' }), JSON.stringify(claims()), key);
    expect((await verifier.verify(token)).payload).toEqual(claims());
  });
});
