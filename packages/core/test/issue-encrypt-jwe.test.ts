import { base64url, compactDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWE_CONTENT_ALGORITHMS, KEY_WRAP_BYTES, type JweContentAlgorithm, type KeyWrapAlgorithm } from '../src/algorithms.js';
import { encryptJwe } from '../src/issue/index.js';
import {
  decryptJwe,
  dirKey,
  encryptionKey,
  expectCanonicalSegments,
  headerOf,
  keyWrapKey,
  oddKey,
  secretOf,
  signingKey,
  type EcdhCurve,
} from './issue-helpers.js';

const payload = { user: 'john.doe', role: 'admin', permissions: ['read', 'write'] };
const payloadJson = JSON.stringify(payload);

describe('encryptJwe', () => {
  describe('dir', () => {
    const cases = JWE_CONTENT_ALGORITHMS.flatMap((enc) => [
      [enc, undefined],
      [enc, 'DEF'],
    ]) as [JweContentAlgorithm, 'DEF' | undefined][];

    it.each(cases)('round-trips with enc %s and zip %s', async (enc, zip) => {
      const key = dirKey(enc, 'shared-1');
      const token = await encryptJwe(payload, key, zip === undefined ? {} : { zip });
      expectCanonicalSegments(token, 5);
      expect(token.split('.')[1]).toBe('');
      expect(headerOf(token)).toEqual({ alg: 'dir', enc, ...(zip === undefined ? {} : { zip }), kid: 'shared-1' });
      const { text } = await decryptJwe(token, secretOf(key));
      expect(text).toBe(payloadJson);
    });

    it('uses the enc the key is sized for by default, and accepts it when named', async () => {
      const key = dirKey('A128CBC-HS256');
      expect(headerOf(await encryptJwe('x', key)).enc).toBe('A128CBC-HS256');
      expect(headerOf(await encryptJwe('x', key, { enc: 'A128CBC-HS256' })).enc).toBe('A128CBC-HS256');
    });

    it('compresses with DEF so that a repetitive plaintext gets shorter', async () => {
      const key = dirKey('A256GCM');
      const big = { data: 'a'.repeat(2000) };
      const plain = await encryptJwe(big, key);
      const zipped = await encryptJwe(big, key, { zip: 'DEF' });
      expect(zipped.length).toBeLessThan(plain.length / 4);
      expect(JSON.parse((await decryptJwe(zipped, secretOf(key))).text)).toEqual(big);
    });

    it('refuses an enc other than the one the key is sized for', async () => {
      const key = dirKey('A128GCM', 'k16');
      await expect(encryptJwe('x', key, { enc: 'A256GCM' })).rejects.toMatchObject({
        name: 'InvalidKeyError',
        code: 'invalid_key',
        message: '"key": expected 32 bytes for A256GCM, got 16 (the key is for A128GCM) (kid "k16")',
      });
    });

    it('refuses a dir secret of the wrong size for its enc', async () => {
      const key = dirKey('A256GCM', undefined, 31);
      await expect(encryptJwe('x', key)).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key": expected 32 bytes for A256GCM, got 31',
      });
    });

    it('checks the size of a dir secret without a bound enc against A256GCM', async () => {
      const key = oddKey({ alg: 'dir', use: 'enc', type: 'secret', key: new Uint8Array(16) });
      await expect(encryptJwe('x', key)).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key": expected 32 bytes for A256GCM, got 16',
      });
      expect(headerOf(await encryptJwe('x', key, { enc: 'A128GCM' })).enc).toBe('A128GCM');
    });
  });

  describe('RSA-OAEP-256', () => {
    it.each(['A256GCM', 'A128CBC-HS256', 'A256CBC-HS512'] as JweContentAlgorithm[])(
      'round-trips with enc %s', async (enc) => {
        const { publicKey, decryptKey } = await encryptionKey('RSA-OAEP-256', 'rsa-1');
        const token = await encryptJwe(payload, publicKey, { enc });
        expectCanonicalSegments(token, 5);
        expect(headerOf(token)).toEqual({ alg: 'RSA-OAEP-256', enc, kid: 'rsa-1' });
        expect((await decryptJwe(token, decryptKey)).text).toBe(payloadJson);
      });

    it('defaults enc to A256GCM', async () => {
      const { publicKey } = await encryptionKey('RSA-OAEP-256');
      expect(headerOf(await encryptJwe('x', publicKey))).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    });
  });

  describe('RSA-OAEP with SHA-1, SHA-384 and SHA-512', () => {
    const cases = (['RSA-OAEP', 'RSA-OAEP-384', 'RSA-OAEP-512'] as const).flatMap((alg) =>
      (['A128GCM', 'A256GCM', 'A192CBC-HS384'] as const).map((enc) => [alg, enc] as const));

    it.each(cases)('round-trips %s with enc %s', async (alg, enc) => {
      const { publicKey, decryptKey } = await encryptionKey(alg, 'rsa');
      const token = await encryptJwe(payload, publicKey, { enc });
      expectCanonicalSegments(token, 5);
      expect(headerOf(token)).toEqual({ alg, enc, kid: 'rsa' });
      // A 2048-bit modulus: the encrypted key is 256 bytes whatever the hash.
      expect(base64url.decode(token.split('.')[1] ?? '')).toHaveLength(256);
      expect((await decryptJwe(token, decryptKey)).text).toBe(payloadJson);
    });
  });

  describe('AES key wrap (A*KW) and AES-GCM key wrap (A*GCMKW)', () => {
    const algs = Object.keys(KEY_WRAP_BYTES) as KeyWrapAlgorithm[];
    const cases = algs.flatMap((alg) => (['A128GCM', 'A256GCM', 'A128CBC-HS256', 'A256CBC-HS512'] as const)
      .map((enc) => [alg, enc] as const));

    it.each(cases)('round-trips %s with enc %s', async (alg, enc) => {
      const key = keyWrapKey(alg, 'wrap-1');
      const token = await encryptJwe(payload, key, { enc });
      expectCanonicalSegments(token, 5);
      const header = headerOf(token);
      if (alg.endsWith('GCMKW')) {
        // RFC 7518 §4.7.1: the key-wrapping IV (96 bits) and tag (128 bits) travel in the protected header.
        expect(header).toEqual({ alg, enc, kid: 'wrap-1', iv: expect.any(String), tag: expect.any(String) });
        expect(base64url.decode(header.iv as string)).toHaveLength(12);
        expect(base64url.decode(header.tag as string)).toHaveLength(16);
      } else {
        expect(header).toEqual({ alg, enc, kid: 'wrap-1' });
      }
      // The wrapped content key: AES-KW adds 8 bytes (RFC 3394), AES-GCM adds none (the tag is in the header).
      const cekBytes = { A128GCM: 16, A256GCM: 32, 'A128CBC-HS256': 32, 'A256CBC-HS512': 64 }[enc];
      expect(base64url.decode(token.split('.')[1] ?? '')).toHaveLength(alg.endsWith('GCMKW') ? cekBytes : cekBytes + 8);
      expect((await decryptJwe(token, secretOf(key))).text).toBe(payloadJson);
    });

    it.each(algs)('defaults enc to A256GCM under %s', async (alg) => {
      expect(headerOf(await encryptJwe('x', keyWrapKey(alg))).enc).toBe('A256GCM');
    });

    it.each([
      ['A128KW', 32, '"key": expected 16 bytes for A128KW, got 32 (kid "w")'],
      ['A192KW', 16, '"key": expected 24 bytes for A192KW, got 16 (kid "w")'],
      ['A256KW', 31, '"key": expected 32 bytes for A256KW, got 31 (kid "w")'],
      ['A128GCMKW', 24, '"key": expected 16 bytes for A128GCMKW, got 24 (kid "w")'],
      ['A256GCMKW', 16, '"key": expected 32 bytes for A256GCMKW, got 16 (kid "w")'],
    ] as const)('refuses a %s key of %s bytes', async (alg, bytes, message) => {
      await expect(encryptJwe('x', keyWrapKey(alg, 'w', bytes))).rejects.toMatchObject({ code: 'invalid_key', message });
    });

    it('refuses a key-wrapping key that is not a secret', async () => {
      const { publicKey } = await encryptionKey('RSA-OAEP-256');
      const odd = oddKey({ alg: 'A128KW', use: 'enc', type: 'public', key: publicKey.key });
      await expect(encryptJwe('x', odd)).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" for A128KW must be a secret key; got a public key',
      });
    });
  });

  describe('ECDH-ES', () => {
    it.each(['P-256', 'P-384', 'P-521', 'X25519'] as EcdhCurve[])('round-trips on %s', async (crv) => {
      const { publicKey, decryptKey } = await encryptionKey('ECDH-ES', `ec-${crv}`, crv);
      const token = await encryptJwe(payload, publicKey);
      expectCanonicalSegments(token, 5);
      const header = headerOf(token);
      expect(header).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: `ec-${crv}` });
      expect((header.epk as { crv: string }).crv).toBe(crv);
      expect(token.split('.')[1]).toBe('');
      expect((await decryptJwe(token, decryptKey)).text).toBe(payloadJson);
    });
  });

  describe('ECDH-ES with key wrapping', () => {
    const cases = (['ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'] as const).flatMap((alg) =>
      (['A256GCM', 'A128CBC-HS256', 'A256CBC-HS512'] as const).map((enc) => [alg, enc] as const));

    it.each(cases)('round-trips %s with enc %s', async (alg, enc) => {
      const { publicKey, decryptKey } = await encryptionKey(alg, 'kw');
      const token = await encryptJwe(payload, publicKey, { enc });
      expectCanonicalSegments(token, 5);
      expect(headerOf(token)).toMatchObject({ alg, enc, kid: 'kw' });
      expect(token.split('.')[1]).not.toBe('');
      expect((await decryptJwe(token, decryptKey)).text).toBe(payloadJson);
    });
  });

  it.each(['ECDH-ES+A256KW', 'RSA-OAEP-256'] as const)(
    'encrypts to the public half of a private %s key whose public JWK is known',
    async (alg) => {
      const { privateKey, decryptKey } = await encryptionKey(alg, 'self');
      const first = await encryptJwe('to myself', privateKey);
      const second = await encryptJwe('again', privateKey);
      expect((await decryptJwe(first, decryptKey)).text).toBe('to myself');
      expect((await decryptJwe(second, decryptKey)).text).toBe('again');
    },
  );

  it('writes strings as UTF-8 and bytes as given', async () => {
    const key = dirKey('A256GCM');
    expect((await decryptJwe(await encryptJwe('héllo ✓', key), secretOf(key))).text).toBe('héllo ✓');
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const token = await encryptJwe(bytes, key);
    expect((await compactDecrypt(token, secretOf(key))).plaintext).toEqual(bytes);
  });

  it('writes typ, cty and kid options into the protected header', async () => {
    const key = dirKey('A256GCM', 'from-key');
    const token = await encryptJwe('x', key, { typ: 'JWT', cty: 'JWT', kid: 'chosen' });
    expect(headerOf(token)).toEqual({ alg: 'dir', enc: 'A256GCM', typ: 'JWT', cty: 'JWT', kid: 'chosen' });
  });

  it('writes a canonical protected header segment', async () => {
    const token = await encryptJwe('x', dirKey('A128GCM'));
    const segment = token.split('.')[0] ?? '';
    expect(base64url.encode(JSON.stringify(headerOf(token)))).toBe(segment);
  });

  describe('refuses keys and options it cannot use', () => {
    it('refuses a signing key', async () => {
      const { key } = await signingKey('ES256', 'sig-1');
      await expect(encryptJwe('x', key)).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" must be an encryption key (use "enc" with a JWE alg); got alg "ES256", use "sig" (kid "sig-1")',
      });
    });

    it('refuses a dir key that is not a secret', async () => {
      const { publicKey } = await encryptionKey('RSA-OAEP-256');
      const dir = oddKey({ alg: 'dir', enc: 'A256GCM', use: 'enc', type: 'public', key: publicKey.key });
      await expect(encryptJwe('x', dir)).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" for dir must be a secret key; got a public key',
      });
    });

    it('refuses a secret bound to RSA-OAEP-256', async () => {
      const key = oddKey({ alg: 'RSA-OAEP-256', use: 'enc', type: 'secret', key: new Uint8Array(32) });
      await expect(encryptJwe('x', key)).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" for RSA-OAEP-256 must be a public key; got a secret key',
      });
    });

    it('refuses a private key without its public JWK', async () => {
      const { privateKey } = await encryptionKey('ECDH-ES');
      const bare = oddKey({ kid: 'bare', alg: 'ECDH-ES', use: 'enc', type: 'private', key: privateKey.key });
      await expect(encryptJwe('x', bare)).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" is a private ECDH-ES key without its public part; pass the recipient\'s public key (kid "bare")',
      });
    });

    it('reports invalid_key when jose rejects the key for its algorithm', async () => {
      const { publicKey } = await encryptionKey('RSA-OAEP-256');
      const mislabelled = oddKey({ alg: 'ECDH-ES', use: 'enc', type: 'public', key: publicKey.key });
      await expect(encryptJwe('x', mislabelled)).rejects.toMatchObject({
        code: 'invalid_key',
        message: expect.stringMatching(/^"key" cannot encrypt with ECDH-ES and A256GCM: /),
      });
    });

    it('refuses an unsupported enc', async () => {
      const { publicKey } = await encryptionKey('RSA-OAEP-256');
      await expect(encryptJwe('x', publicKey, { enc: 'A512GCM' as JweContentAlgorithm })).rejects.toMatchObject({
        name: 'UnsupportedAlgorithmError',
        code: 'unsupported_algorithm',
        message: expect.stringMatching(/^enc "A512GCM" is not supported; use one of A128GCM, /),
      });
    });

    it('refuses an unsupported zip', async () => {
      await expect(encryptJwe('x', dirKey('A256GCM'), { zip: 'GZIP' as 'DEF' })).rejects.toMatchObject({
        code: 'unsupported_algorithm',
        message: 'zip "GZIP" is not supported; use "DEF" or leave it out',
      });
    });

    it('refuses a plaintext that is neither text, bytes nor a plain object', async () => {
      await expect(encryptJwe(42 as unknown as string, dirKey('A256GCM'))).rejects.toMatchObject({
        code: 'invalid_argument',
        message: '"plaintext" must be a string, a Uint8Array or a plain object',
      });
    });
  });
});
