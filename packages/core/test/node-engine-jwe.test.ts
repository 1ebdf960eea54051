import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { base64url, generateKeyPair, CompactEncrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWE_CONTENT_ALGORITHMS, type JweContentAlgorithm } from '../src/algorithms.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { createKey } from '../src/lib/key.js';
import { nodeEngine } from '../src/node/node-engine.js';
import type { TesseraKey } from '../src/types.js';
import {
  deflate,
  dirKey,
  encryptDir,
  flipBit,
  jweVerdict,
  sealGcm,
  secretOf,
  withSegment,
  type Verdict,
} from './node-engine-helpers.js';

const claims = { sub: 'user-1', scope: 'read write', nested: { a: [1, 2, 3] } };
const failed = { ok: false, code: 'decryption_failed', message: 'decryption failed', name: 'DecryptionError' };
const tooLarge = { ok: false, code: 'token_too_large', message: 'decompressed token exceeds maxInflatedSize', name: 'TokenFormatError' };
const keys = new Map<JweContentAlgorithm, TesseraKey>(JWE_CONTENT_ALGORITHMS.map((enc) => [enc, dirKey(enc)]));
const keyFor = (enc: JweContentAlgorithm): TesseraKey => keys.get(enc) as TesseraKey;

async function both(token: string, key: TesseraKey, maxInflatedSize = 250_000): Promise<Verdict> {
  const limits = { maxInflatedSize };
  const [node, jose] = await Promise.all([jweVerdict(nodeEngine, token, key, limits), jweVerdict(joseEngine, token, key, limits)]);
  expect(node).toEqual(jose);
  return node;
}

const bytesOf = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('nodeEngine.decryptJwe with dir', () => {
  it.each(JWE_CONTENT_ALGORITHMS)('decrypts a dir + %s token to the same plain Uint8Array as jose', async (enc) => {
    const token = await encryptDir(keyFor(enc), enc, claims);
    expect(await both(token, keyFor(enc))).toEqual({ ok: true, bytes: bytesOf(claims), plain: true });
  });

  it.each(JWE_CONTENT_ALGORITHMS)('decrypts an empty %s plaintext', async (enc) => {
    const token = await encryptDir(keyFor(enc), enc, new Uint8Array(0));
    expect(await both(token, keyFor(enc))).toEqual({ ok: true, bytes: new Uint8Array(0), plain: true });
  });

  it.each(JWE_CONTENT_ALGORITHMS)('rejects a %s token with a flipped bit in the tag, ciphertext, iv or header', async (enc) => {
    const token = await encryptDir(keyFor(enc), enc, claims);
    for (const index of [4, 3, 2]) {
      const segment = token.split('.')[index] ?? '';
      expect(await both(withSegment(token, index, flipBit(segment, 5)), keyFor(enc))).toEqual(failed);
    }
    // The header is the AAD: a changed (still valid) header must not decrypt.
    const header = base64url.encode(JSON.stringify({ alg: 'dir', enc, kid: 'other' }));
    expect(await both(withSegment(token, 0, header), keyFor(enc))).toEqual(failed);
  });

  it.each(JWE_CONTENT_ALGORITHMS)('rejects a %s token under another key of the same size', async (enc) => {
    const token = await encryptDir(keyFor(enc), enc, claims);
    expect(await both(token, dirKey(enc))).toEqual(failed);
  });

  it.each(JWE_CONTENT_ALGORITHMS)('rejects a %s token whose iv or tag is missing or one byte short', async (enc) => {
    const token = await encryptDir(keyFor(enc), enc, claims);
    for (const index of [2, 4]) {
      const bytes = base64url.decode(token.split('.')[index] ?? '');
      expect(await both(withSegment(token, index, ''), keyFor(enc))).toEqual(failed);
      expect(await both(withSegment(token, index, base64url.encode(bytes.subarray(1))), keyFor(enc))).toEqual(failed);
    }
  });

  it.each(['constructor', '__proto__', 'toString'])('gives jose\'s verdict for a header enc of %j', async (enc) => {
    const key = keyFor('A128GCM');
    const token = await encryptDir(key, 'A128GCM', claims);
    const forged = withSegment(token, 0, base64url.encode(JSON.stringify({ alg: 'dir', enc })));
    expect(await both(forged, key)).toEqual(failed);
  });

  it('rejects a dir token that carries an encrypted key', async () => {
    const token = await encryptDir(keyFor('A256GCM'), 'A256GCM', claims);
    expect(await both(withSegment(token, 1, base64url.encode(randomBytes(16))), keyFor('A256GCM'))).toEqual(failed);
  });

  it('decrypts with a dir key bound to no enc every enc its size fits, as jose does', async () => {
    const secret = secretOf(keyFor('A256GCM'));
    const unbound = createKey({ kid: 'u', alg: 'dir', use: 'enc', type: 'secret', key: secret });
    for (const enc of ['A256GCM', 'A128CBC-HS256'] as const) {
      expect(await both(await encryptDir(unbound, enc, claims), unbound)).toEqual({ ok: true, bytes: bytesOf(claims), plain: true });
    }
    expect(await both(await encryptDir(keyFor('A128GCM'), 'A128GCM', claims), unbound)).toEqual(failed);
  });

  it('rejects an A128CBC-HS256 token with a valid tag over a ciphertext whose padding is wrong', async () => {
    const key = keyFor('A128CBC-HS256');
    const secret = secretOf(key);
    const protectedB64 = base64url.encode('{"alg":"dir","enc":"A128CBC-HS256"}');
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', secret.subarray(16), iv).setAutoPadding(false);
    const ciphertext = Buffer.concat([cipher.update(Buffer.alloc(16, 0x41)), cipher.final()]);
    const al = Buffer.alloc(8);
    al.writeUInt32BE(protectedB64.length * 8, 4);
    const tag = createHmac('sha256', secret.subarray(0, 16))
      .update(Buffer.concat([Buffer.from(protectedB64), iv, ciphertext, al])).digest().subarray(0, 16);
    const token = [protectedB64, '', base64url.encode(iv), base64url.encode(ciphertext), base64url.encode(tag)].join('.');
    expect(await both(token, key)).toEqual(failed);
  });
});

