// compat.zlibDeflate: python-jose 3.3 writes `zip: DEF` as a zlib stream (RFC 1950) instead of raw DEFLATE (RFC 7516
// §4.1.3). Rejected by default; read with the setting, Adler-32 and maxInflatedSize enforced, on both engines.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JweContentAlgorithm } from '../src/algorithms.js';
import { generateKeyPair } from '../src/keys/generate-key-pair.js';
import { importSecret } from '../src/keys/import-secret.js';
import { isZlibHeader } from '../src/lib/inflate.js';
import { ENGINES, compress, mintDir, mintRsaOaep, verifierOn, type Compression, type JweParts } from './compat-helpers.js';
import { claims, expectRejection, hmacKey, signJws } from './verify-helpers.js';

const ENCS: readonly JweContentAlgorithm[] = ['A128GCM', 'A256GCM', 'A128CBC-HS256', 'A256CBC-HS512'];
const SIZES: Record<string, number> = { A128GCM: 16, A256GCM: 32, 'A128CBC-HS256': 32, 'A256CBC-HS512': 64 };
const ON = { zlibDeflate: true } as const;

async function dir(enc: JweContentAlgorithm) {
  const secret = new Uint8Array(randomBytes(SIZES[enc] ?? 32));
  return { secret, key: await importSecret(secret, { alg: 'dir', enc }) };
}

function zipped(secret: Uint8Array, enc: JweContentAlgorithm, compression: Compression,
  plaintext: JweParts['plaintext'] = claims()) {
  return mintDir(secret, { enc, header: { alg: 'dir', enc, zip: 'DEF' }, plaintext, compression });
}

describe('isZlibHeader', () => {
  it('accepts the headers zlib writes at every level and window size', () => {
    for (const header of [[0x78, 0x9c], [0x78, 0x01], [0x78, 0xda], [0x78, 0x5e], [0x58, 0x85], [0x08, 0x1d]]) {
      expect(isZlibHeader(new Uint8Array(header)), header.join(',')).toBe(true);
    }
  });

  it('refuses a wrong method, a window over 32 KiB, a bad check, a preset dictionary, and short data', () => {
    expect(isZlibHeader(new Uint8Array([0x79, 0x9c]))).toBe(false);
    expect(isZlibHeader(new Uint8Array([0x88, 0x98]))).toBe(false);
    expect(isZlibHeader(new Uint8Array([0x78, 0x9d]))).toBe(false);
    expect(isZlibHeader(new Uint8Array([0x78, 0xbb]))).toBe(false);
    expect(isZlibHeader(new Uint8Array([0x78]))).toBe(false);
    expect(isZlibHeader(compress(new TextEncoder().encode('{"a":1}'), 'zlib-dictionary'))).toBe(false);
  });
});

