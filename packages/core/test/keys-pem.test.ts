import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, CompactEncrypt, compactDecrypt, compactVerify, CompactSign } from 'jose';
import { describe, expect, it } from 'vitest';
import { isJwsAlgorithm, type KeyAlgorithm } from '../src/algorithms.js';
import { importPem, publicKeyOf } from '../src/keys/index.js';
import type { Jwk, TesseraKey } from '../src/types.js';
import {
  EC_CERT,
  ecPair,
  expectNoPrivateMembers,
  expectRejects,
  jwkOf,
  type NodePair,
  okpPair,
  pem,
  RSA_CERT,
  rsaPair,
} from './keys-helpers.js';

type PemAlg = Exclude<KeyAlgorithm, 'dir'>;
const data = new TextEncoder().encode('payload');

/** Signs with `priv` and verifies with `pub` through plain jose, or encrypts to `pub` and decrypts with `priv`. */
async function roundTrip(priv: TesseraKey, pub: TesseraKey): Promise<void> {
  if (priv.use === 'sig') {
    const jws = await new CompactSign(data).setProtectedHeader({ alg: priv.alg }).sign(priv.key as CryptoKey);
    await expect(compactVerify(jws, pub.key as CryptoKey)).resolves.toMatchObject({ payload: data });
  } else {
    const jwe = await new CompactEncrypt(data).setProtectedHeader({ alg: pub.alg, enc: 'A256GCM' }).encrypt(pub.key as CryptoKey);
    await expect(compactDecrypt(jwe, priv.key as CryptoKey)).resolves.toMatchObject({ plaintext: data });
  }
}

const rsa = rsaPair();
const cases: Array<[PemAlg, string, () => NodePair]> = [
  ['RS256', 'RSA', () => rsa],
  ['PS384', 'RSA', () => rsa],
  ['RSA-OAEP', 'RSA', () => rsa],
  ['RSA-OAEP-256', 'RSA', () => rsa],
  ['RSA-OAEP-512', 'RSA', () => rsa],
  ['ES256', 'EC P-256', () => ecPair('prime256v1')],
  ['ES384', 'EC P-384', () => ecPair('secp384r1')],
  ['ES512', 'EC P-521', () => ecPair('secp521r1')],
  ['EdDSA', 'OKP Ed25519', () => okpPair('ed25519')],
  ['ECDH-ES', 'EC P-384', () => ecPair('secp384r1')],
  ['ECDH-ES+A256KW', 'OKP X25519', () => okpPair('x25519')],
];