describe('nodeEngine.decryptJwe with zip: DEF', () => {
  const text = JSON.stringify({ ...claims, filler: 'x'.repeat(5000) });

  it('inflates a compressed plaintext', async () => {
    const key = keyFor('A128GCM');
    const token = await encryptDir(key, 'A128GCM', JSON.parse(text) as unknown, { zip: 'DEF' });
    expect(await both(token, key)).toEqual({ ok: true, bytes: new TextEncoder().encode(text), plain: true });
  });

  it('accepts a plaintext that inflates to exactly maxInflatedSize and rejects one byte more', async () => {
    const key = keyFor('A256GCM');
    const token = sealGcm(key, 'A256GCM', deflate(text), { zip: 'DEF' });
    expect((await both(token, key, text.length)).ok).toBe(true);
    expect(await both(token, key, text.length - 1)).toEqual(tooLarge);
  });

  it('stops a deflate bomb at the cap with token_too_large', async () => {
    const key = keyFor('A256GCM');
    const token = sealGcm(key, 'A256GCM', deflate('\u0000'.repeat(50_000_000)), { zip: 'DEF' });
    expect(await both(token, key, 1_000_000)).toEqual(tooLarge);
  });

  it('rejects a compressed plaintext that is not a complete DEFLATE stream', async () => {
    const key = keyFor('A192GCM');
    const whole = deflate(text);
    for (const broken of [whole.subarray(0, whole.length - 4), new Uint8Array(0), new TextEncoder().encode('not deflate')]) {
      expect(await both(sealGcm(key, 'A192GCM', broken, { zip: 'DEF' }), key)).toEqual(failed);
    }
  });

  it('gives jose\'s verdict for a zip value other than DEF and for a limit zlib cannot take', async () => {
    const key = keyFor('A128GCM');
    expect(await both(sealGcm(key, 'A128GCM', deflate(text), { zip: 'GZ' }), key)).toEqual(failed);
    expect(await both(sealGcm(key, 'A128GCM', deflate(text), { zip: 'DEF' }), key, 0)).toEqual(failed);
  });
});

describe('nodeEngine.decryptJwe leaves other key management to jose', () => {
  it('decrypts an ECDH-ES+A128KW token exactly as jose does', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A128KW');
    const key = createKey({ kid: 'e', alg: 'ECDH-ES+A128KW', use: 'enc', type: 'private', key: privateKey as CryptoKey });
    const token = await new CompactEncrypt(bytesOf(claims)).setProtectedHeader({ alg: 'ECDH-ES+A128KW', enc: 'A256GCM' }).encrypt(publicKey);
    expect(await both(token, key)).toEqual({ ok: true, bytes: bytesOf(claims), plain: true });
    expect(await both(withSegment(token, 4, flipBit(token.split('.')[4] ?? '', 0)), key)).toEqual(failed);
  });
});