describe.each(ENGINES)('compat.zlibDeflate ($name engine)', ({ engine }) => {
  it.each(ENCS)('rejects a dir %s token whose DEF plaintext is zlib by default', async (enc) => {
    const { secret, key } = await dir(enc);
    await expectRejection(verifierOn(engine, { decryptionKeys: key }).verify(zipped(secret, enc, 'zlib')),
      'decryption_failed', 'decryption failed');
  });

  it.each(ENCS)('reads a dir %s token whose DEF plaintext is zlib with the setting', async (enc) => {
    const { secret, key } = await dir(enc);
    const result = await verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(zipped(secret, enc, 'zlib', claims({ sub: 'zlib' })));
    expect(result).toMatchObject({ format: 'jwe', payload: { sub: 'zlib' }, header: { zip: 'DEF' } });
  });

  it('reads a nested zlib token (cty JWT) and verifies its inner signature, with the setting', async () => {
    const { secret, key } = await dir('A256GCM');
    const signing = hmacKey('HS384');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS384' });
    const header = { alg: 'dir', enc: 'A256GCM', zip: 'DEF', cty: 'JWT' };
    const token = mintDir(secret, { enc: 'A256GCM', header, plaintext: inner, compression: 'zlib' });
    const result = await verifierOn(engine, { keys: signing.key, decryptionKeys: key, compat: ON }).verify(token);
    expect(result).toMatchObject({ format: 'nested', key: signing.key });
  });

  it('still reads raw DEFLATE first with the setting on', async () => {
    const { secret, key } = await dir('A128GCM');
    const result = await verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(zipped(secret, 'A128GCM', 'raw'));
    expect(result.format).toBe('jwe');
  });

  it.each([
    ['a wrong Adler-32', 'zlib-bad-adler'],
    ['no Adler-32 (truncated)', 'zlib-truncated'],
    ['a preset dictionary (FDICT)', 'zlib-dictionary'],
  ] as const)('rejects a zlib plaintext with %s even with the setting', async (_what, compression) => {
    const { secret, key } = await dir('A256CBC-HS512');
    const token = zipped(secret, 'A256CBC-HS512', compression);
    await expectRejection(verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(token), 'decryption_failed', 'decryption failed');
  });

  it('rejects a DEF plaintext that is neither raw DEFLATE nor zlib, with the setting', async () => {
    const { secret, key } = await dir('A256GCM');
    const token = mintDir(secret, { enc: 'A256GCM', header: { alg: 'dir', enc: 'A256GCM', zip: 'DEF' }, plaintext: JSON.stringify(claims()) });
    await expectRejection(verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(token), 'decryption_failed', 'decryption failed');
  });

  it('caps zlib inflation at maxInflatedSize: exactly the cap reads, one byte over is token_too_large', async () => {
    const { secret, key } = await dir('A256GCM');
    const text = JSON.stringify(claims({ filler: 'x'.repeat(5000) }));
    const token = zipped(secret, 'A256GCM', 'zlib', text);
    const exact = verifierOn(engine, { decryptionKeys: key, compat: ON, maxInflatedSize: text.length });
    expect((await exact.verify(token)).payload['filler']).toHaveLength(5000);
    const under = verifierOn(engine, { decryptionKeys: key, compat: ON, maxInflatedSize: text.length - 1 });
    await expectRejection(under.verify(token), 'token_too_large', 'decompressed token exceeds maxInflatedSize');
  });

  it('stops a zlib bomb at the cap', async () => {
    const { secret, key } = await dir('A256GCM');
    const bomb = zipped(secret, 'A256GCM', 'zlib', new Uint8Array(8_000_000));
    const verifier = verifierOn(engine, { decryptionKeys: key, compat: ON, maxTokenSize: 1 << 20 });
    await expectRejection(verifier.verify(bomb), 'token_too_large', 'decompressed token exceeds maxInflatedSize');
  });

  it('refuses zlib tokens when allowCompression is off, whatever the setting', async () => {
    const { secret, key } = await dir('A128GCM');
    const verifier = verifierOn(engine, { decryptionKeys: key, compat: ON, allowCompression: false });
    await expect(verifier.verify(zipped(secret, 'A128GCM', 'zlib'))).rejects.toMatchObject({ code: 'alg_not_allowed', header: 'zip' });
  });

  it('reads an RSA-OAEP-256 token with a zlib plaintext only with the setting', async () => {
    const pair = await generateKeyPair('RSA-OAEP-256');
    const signing = hmacKey('HS256');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS256' });
    const header = { alg: 'RSA-OAEP-256', enc: 'A256CBC-HS512', zip: 'DEF', cty: 'JWT' };
    const token = mintRsaOaep(pair.publicPem, { enc: 'A256CBC-HS512', header, plaintext: inner, compression: 'zlib' });
    const options = { keys: signing.key, decryptionKeys: pair.privateKey };
    await expectRejection(verifierOn(engine, options).verify(token), 'decryption_failed', 'decryption failed');
    expect((await verifierOn(engine, { ...options, compat: ON }).verify(token)).format).toBe('nested');
  });

  it('needs both settings for python-jose GCM + DEF tokens (16-byte IV and zlib)', async () => {
    const { secret, key } = await dir('A256GCM');
    const header = { alg: 'dir', enc: 'A256GCM', zip: 'DEF' };
    const token = mintDir(secret, { enc: 'A256GCM', header, plaintext: claims(), ivBytes: 16, compression: 'zlib' });
    for (const compat of [{}, { gcmIv128: true }, { zlibDeflate: true }]) {
      await expectRejection(verifierOn(engine, { decryptionKeys: key, compat }).verify(token), 'decryption_failed', 'decryption failed');
    }
    const result = await verifierOn(engine, { decryptionKeys: key, compat: { gcmIv128: true, zlibDeflate: true } }).verify(token);
    expect(result.format).toBe('jwe');
  });
});