describe('importPem', () => {
  describe.each(cases)('%s with an %s key', (alg, _kind, make) => {
    const pair = make();

    it('imports SPKI and PKCS#8, which then work together with jose', async () => {
      const pub = await importPem(pem(pair.publicKey, 'spki'), { alg });
      const priv = await importPem(pem(pair.privateKey, 'pkcs8'), { alg });
      expect(pub).toMatchObject({ alg, type: 'public', use: isJwsAlgorithm(alg) ? 'sig' : 'enc' });
      expect(priv.type).toBe('private');
      expect(priv.kid).toBe(pub.kid);
      await roundTrip(priv, pub);
      await roundTrip(priv, publicKeyOf(priv));
    });

    it('derives a public JWK with kid (RFC 7638 thumbprint), alg and use, and no private member', async () => {
      const priv = await importPem(pem(pair.privateKey, 'pkcs8'), { alg });
      const expectedKid = await calculateJwkThumbprint(jwkOf(pair.publicKey));
      expect(priv.kid).toBe(expectedKid);
      expect(priv.publicJwk).toEqual({ ...jwkOf(pair.publicKey), kid: expectedKid, alg, use: priv.use });
      expectNoPrivateMembers(priv.publicJwk!);
    });

    it('holds the private key non-extractable', async () => {
      const priv = await importPem(pem(pair.privateKey, 'pkcs8'), { alg });
      expect((priv.key as CryptoKey).extractable).toBe(false);
    });
  });

  describe('PKCS#1 and SEC1 (what OpenSSL and Python cryptography write)', () => {
    it('imports PKCS#1 "RSA PUBLIC KEY" and "RSA PRIVATE KEY"', async () => {
      const pub = await importPem(pem(rsa.publicKey, 'pkcs1'), { alg: 'RS256' });
      const priv = await importPem(pem(rsa.privateKey, 'pkcs1'), { alg: 'RS256' });
      expect(pem(rsa.publicKey, 'pkcs1')).toMatch(/^-----BEGIN RSA PUBLIC KEY-----/);
      expect(pem(rsa.privateKey, 'pkcs1')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      expect(pub.publicJwk).toEqual(priv.publicJwk);
      expect(pub.publicJwk).toMatchObject(jwkOf(rsa.publicKey));
      await roundTrip(priv, pub);
    });

    it.each([
      ['prime256v1', 'ES256'],
      ['secp384r1', 'ES384'],
      ['secp521r1', 'ES512'],
    ] as const)('imports a SEC1 "EC PRIVATE KEY" on %s, taking the curve from the key', async (curve, alg) => {
      const pair = ecPair(curve);
      const sec1 = pem(pair.privateKey, 'sec1');
      expect(sec1).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
      const priv = await importPem(sec1, { alg });
      expect(priv.publicJwk).toMatchObject(jwkOf(pair.publicKey));
      await roundTrip(priv, await importPem(pem(pair.publicKey, 'spki'), { alg }));
    });

    it('skips the "EC PARAMETERS" block that openssl ecparam -genkey writes first', async () => {
      const pair = ecPair('prime256v1');
      const text = `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${pem(pair.privateKey, 'sec1')}`;
      await expect(importPem(text, { alg: 'ES256' })).resolves.toMatchObject({ type: 'private', alg: 'ES256' });
    });

    it('rejects a SEC1 key whose curve does not fit the algorithm', async () => {
      await expectRejects(importPem(pem(ecPair('secp384r1').privateKey, 'sec1'), { alg: 'ES256' }), 'invalid_key', 'an EC P-384 key cannot be used with ES256');
    });
  });

  describe('X.509 certificates', () => {
    it('imports the public key of a certificate', async () => {
      const key = await importPem(EC_CERT, { alg: 'ES256' });
      const expected = new X509Certificate(EC_CERT).publicKey.export({ format: 'jwk' });
      expect(key).toMatchObject({ type: 'public', alg: 'ES256' });
      expect(key.publicJwk).toMatchObject(expected);
      const rsaKey = await importPem(RSA_CERT, { alg: 'PS256' });
      expect(rsaKey.publicJwk).toMatchObject(new X509Certificate(RSA_CERT).publicKey.export({ format: 'jwk' }));
    });

    it('takes the leaf (first) certificate of a chain', async () => {
      await expect(importPem(EC_CERT + RSA_CERT, { alg: 'ES256' })).resolves.toMatchObject({ alg: 'ES256' });
      await expectRejects(importPem(EC_CERT + RSA_CERT, { alg: 'RS256' }), 'invalid_key', 'an EC P-256 key cannot be used with RS256');
    });
  });

  describe('key type must fit the algorithm', () => {
    it.each([
      ['an EC P-256 key cannot be used with RS256', () => pem(ecPair('prime256v1').publicKey, 'spki'), 'RS256'],
      ['an EC P-384 key cannot be used with ES256', () => pem(ecPair('secp384r1').publicKey, 'spki'), 'ES256'],
      ['an EC P-256 key cannot be used with ES512', () => pem(ecPair('prime256v1').privateKey, 'pkcs8'), 'ES512'],
      ['an RSA key cannot be used with ES256', () => pem(rsa.publicKey, 'spki'), 'ES256'],
      ['an RSA key cannot be used with HS256', () => pem(rsa.publicKey, 'spki'), 'HS256'],
      ['an RSA key cannot be used with HS512', () => pem(rsa.publicKey, 'pkcs1'), 'HS512'],
      ['an RSA key cannot be used with dir', () => pem(rsa.privateKey, 'pkcs8'), 'dir'],
      ['an OKP Ed25519 key cannot be used with ES256', () => pem(okpPair('ed25519').publicKey, 'spki'), 'ES256'],
      ['an OKP Ed25519 key cannot be used with ECDH-ES', () => pem(okpPair('ed25519').publicKey, 'spki'), 'ECDH-ES'],
      ['an OKP X25519 key cannot be used with EdDSA', () => pem(okpPair('x25519').publicKey, 'spki'), 'EdDSA'],
      ['an OKP Ed448 key cannot be used with EdDSA (Tessera supports Ed25519 and X25519 only)', () => pem(okpPair('ed448').publicKey, 'spki'), 'EdDSA'],
      ['an OKP X448 key cannot be used with ECDH-ES (Tessera supports Ed25519 and X25519 only)', () => pem(okpPair('x448').privateKey, 'pkcs8'), 'ECDH-ES'],
      ['an EC secp256k1 key cannot be used with ES256', () => pem(ecPair('secp256k1').publicKey, 'spki'), 'ES256'],
      ['an RSA key cannot be used with ECDH-ES+A128KW', () => pem(rsa.publicKey, 'spki'), 'ECDH-ES+A128KW'],
      ['an EC P-256 key cannot be used with RSA-OAEP-256', () => pem(ecPair('prime256v1').publicKey, 'spki'), 'RSA-OAEP-256'],
    ] as const)('says "%s"', async (message, makePem, alg) => {
      await expectRejects(importPem(makePem(), { alg: alg as PemAlg }), 'invalid_key', message);
    });

    it('refuses RSA-PSS (id-RSASSA-PSS) keys, which WebCrypto cannot import', async () => {
      const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
      await expectRejects(
        importPem(pem(pss.publicKey, 'spki'), { alg: 'PS256' }),
        'invalid_key',
        'RSA-PSS (id-RSASSA-PSS) keys are not supported by WebCrypto; use an rsaEncryption key',
      );
    });
  });

  describe('weak RSA keys', () => {
    it('rejects a 1024-bit modulus in every PEM form', async () => {
      const weak = rsaPair(1024);
      for (const [key, type] of [
        [weak.publicKey, 'spki'],
        [weak.publicKey, 'pkcs1'],
        [weak.privateKey, 'pkcs8'],
        [weak.privateKey, 'pkcs1'],
      ] as const) {
        await expectRejects(importPem(pem(key, type), { alg: 'RS256' }), 'invalid_key', 'RSA modulus is 1024 bits; at least 2048 are required');
      }
    });

    it('accepts e = 3 (odd and at least 3)', async () => {
      const e3 = rsaPair(2048, 3);
      const key = await importPem(pem(e3.privateKey, 'pkcs1'), { alg: 'RS256' });
      expect(key.publicJwk?.e).toBe('Aw');
    });
  });

  describe('malformed input', () => {
    const spki = pem(rsa.publicKey, 'spki');
    it.each([
      ['key is empty', ''],
      ['key is empty', ' \n '],
      ['not a PEM key (no "-----BEGIN ...-----" block)', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'],
      ['PEM "BEGIN PUBLIC KEY" is closed by a different END line', spki.replace('END PUBLIC KEY', 'END PRIVATE KEY')],
      [/^PEM "PUBLIC KEY" body is not valid base64 \(invalid character at index \d+\)$/, spki.replace(/\n(.)/, '\n*')],
      ['malformed SPKI', `-----BEGIN PUBLIC KEY-----\n${Buffer.from([0x30, 0x82, 0x01, 0x22, 0x30]).toString('base64')}\n-----END PUBLIC KEY-----`],
      ['malformed certificate', '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----'],
      ['malformed PKCS#1 private key', '-----BEGIN RSA PRIVATE KEY-----\nMAMCAQA=\n-----END RSA PRIVATE KEY-----'],
      ['SEC1 key has no named curve parameters', '-----BEGIN EC PRIVATE KEY-----\nMAgCAQEEAwECAw==\n-----END EC PRIVATE KEY-----'],
      ['unsupported PEM type "OPENSSH PRIVATE KEY"', '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----'],
      ['PEM holds more than one key; pass exactly one', spki + pem(rsa.privateKey, 'pkcs8')],
      ['PEM holds more than one key; pass exactly one', EC_CERT + pem(rsa.privateKey, 'pkcs8')],
    ] as const)('says "%s"', async (message, text) => {
      await expectRejects(importPem(text, { alg: 'RS256' }), 'invalid_key', message);
    });

    it('refuses encrypted keys (PKCS#8 and legacy PKCS#1)', async () => {
      const message = 'encrypted PEM keys are not supported; decrypt it first (openssl pkey -in key.pem)';
      const encrypted8 = rsa.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
      const encrypted1 = rsa.privateKey.export({ format: 'pem', type: 'pkcs1', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
      await expectRejects(importPem(encrypted8, { alg: 'RS256' }), 'invalid_key', message);
      await expectRejects(importPem(encrypted1, { alg: 'RS256' }), 'invalid_key', message);
    });

    it('ignores explanatory text around the block (RFC 7468 §2)', async () => {
      await expect(importPem(`Bag Attributes\n    localKeyID: 01\n${spki}\ntrailing`, { alg: 'RS256' })).resolves.toMatchObject({ type: 'public' });
    });

    it('never puts key material in a message', async () => {
      const priv = pem(rsaPair(1024).privateKey, 'pkcs8');
      const body = priv.split('\n')[3]!;
      const err = await importPem(priv, { alg: 'RS256' }).catch((e: Error) => e);
      expect(String((err as Error).message)).not.toContain(body.slice(0, 16));
    });
  });

  describe('options', () => {
    const spki = pem(rsa.publicKey, 'spki');
    it('keeps a given kid in the key and its public JWK', async () => {
      const key = await importPem(spki, { alg: 'RS256', kid: 'rsa-2024' });
      expect(key.kid).toBe('rsa-2024');
      expect(key.publicJwk).toMatchObject({ kid: 'rsa-2024', alg: 'RS256', use: 'sig' } satisfies Jwk);
    });

    it('rejects a use that contradicts the algorithm', async () => {
      await expectRejects(importPem(spki, { alg: 'RS256', use: 'enc' }), 'invalid_argument', 'options.use "enc" does not fit RS256 (a "sig" algorithm)');
    });

    it('answers unsupported_algorithm for RSA1_5 and PBES2', async () => {
      await expectRejects(importPem(spki, { alg: 'RSA1_5' as PemAlg }), 'unsupported_algorithm', 'alg "RSA1_5" is not supported');
      await expectRejects(importPem(spki, { alg: 'PBES2-HS256+A128KW' as PemAlg }), 'unsupported_algorithm', 'alg "PBES2-HS256+A128KW" is not supported');
    });

    it('requires options.alg', async () => {
      await expectRejects(importPem(spki, {} as never), 'invalid_argument', 'options.alg is required');
    });
  });
});

describe('publicKeyOf', () => {
  it('returns public and secret keys themselves', async () => {
    const pub = await importPem(pem(rsa.publicKey, 'spki'), { alg: 'RS256' });
    expect(publicKeyOf(pub)).toBe(pub);
  });
});
