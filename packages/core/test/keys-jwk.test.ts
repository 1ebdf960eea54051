import { Buffer } from 'node:buffer';
import { calculateJwkThumbprint, compactVerify, CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { importJwk, importJwks, publicKeyOf } from '../src/keys/index.js';
import type { Jwk, Jwks } from '../src/types.js';
import { ecPair, expectNoPrivateMembers, expectRejects, jwkOf, okpPair, pem, rsaPair } from './keys-helpers.js';
import { WYCHEPROOF_JWK_TESTS } from './keys-wycheproof.js';

const k = (n: number, fill = 9): string => Buffer.alloc(n, fill).toString('base64url');
const tc = (id: number) => WYCHEPROOF_JWK_TESTS.find((t) => t.tcId === id)!;
const firstKey = (id: number): Jwk => tc(id).jwks.keys[0]!;

describe('importJwk', () => {
  describe('oct keys', () => {
    it('binds to the JWK alg, keeps its kid and uses the bytes of "k"', async () => {
      const key = await importJwk({ kty: 'oct', k: k(32), alg: 'HS256', kid: 'h1' });
      expect(key).toMatchObject({ alg: 'HS256', kid: 'h1', use: 'sig', type: 'secret', publicJwk: undefined });
      expect(key.key).toEqual(new Uint8Array(32).fill(9));
    });

    it('takes alg from options when the JWK has none', async () => {
      await expect(importJwk({ kty: 'oct', k: k(48) }, { alg: 'HS384' })).resolves.toMatchObject({ alg: 'HS384', kid: undefined });
    });

    it('refuses options that contradict the JWK', async () => {
      await expectRejects(importJwk({ kty: 'oct', k: k(64), alg: 'HS256' }, { alg: 'HS512' }), 'invalid_key', 'JWK "alg" "HS256" contradicts options.alg "HS512"');
      await expectRejects(importJwk({ kty: 'oct', k: k(32), alg: 'HS256', kid: 'a' }, { kid: 'b' }), 'invalid_key', 'JWK "kid" "a" contradicts options.kid "b"');
    });

    it('requires an alg from somewhere', async () => {
      await expectRejects(importJwk({ kty: 'oct', k: k(32) }), 'invalid_key', 'JWK has no "alg"; pass options.alg (every Tessera key is bound to one algorithm)');
    });

    it('applies the HMAC size rule', async () => {
      await expectRejects(importJwk({ kty: 'oct', k: k(16), alg: 'HS256' }), 'invalid_key', 'expected at least 32 bytes for HS256, got 16');
    });

    it('needs enc for dir, from options or the JWK, and checks the exact size', async () => {
      await expectRejects(importJwk({ kty: 'oct', k: k(32) }, { alg: 'dir' }), 'invalid_argument', 'options.enc is required for a "dir" key (the content encryption it is sized for)');
      await expect(importJwk({ kty: 'oct', k: k(32) }, { alg: 'dir', enc: 'A256GCM' })).resolves.toMatchObject({ alg: 'dir', enc: 'A256GCM', use: 'enc' });
      await expect(importJwk({ kty: 'oct', k: k(16), alg: 'dir', enc: 'A128GCM' } as Jwk)).resolves.toMatchObject({ enc: 'A128GCM' });
      await expectRejects(importJwk({ kty: 'oct', k: k(32), alg: 'dir', enc: 'A128GCM' } as Jwk, { enc: 'A256GCM' }), 'invalid_key', 'JWK "enc" "A128GCM" contradicts options.enc "A256GCM"');
      await expectRejects(importJwk({ kty: 'oct', k: k(31) }, { alg: 'dir', enc: 'A256GCM' }), 'invalid_key', 'expected 32 bytes for A256GCM, got 31');
    });

    it('binds an oct key to A*KW / A*GCMKW with the exact size (use enc, no enc member)', async () => {
      await expect(importJwk({ kty: 'oct', k: k(16), alg: 'A128KW', kid: 'kek' })).resolves.toMatchObject({ alg: 'A128KW', kid: 'kek', use: 'enc', type: 'secret', enc: undefined });
      await expect(importJwk({ kty: 'oct', k: k(32), use: 'enc' }, { alg: 'A256GCMKW' })).resolves.toMatchObject({ alg: 'A256GCMKW', use: 'enc' });
      await expectRejects(importJwk({ kty: 'oct', k: k(16), alg: 'A256GCMKW' }), 'invalid_key', 'expected 32 bytes for A256GCMKW, got 16');
      await expectRejects(importJwk({ kty: 'oct', k: k(24), alg: 'A192KW', use: 'sig' }), 'invalid_key', 'JWK "use" "sig" does not fit A192KW (a "enc" algorithm)');
      await expectRejects(importJwk({ kty: 'oct', k: k(24), alg: 'A192KW' }, { enc: 'A128GCM' }), 'invalid_argument', 'options.enc applies to alg "dir" only');
      await expectRejects(importJwk(jwkOf(rsaPair().publicKey), { alg: 'A128KW' }), 'invalid_key', 'an RSA key cannot be used with A128KW');
    });

    it('decodes "k" strictly (unpadded base64url, RFC 7515 §2)', async () => {
      await expectRejects(importJwk({ kty: 'oct', k: `${k(32)}=`, alg: 'HS256' }), 'invalid_key', 'JWK "k" is not valid base64url (padding is not allowed)');
      await expectRejects(importJwk({ kty: 'oct', k: `${k(32)}+`, alg: 'HS256' }), 'invalid_key', 'JWK "k" is not valid base64url (invalid character at index 43)');
      await expectRejects(importJwk({ kty: 'oct', k: '', alg: 'HS256' }), 'invalid_key', 'key is empty');
    });

    it('refuses a PEM smuggled into "k"', async () => {
      const text = Buffer.from(pem(rsaPair().publicKey, 'spki')).toString('base64url');
      await expectRejects(importJwk({ kty: 'oct', k: text, alg: 'HS256' }), 'invalid_key', /^a PEM-armoured key cannot be used as a secret for HS256/);
    });

    it('refuses an oct key for an asymmetric algorithm and an asymmetric key for HMAC', async () => {
      await expectRejects(importJwk({ kty: 'oct', k: k(32), alg: 'RS256' }), 'invalid_key', 'a symmetric (oct) key cannot be used with RS256');
      await expectRejects(importJwk(jwkOf(rsaPair().publicKey), { alg: 'HS256' }), 'invalid_key', 'an RSA key cannot be used with HS256');
    });
  });

  describe('asymmetric keys', () => {
    it('imports a private JWK as a private key whose public half verifies its signatures', async () => {
      const pair = ecPair('prime256v1');
      const priv = await importJwk(jwkOf(pair.privateKey), { alg: 'ES256' });
      expect(priv).toMatchObject({ type: 'private', alg: 'ES256', use: 'sig' });
      expectNoPrivateMembers(priv.publicJwk!);
      const jws = await new CompactSign(new Uint8Array([1])).setProtectedHeader({ alg: 'ES256' }).sign(priv.key as CryptoKey);
      await expect(compactVerify(jws, publicKeyOf(priv).key as CryptoKey)).resolves.toBeTruthy();
    });

    it('uses the JWK kid, else the RFC 7638 thumbprint', async () => {
      const jwk = jwkOf(okpPair('ed25519').publicKey);
      await expect(importJwk({ ...jwk, kid: 'ed-1' }, { alg: 'EdDSA' })).resolves.toMatchObject({ kid: 'ed-1' });
      await expect(importJwk(jwk, { alg: 'EdDSA' })).resolves.toMatchObject({ kid: await calculateJwkThumbprint(jwk) });
    });

    it('drops key_ops, ext and unknown members from the public JWK', async () => {
      const jwk = { ...jwkOf(rsaPair().publicKey), key_ops: ['verify'], ext: true, x5t: 'abc', alg: 'RS256' } as Jwk;
      const key = await importJwk(jwk);
      expect(Object.keys(key.publicJwk!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    });

    it('refuses a use or key_ops that does not fit the algorithm', async () => {
      const jwk = jwkOf(rsaPair().publicKey);
      await expectRejects(importJwk({ ...jwk, use: 'enc' }, { alg: 'RS256' }), 'invalid_key', 'JWK "use" "enc" does not fit RS256 (a "sig" algorithm)');
      await expectRejects(importJwk({ ...jwk, key_ops: ['encrypt'] }, { alg: 'PS256' }), 'invalid_key', 'JWK "key_ops" allows no sig operation');
      await expect(importJwk({ ...jwk, key_ops: ['wrapKey'] }, { alg: 'RSA-OAEP-256' })).resolves.toMatchObject({ use: 'enc' });
    });

    it('rejects an RSA exponent that is even', async () => {
      await expectRejects(importJwk({ ...jwkOf(rsaPair().publicKey), e: 'Ag' }, { alg: 'RS256' }), 'invalid_key', 'RSA public exponent must be odd and at least 3');
    });

    it('rejects multi-prime RSA and missing members', async () => {
      const jwk = jwkOf(rsaPair().privateKey);
      await expectRejects(importJwk({ ...jwk, oth: [{ r: 'AQ', d: 'AQ', t: 'AQ' }] }, { alg: 'RS256' }), 'invalid_key', 'multi-prime RSA keys ("oth") are not supported');
      const { n: _n, ...noN } = jwk;
      await expectRejects(importJwk(noN, { alg: 'RS256' }), 'invalid_key', 'JWK "n" is missing or not a string');
      const { y: _y, ...noY } = jwkOf(ecPair('prime256v1').publicKey);
      await expectRejects(importJwk(noY, { alg: 'ES256' }), 'invalid_key', 'JWK "y" is missing or not a string');
    });

    it('rejects a point that is not on the curve', async () => {
      const jwk = jwkOf(ecPair('prime256v1').publicKey);
      const y = Buffer.from(jwk.y!, 'base64url');
      y[31] = y[31]! ^ 1;
      await expectRejects(importJwk({ ...jwk, y: y.toString('base64url') }, { alg: 'ES256' }), 'invalid_key', 'public key could not be imported for ES256');
    });

    it('rejects a JWK that is not an object or has no kty', async () => {
      await expectRejects(importJwk('{"kty":"oct"}' as unknown as Jwk), 'invalid_key', 'JWK must be an object');
      await expectRejects(importJwk({ k: k(32) }, { alg: 'HS256' }), 'invalid_key', 'JWK "kty" is missing or not a string');
      await expectRejects(importJwk({ kty: 'AKP', alg: 'ES256' } as Jwk), 'invalid_key', 'a key of type "AKP" cannot be used with ES256');
    });
  });
});

describe('Wycheproof json_web_key_test', () => {
  it.each([
    [8, 'invalid_key', 'RSA modulus is 1024 bits; at least 2048 are required'],
    [9, 'invalid_key', 'RSA public exponent must be odd and at least 3'],
    [10, 'invalid_key', 'expected at least 32 bytes for HS256, got 31'],
    [11, 'invalid_key', 'expected at least 48 bytes for HS384, got 47'],
    [12, 'invalid_key', 'expected at least 64 bytes for HS512, got 63'],
    [16, 'invalid_key', 'key is empty'],
    [19, 'unsupported_algorithm', 'alg "ES521" is not supported'],
    [20, 'unsupported_algorithm', 'alg "ES224" is not supported'],
    [21, 'invalid_key', 'JWK "use" "enc" does not fit ES256 (a "sig" algorithm)'],
    [22, 'invalid_key', 'public key could not be imported for ES256'],
    [23, 'invalid_key', 'an EC P-384 key cannot be used with ES256'],
    [24, 'invalid_key', 'an RSA key cannot be used with ES256'],
    [25, 'unsupported_algorithm', 'alg "A256GCM" is not supported'],
    // A256KW is an encryption algorithm: a key marked for signing cannot be bound to it.
    [26, 'invalid_key', 'JWK "use" "sig" does not fit A256KW (a "enc" algorithm)'],
    [6, 'unsupported_algorithm', 'alg "RSA1_5" is not supported'],
  ] as const)('rejects the key of tc %i with %s', async (id, code, message) => {
    await expectRejects(importJwk(firstKey(id)), code, message);
  });

  it.each([13, 14, 15])('accepts the long HMAC key of tc %i', async (id) => {
    await expect(importJwk(firstKey(id))).resolves.toMatchObject({ type: 'secret' });
  });

  it('verifies tc 2 (acceptsValid) and rejects tc 3 (modified signature) with the key its kid selects', async () => {
    const keys = await importJwks(tc(2).jwks);
    const [key] = keys.resolve({ alg: 'HS256', kid: 'kid-aes-sign' }, 'sig');
    await expect(compactVerify(tc(2).jws, key!.key as Uint8Array)).resolves.toBeTruthy();
    await expect(compactVerify(tc(3).jws, key!.key as Uint8Array)).rejects.toThrow();
  });

  it('rejects the key set of tc 4 (DuplicateKid)', async () => {
    // Its second "k" is not canonical base64url, which the strict decoder catches before the duplicate kid.
    await expectRejects(importJwks(tc(4).jwks), 'invalid_key', 'JWKS key #1 (kid "kid-aes-sign"): JWK "k" is not valid base64url (non-zero trailing bits)');
    const [first] = tc(4).jwks.keys;
    await expectRejects(
      importJwks({ keys: [first!, { ...first!, k: k(32) }] }),
      'invalid_key',
      'JWKS key #1 (kid "kid-aes-sign"): another key has the same kid and alg',
    );
  });

  it('keeps the mixed set of tc 1 (MixedKeySet) but never lets one algorithm select the other key', async () => {
    // Tessera binds each key to its alg, so a mixed set cannot be abused; it is accepted rather than refused.
    const keys = await importJwks(tc(1).jwks);
    expect(keys.resolve({ alg: 'HS256' }, 'sig').map((x) => x.type)).toEqual(['secret']);
    expect(keys.resolve({ alg: 'ES256' }, 'sig').map((x) => x.type)).toEqual(['public']);
    expect(keys.resolve({ alg: 'HS256', kid: 'kid-ec-sign' }, 'sig')).toEqual([]);
  });
});

describe('importJwks', () => {
  const rsaJwk = { ...jwkOf(rsaPair().publicKey), alg: 'RS256', kid: 'r1' } as Jwk;
  const ecJwk = { ...jwkOf(ecPair('prime256v1').privateKey), alg: 'ECDH-ES', kid: 'e1' } as Jwk;

  it('imports every key with an alg into a KeySet', async () => {
    const keys = await importJwks({ keys: [rsaJwk, ecJwk, { kty: 'oct', k: k(32), alg: 'HS256', kid: 'h1' }] });
    expect(keys.list().map((x) => x.kid).sort()).toEqual(['e1', 'h1', 'r1']);
  });

  it('skips keys without alg (Tessera never guesses one)', async () => {
    const { alg: _alg, ...noAlg } = rsaJwk;
    const keys = await importJwks({ keys: [noAlg, ecJwk] });
    expect(keys.list().map((x) => x.kid)).toEqual(['e1']);
  });

  it('keeps only keys for options.use, by their use member or their algorithm', async () => {
    const sig = await importJwks({ keys: [rsaJwk, ecJwk, { ...rsaJwk, use: 'enc', alg: 'RSA-OAEP-256', kid: 'r2' }] }, { use: 'sig' });
    expect(sig.list().map((x) => x.kid)).toEqual(['r1']);
    const enc = await importJwks({ keys: [rsaJwk, ecJwk, { kty: 'oct', use: 'sig', alg: 'UNKNOWN' } as Jwk] }, { use: 'enc' });
    expect(enc.list().map((x) => x.kid)).toEqual(['e1']);
  });

  it('fails on a member whose alg Tessera does not support, naming it', async () => {
    await expectRejects(importJwks({ keys: [rsaJwk, { ...rsaJwk, alg: 'RSA1_5', kid: 'old' }] }), 'unsupported_algorithm', 'JWKS key #1 (kid "old"): alg "RSA1_5" is not supported');
  });

  it('fails on a weak or broken member, naming it and keeping the cause', async () => {
    const err = await importJwks({ keys: [rsaJwk, firstKey(8)] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_key', message: 'JWKS key #1 (kid "RS256_1024"): RSA modulus is 1024 bits; at least 2048 are required' });
    expect((err as Error).cause).toMatchObject({ code: 'invalid_key' });
    await expectRejects(
      importJwks({ keys: [{ kty: 'oct', k: k(32), alg: 'dir' }] }),
      'invalid_key',
      'JWKS key #0: options.enc is required for a "dir" key (the content encryption it is sized for)',
    );
  });

  it('imports a dir key that names its enc', async () => {
    const keys = await importJwks({ keys: [{ kty: 'oct', k: k(24), alg: 'dir', enc: 'A192GCM' } as Jwk] });
    expect(keys.resolve({ alg: 'dir', enc: 'A192GCM' }, 'enc')).toHaveLength(1);
  });

  it('refuses something that is not a JWKS, or from which nothing could be imported', async () => {
    await expectRejects(importJwks([] as unknown as Jwks), 'invalid_key', 'JWKS must be an object with a "keys" array');
    await expectRejects(importJwks({ keys: [42] } as unknown as Jwks), 'invalid_key', 'JWKS key #0 is not an object');
    await expectRejects(importJwks({ keys: [] }), 'invalid_key', 'JWKS has no key Tessera can use (keys without "alg" are skipped)');
    await expectRejects(importJwks({ keys: [rsaJwk] }, { use: 'enc' }), 'invalid_key', 'JWKS has no key Tessera can use for "enc" (keys without "alg" are skipped)');
    await expectRejects(importJwks({ keys: [rsaJwk] }, { use: 'both' as 'sig' }), 'invalid_argument', 'options.use must be "sig" or "enc"');
  });
});
