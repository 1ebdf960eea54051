import { createPrivateKey, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint, CompactEncrypt, compactDecrypt, compactVerify, CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { isJwsAlgorithm } from '../src/algorithms.js';
import { generateKeyPair, type GeneratedKeyPair, importJwk, importPem, type KeyPairAlgorithm } from '../src/keys/index.js';
import type { TesseraKey } from '../src/types.js';
import { expectNoPrivateMembers, expectRejects } from './keys-helpers.js';

const data = new TextEncoder().encode('round trip');

async function roundTrip(priv: TesseraKey, pub: TesseraKey): Promise<void> {
  if (priv.use === 'sig') {
    const jws = await new CompactSign(data).setProtectedHeader({ alg: priv.alg, kid: priv.kid! }).sign(priv.key as CryptoKey);
    await expect(compactVerify(jws, pub.key as CryptoKey)).resolves.toMatchObject({ payload: data });
  } else {
    const jwe = await new CompactEncrypt(data).setProtectedHeader({ alg: pub.alg, enc: 'A128CBC-HS256' }).encrypt(pub.key as CryptoKey);
    await expect(compactDecrypt(jwe, priv.key as CryptoKey)).resolves.toMatchObject({ plaintext: data });
  }
}

const ALGS: Array<[KeyPairAlgorithm, { crv?: 'P-256' | 'P-384' | 'P-521' | 'X25519' }]> = [
  ['RS256', {}], ['RS384', {}], ['RS512', {}], ['PS256', {}], ['PS384', {}], ['PS512', {}],
  ['ES256', {}], ['ES384', {}], ['ES512', {}], ['EdDSA', {}],
  ['RSA-OAEP', {}], ['RSA-OAEP-256', {}], ['RSA-OAEP-384', {}], ['RSA-OAEP-512', {}],
  ['ECDH-ES', {}], ['ECDH-ES', { crv: 'P-384' }], ['ECDH-ES', { crv: 'P-521' }], ['ECDH-ES', { crv: 'X25519' }],
  ['ECDH-ES+A128KW', {}], ['ECDH-ES+A192KW', { crv: 'X25519' }], ['ECDH-ES+A256KW', { crv: 'P-521' }],
];

describe('generateKeyPair', () => {
  describe.each(ALGS)('%s %j', (alg, options) => {
    let pair: GeneratedKeyPair;
    const get = async (): Promise<GeneratedKeyPair> => (pair ??= await generateKeyPair(alg, options));

    it('round-trips through jose with its private and public keys', async () => {
      const p = await get();
      expect(p.privateKey).toMatchObject({ type: 'private', alg, use: p.use, kid: p.kid });
      expect(p.publicKey).toMatchObject({ type: 'public', alg, use: p.use, kid: p.kid });
      await roundTrip(p.privateKey, p.publicKey);
    });

    it('carries kid (the RFC 7638 thumbprint), alg and use in both JWKs', async () => {
      const p = await get();
      const use = isJwsAlgorithm(alg) ? 'sig' : 'enc';
      expect(p.use).toBe(use);
      expect(p.kid).toBe(await calculateJwkThumbprint(p.publicJwk));
      expect(p.publicJwk).toMatchObject({ kid: p.kid, alg, use });
      expect(p.privateJwk).toMatchObject({ kid: p.kid, alg, use, d: expect.any(String) });
      expect(p.privateJwk).not.toHaveProperty('key_ops');
      expect(p.privateJwk).not.toHaveProperty('ext');
      expectNoPrivateMembers(p.publicJwk);
      if (options.crv !== undefined) expect(p.publicJwk.crv).toBe(options.crv);
    });

    it('writes PEMs and JWKs that import back into working keys', async () => {
      const p = await get();
      expect(createPrivateKey(p.privatePem).type).toBe('private');
      expect(createPublicKey(p.publicPem).type).toBe('public');
      const fromPem = await importPem(p.privatePem, { alg });
      const fromJwk = await importJwk(p.publicJwk);
      expect(fromPem.kid).toBe(p.kid);
      expect(fromJwk.kid).toBe(p.kid);
      await roundTrip(fromPem, fromJwk);
    });

    it('holds the private key non-extractable', async () => {
      expect(((await get()).privateKey.key as CryptoKey).extractable).toBe(false);
    });
  });

  it('defaults ECDH-ES to P-256 and RSA to 2048 bits with e = 65537', async () => {
    expect((await generateKeyPair('ECDH-ES')).publicJwk.crv).toBe('P-256');
    const rsa = await generateKeyPair('PS256');
    expect(Buffer.from(rsa.publicJwk.n!, 'base64url')).toHaveLength(256);
    expect(rsa.publicJwk.e).toBe('AQAB');
  });

  it('honours modulusLength', async () => {
    const rsa = await generateKeyPair('RS256', { modulusLength: 3072 });
    expect(Buffer.from(rsa.publicJwk.n!, 'base64url')).toHaveLength(384);
  });

  it('takes kid and use options', async () => {
    const p = await generateKeyPair('ES256', { kid: 'es-2024', use: 'sig' });
    expect(p).toMatchObject({ kid: 'es-2024', publicJwk: { kid: 'es-2024' }, privateKey: { kid: 'es-2024' } });
  });

  it.each([
    ['HS256', {}, 'generateKeyPair takes an asymmetric JWS or JWE algorithm, not "HS256"'],
    ['dir', {}, 'generateKeyPair takes an asymmetric JWS or JWE algorithm, not "dir"'],
    ['A128KW', {}, 'generateKeyPair takes an asymmetric JWS or JWE algorithm, not "A128KW"'],
    ['RSA1_5', {}, 'generateKeyPair takes an asymmetric JWS or JWE algorithm, not "RSA1_5"'],
    ['ES256', { crv: 'P-384' }, 'options.crv applies to ECDH-ES algorithms only, not ES256'],
    ['ECDH-ES', { crv: 'secp256k1' }, 'options.crv must be "P-256", "P-384", "P-521" or "X25519"'],
    ['RS256', { modulusLength: 1024 }, 'options.modulusLength must be a multiple of 8 from 2048 to 16384'],
    ['RS256', { modulusLength: 2049 }, 'options.modulusLength must be a multiple of 8 from 2048 to 16384'],
    ['ES256', { modulusLength: 2048 }, 'options.modulusLength applies to RSA algorithms only, not ES256'],
    ['EdDSA', { use: 'enc' }, 'options.use "enc" does not fit EdDSA (a "sig" algorithm)'],
    ['ES256', { kid: '' }, 'options.kid must be a non-empty string'],
  ] as const)('rejects %s with %j', async (alg, options, message) => {
    await expectRejects(generateKeyPair(alg as KeyPairAlgorithm, options as never), 'invalid_argument', message);
  });
});
