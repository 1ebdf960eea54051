// compat.gcmIv128: python-jose 3.3 writes A*GCM with a 16-byte IV (RFC 7518 §5.3 requires 12). Rejected by default;
// read with the setting under dir and RSA-OAEP-256, on both engines; every other IV length stays rejected.
import { createPublicKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JweContentAlgorithm } from '../src/algorithms.js';
import { generateKeyPair } from '../src/keys/generate-key-pair.js';
import { importSecret } from '../src/keys/import-secret.js';
import { ENGINES, ivOf, mintDir, mintEcdhEs, mintRsaOaep, verifierOn } from './compat-helpers.js';
import { b64, claims, expectRejection, hmacKey, signJws, tamper, withSegment } from './verify-helpers.js';

const GCM: readonly JweContentAlgorithm[] = ['A128GCM', 'A192GCM', 'A256GCM'];
const SIZES: Record<string, number> = { A128GCM: 16, A192GCM: 24, A256GCM: 32 };
const ON = { gcmIv128: true } as const;

async function dir(enc: JweContentAlgorithm) {
  const secret = new Uint8Array(randomBytes(SIZES[enc] ?? 32));
  return { secret, key: await importSecret(secret, { alg: 'dir', enc }) };
}

const rsa = generateKeyPair('RSA-OAEP-256');
const ecdh = generateKeyPair('ECDH-ES');

