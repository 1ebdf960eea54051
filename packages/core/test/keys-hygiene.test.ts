/**
 * Key hygiene at import: ROCA-vulnerable RSA moduli (CVE-2017-15361) and private JWKs whose private members do not
 * belong to their public ones are refused (`invalid_key`) by every importer, remote JWKS included.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, importJwk, importJwks, importPem, createRemoteJwks } from '../src/keys/index.js';
import { hasRocaFingerprint } from '../src/keys/roca.js';
import type { Jwk } from '../src/types.js';
import { expectRejects, rsaPair } from './keys-helpers.js';
import { WYCHEPROOF_JWK_TESTS } from './keys-wycheproof.js';

const ROCA = 'RSA modulus has the ROCA fingerprint (CVE-2017-15361): its generator makes keys that can be factored; replace the key';

/** The ROCA-vulnerable public key of Wycheproof json_web_key_test.json tc 7 (rejectsKeyWithRocaVulnerability). */
const rocaJwk = (): Jwk => {
  const test = WYCHEPROOF_JWK_TESTS.find((t) => t.tcId === 7);
  if (test === undefined) throw new Error('tc 7 missing');
  return test.jwks.keys[0] as Jwk;
};

/** Big-endian bytes of a positive integer. */
function bytesOf(value: bigint): Uint8Array {
  const hex = value.toString(16);
  return Uint8Array.from(Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex'));
}

describe('ROCA fingerprint (CVE-2017-15361)', () => {
  it('refuses the Wycheproof tc 7 key through importJwk, importJwks and importPem', async () => {
    const jwk = rocaJwk();
    await expectRejects(importJwk(jwk), 'invalid_key', ROCA);
    await expectRejects(importJwks({ keys: [jwk] }), 'invalid_key', `JWKS key #0 (kid "kid-rsa-roca-sign"): ${ROCA}`);
    const spki = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' }).toString();
    await expectRejects(importPem(spki, { alg: 'RS256' }), 'invalid_key', ROCA);
  });

  it('refuses it for verify-only import with allowWeakRsa too, and for RSA-OAEP', async () => {
    await expectRejects(importJwk(rocaJwk(), { allowWeakRsa: true }), 'invalid_key', ROCA);
    const { alg: _alg, use: _use, ...bare } = rocaJwk();
    await expectRejects(importJwk(bare, { alg: 'RSA-OAEP-256' }), 'invalid_key', ROCA);
  });

  it('accepts freshly generated RSA keys of every size Tessera makes', async () => {
    for (const bits of [2048, 3072, 4096]) {
      const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
      const jwk = publicKey.export({ format: 'jwk' }) as Jwk;
      expect(hasRocaFingerprint(Buffer.from(jwk.n as string, 'base64url'))).toBe(false);
      await expect(importJwk(jwk, { alg: 'RS256' })).resolves.toMatchObject({ type: 'public' });
    }
  });

  it('detects the structure itself: N mod r a power of 65537 for every prime r ≤ 167', () => {
    // Primes of RSALib's form p = k·M + (65537^a mod M): their product keeps the form modulo each prime of M.
    const primes = [3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n, 73n, 79n,
      83n, 89n, 97n, 101n, 103n, 107n, 109n, 113n, 127n, 131n, 137n, 139n, 149n, 151n, 157n, 163n, 167n];
    const m = primes.reduce((a, b) => a * b, 2n);
    const pow = (base: bigint, exp: bigint, mod: bigint): bigint => {
      let result = 1n;
      for (let b = base % mod, e = exp; e > 0n; e >>= 1n, b = (b * b) % mod) if (e & 1n) result = (result * b) % mod;
      return result;
    };
    const p = 987654321n * m + pow(65537n, 1234n, m);
    const q = 123456789n * m + pow(65537n, 999n, m);
    const n = p * q;
    expect(hasRocaFingerprint(bytesOf(n))).toBe(true);
    // Moving N by multiples of M/11 changes only its residue mod 11, where the powers of 65537 are {1, 10}: of the
    // ten other residues exactly one (the other of 1 and 10) keeps the fingerprint.
    const moved = Array.from({ length: 10 }, (_, k) => hasRocaFingerprint(bytesOf(n + BigInt(k + 1) * (m / 11n))));
    expect(moved.filter(Boolean)).toHaveLength(1);
    expect(hasRocaFingerprint(new Uint8Array(0))).toBe(false);
  });

  describe('in a remote JWKS', () => {
    const url = 'https://issuer.test/roca.json';
    const server = setupServer(http.get(url, () => HttpResponse.json({ keys: [rocaJwk()] })));
    beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
    afterAll(() => server.close());

    it('refuses the key when a token selects it', async () => {
      await expectRejects(createRemoteJwks(url).resolve({ alg: 'RS256', kid: 'kid-rsa-roca-sign' }, 'sig'), 'invalid_key', ROCA);
    });
  });
});

describe('private JWK members must belong to the public ones', () => {
  it.each([
    ['ES256', {}, 'JWK "d" does not belong to the public key "x", "y"'],
    ['ES384', {}, 'JWK "d" does not belong to the public key "x", "y"'],
    ['ES512', {}, 'JWK "d" does not belong to the public key "x", "y"'],
    ['ECDH-ES+A256KW', { crv: 'P-384' }, 'JWK "d" does not belong to the public key "x", "y"'],
    ['EdDSA', {}, 'JWK "d" does not belong to the public key "x"'],
    ['ECDH-ES', { crv: 'X25519' }, 'JWK "d" does not belong to the public key "x"'],
  ] as const)('refuses a %s %j key whose public members are another key\'s', async (alg, options, message) => {
    const [a, b] = await Promise.all([generateKeyPair(alg, options), generateKeyPair(alg, options)]);
    await expectRejects(importJwk({ ...a.privateJwk, x: b.privateJwk.x, y: b.privateJwk.y }), 'invalid_key', message);
    // The same key whole imports, and so does its public half with the other key's d removed.
    await expect(importJwk(a.privateJwk)).resolves.toMatchObject({ type: 'private', kid: a.kid });
  });

  it('refuses an RSA key whose n is another key\'s, and one whose CRT members are another key\'s', async () => {
    const [a, b] = await Promise.all([generateKeyPair('RSA-OAEP-256'), generateKeyPair('RSA-OAEP-256')]);
    await expectRejects(importJwk({ ...a.privateJwk, n: b.privateJwk.n }), 'invalid_key', 'RSA private key does not belong to its public key: "p" · "q" is not "n"');
    for (const member of ['d', 'dp', 'dq', 'qi'] as const) {
      await expectRejects(importJwk({ ...a.privateJwk, [member]: b.privateJwk[member] }), 'invalid_key',
        'RSA private key members do not fit together: "d", "dp", "dq" or "qi" is not derived from "n", "e", "p", "q"');
    }
    await expect(importJwk(a.privateJwk)).resolves.toMatchObject({ type: 'private' });
  });

  it('names the member of a JWKS that fails', async () => {
    const [a, b] = await Promise.all([generateKeyPair('ES256', { kid: 'one' }), generateKeyPair('ES256')]);
    await expectRejects(importJwks({ keys: [{ ...a.privateJwk, x: b.privateJwk.x, y: b.privateJwk.y }] }), 'invalid_key',
      'JWKS key #0 (kid "one"): JWK "d" does not belong to the public key "x", "y"');
  });

  it('refuses a SEC 1 PEM whose embedded public key is another key\'s (WebCrypto\'s PKCS #8 import catches it first)', async () => {
    const a = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const b = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const der = a.privateKey.export({ type: 'sec1', format: 'der' });
    const other = b.publicKey.export({ type: 'spki', format: 'der' }).subarray(-65);
    // SEC 1 ends with [1] { BIT STRING { 0x00, 04 ‖ x ‖ y } }: swap in the other point.
    const forged = Buffer.concat([der.subarray(0, der.length - 65), other]);
    const pem = `-----BEGIN EC PRIVATE KEY-----\n${forged.toString('base64')}\n-----END EC PRIVATE KEY-----\n`;
    await expectRejects(importPem(pem, { alg: 'ES256' }), 'invalid_key', 'PEM key could not be imported for ES256');
    // The same bytes with the right point import.
    const good = `-----BEGIN EC PRIVATE KEY-----\n${der.toString('base64')}\n-----END EC PRIVATE KEY-----\n`;
    await expect(importPem(good, { alg: 'ES256' })).resolves.toMatchObject({ type: 'private' });
  });

  it('refuses a PKCS #1 PEM whose modulus is not p·q', async () => {
    const a = rsaPair().privateKey.export({ format: 'jwk' }) as Jwk;
    const b = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as Jwk;
    const forged = createPrivateKey({ key: { ...a, n: b.n } as never, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' }).toString();
    await expectRejects(importPem(forged, { alg: 'RS256' }), 'invalid_key', 'RSA private key does not belong to its public key: "p" · "q" is not "n"');
  });
});