describe.each(ENGINES)('compat.gcmIv128 ($name engine)', ({ engine }) => {
  it.each(GCM)('rejects a dir %s token with a 16-byte IV by default', async (enc) => {
    const { secret, key } = await dir(enc);
    const token = mintDir(secret, { enc, header: { alg: 'dir', enc }, plaintext: claims(), ivBytes: 16 });
    expect(ivOf(token)).toHaveLength(16);
    await expectRejection(verifierOn(engine, { decryptionKeys: key }).verify(token), 'decryption_failed', 'decryption failed');
  });

  it.each(GCM)('reads a dir %s token with a 16-byte IV with the setting', async (enc) => {
    const { secret, key } = await dir(enc);
    const token = mintDir(secret, { enc, header: { alg: 'dir', enc }, plaintext: claims({ sub: 'python' }), ivBytes: 16 });
    const result = await verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(token);
    expect(result).toMatchObject({ format: 'jwe', payload: { sub: 'python' }, decryptionKey: key });
  });

  it('reads a nested token (cty JWT) with a 16-byte IV, verifying the inner signature', async () => {
    const { secret, key } = await dir('A256GCM');
    const signing = hmacKey('HS256');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS256' });
    const header = { alg: 'dir', enc: 'A256GCM', cty: 'JWT' };
    const token = mintDir(secret, { enc: 'A256GCM', header, plaintext: inner, ivBytes: 16 });
    const verifier = verifierOn(engine, { keys: signing.key, decryptionKeys: key, compat: ON });
    expect(await verifier.verify(token)).toMatchObject({ format: 'nested', header: { alg: 'HS256' }, key: signing.key });
    const forged = mintDir(secret, { enc: 'A256GCM', header, plaintext: tamper(inner, 2), ivBytes: 16 });
    await expectRejection(verifier.verify(forged), 'signature_invalid', 'signature verification failed');
  });

  it('still reads ordinary 12-byte-IV tokens with the setting on', async () => {
    const { secret, key } = await dir('A128GCM');
    const token = mintDir(secret, { enc: 'A128GCM', header: { alg: 'dir', enc: 'A128GCM' }, plaintext: claims() });
    expect((await verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(token)).format).toBe('jwe');
  });

  it.each([8, 15, 17, 24, 32])('rejects a %i-byte GCM IV even with the setting', async (ivBytes) => {
    const { secret, key } = await dir('A256GCM');
    const token = mintDir(secret, { enc: 'A256GCM', header: { alg: 'dir', enc: 'A256GCM' }, plaintext: claims(), ivBytes });
    await expectRejection(verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(token), 'decryption_failed', 'decryption failed');
  });

  it.each([['IV', 2], ['ciphertext', 3], ['tag', 4]] as const)(
    'rejects a 16-byte-IV token whose %s was tampered with, with the setting',
    async (_segment, index) => {
      const { secret, key } = await dir('A192GCM');
      const token = mintDir(secret, { enc: 'A192GCM', header: { alg: 'dir', enc: 'A192GCM' }, plaintext: claims(), ivBytes: 16 });
      const verifier = verifierOn(engine, { decryptionKeys: key, compat: ON });
      await expectRejection(verifier.verify(tamper(token, index)), 'decryption_failed', 'decryption failed');
    },
  );

  it('rejects a 16-byte-IV token whose protected header (the AAD) was re-encoded, with the setting', async () => {
    const { secret, key } = await dir('A192GCM');
    const token = mintDir(secret, { enc: 'A192GCM', header: { alg: 'dir', enc: 'A192GCM' }, plaintext: claims(), ivBytes: 16 });
    const reordered = withSegment(token, 0, b64(JSON.stringify({ enc: 'A192GCM', alg: 'dir' })));
    const verifier = verifierOn(engine, { decryptionKeys: key, compat: ON });
    await expectRejection(verifier.verify(reordered), 'decryption_failed', 'decryption failed');
  });

  it('rejects a 16-byte-IV token with a short tag or an encrypted key under dir, with the setting', async () => {
    const { secret, key } = await dir('A256GCM');
    const token = mintDir(secret, { enc: 'A256GCM', header: { alg: 'dir', enc: 'A256GCM' }, plaintext: claims(), ivBytes: 16 });
    const parts = token.split('.');
    const verifier = verifierOn(engine, { decryptionKeys: key, compat: ON });
    const shortTag = [...parts.slice(0, 4), (parts[4] as string).slice(0, 16)].join('.');
    await expectRejection(verifier.verify(shortTag), 'decryption_failed', 'decryption failed');
    const withKey = [parts[0], 'AAAA', ...parts.slice(2)].join('.');
    await expectRejection(verifier.verify(withKey), 'decryption_failed', 'decryption failed');
  });

  it('rejects a 16-byte-IV token under the wrong dir key, with the setting', async () => {
    const { secret } = await dir('A256GCM');
    const { key: other } = await dir('A256GCM');
    const token = mintDir(secret, { enc: 'A256GCM', header: { alg: 'dir', enc: 'A256GCM' }, plaintext: claims(), ivBytes: 16 });
    await expectRejection(verifierOn(engine, { decryptionKeys: other, compat: ON }).verify(token), 'decryption_failed', 'decryption failed');
  });

  it('reads an RSA-OAEP-256 nested token with a 16-byte IV (python-jose) only with the setting', async () => {
    const pair = await rsa;
    const signing = hmacKey('HS256');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS256' });
    const header = { alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' };
    const token = mintRsaOaep(pair.publicPem, { enc: 'A256GCM', header, plaintext: inner, ivBytes: 16 });
    const options = { keys: signing.key, decryptionKeys: pair.privateKey };
    await expectRejection(verifierOn(engine, options).verify(token), 'decryption_failed', 'decryption failed');
    const result = await verifierOn(engine, { ...options, compat: ON }).verify(token);
    expect(result).toMatchObject({ format: 'nested', encryptionHeader: header, decryptionKey: pair.privateKey });
    const other = await generateKeyPair('RSA-OAEP-256');
    await expectRejection(verifierOn(engine, { keys: signing.key, decryptionKeys: other.privateKey, compat: ON }).verify(token),
      'decryption_failed', 'decryption failed');
  });

  it('keeps rejecting a 16-byte IV under ECDH-ES (no peer needs it there), with the setting', async () => {
    const pair = await ecdh;
    const signing = hmacKey('HS256');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS256' });
    const header = { alg: 'ECDH-ES', enc: 'A256GCM', cty: 'JWT' };
    const recipient = createPublicKey(pair.publicPem);
    const options = { keys: signing.key, decryptionKeys: pair.privateKey, compat: ON };
    // The minting is sound: the same token with a 12-byte IV opens.
    const ordinary = mintEcdhEs(recipient, { enc: 'A256GCM', header, plaintext: inner });
    expect((await verifierOn(engine, options).verify(ordinary)).format).toBe('nested');
    const token = mintEcdhEs(recipient, { enc: 'A256GCM', header, plaintext: inner, ivBytes: 16 });
    await expectRejection(verifierOn(engine, options).verify(token), 'decryption_failed', 'decryption failed');
  });

  it('leaves CBC-HS tokens alone: their IV must be 16 bytes with or without the setting', async () => {
    const secret = new Uint8Array(randomBytes(32));
    const key = await importSecret(secret, { alg: 'dir', enc: 'A128CBC-HS256' });
    const token = mintDir(secret, { enc: 'A128CBC-HS256', header: { alg: 'dir', enc: 'A128CBC-HS256' }, plaintext: claims() });
    expect((await verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(token)).format).toBe('jwe');
    const parts = token.split('.');
    const shortIv = [parts[0], '', (parts[2] as string).slice(0, 16), ...parts.slice(3)].join('.');
    await expectRejection(verifierOn(engine, { decryptionKeys: key, compat: ON }).verify(shortIv), 'decryption_failed', 'decryption failed');
  });
});
