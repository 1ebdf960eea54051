import { errors } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { TesseraError } from '../src/errors.js';
import type { CompactJws } from '../src/lib/engine.js';
import { createKey } from '../src/lib/key.js';
import { createTokenVerifier, joseEngine } from '../src/verify/index.js';
import { b64, claims, currentDate, dirKey, encryptJwe, expectRejection, hmacKey, signJws, tamper } from './verify-helpers.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('joseEngine', () => {
  it('is a frozen engine named "jose"', () => {
    expect(joseEngine.name).toBe('jose');
    expect(Object.isFrozen(joseEngine)).toBe(true);
  });

  describe('key preparation', () => {
    let importSpy: MockInstance<SubtleCrypto['importKey']>;
    beforeEach(() => {
      importSpy = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    });
    afterEach(() => importSpy.mockRestore());

    it('imports an HMAC secret once, at construction, instead of on every token', async () => {
      const hs = hmacKey('HS384');
      const verifier = createTokenVerifier({ keys: hs.key, currentDate });
      await tick();
      expect(importSpy).toHaveBeenCalledTimes(1);
      const token = await signJws(claims(), hs.secret, { alg: 'HS384' });
      const before = importSpy.mock.calls.length;
      for (let i = 0; i < 3; i++) await verifier.verify(token);
      expect(importSpy.mock.calls.length).toBe(before);
    });

    it('imports an AES-GCM dir key once', async () => {
      const dir = dirKey('A192GCM');
      const verifier = createTokenVerifier({ decryptionKeys: dir.key, currentDate });
      const token = await encryptJwe(claims(), dir.secret, { alg: 'dir', enc: 'A192GCM' });
      await tick();
      const before = importSpy.mock.calls.length;
      for (let i = 0; i < 3; i++) await verifier.verify(token);
      expect(importSpy.mock.calls.length).toBe(before);
    });

    it('prepares a key a resolver returns later on its first use', async () => {
      const hs = hmacKey('HS256');
      const verifier = createTokenVerifier({ keys: { resolve: () => [hs.key] }, algorithms: ['HS256'], currentDate });
      const token = await signJws(claims(), hs.secret, { alg: 'HS256' });
      await verifier.verify(token);
      await tick();
      const before = importSpy.mock.calls.length;
      for (let i = 0; i < 3; i++) await verifier.verify(token);
      expect(importSpy.mock.calls.length).toBe(before);
    });
  });

  describe('error mapping (no jose error escapes)', () => {
    it('maps a bad MAC to signature_invalid, keeping jose\'s error as the cause', async () => {
      const hs = hmacKey();
      const token = tamper(await signJws(claims(), hs.secret, { alg: 'HS256' }), 2);
      const err = await expectRejection(createTokenVerifier({ keys: hs.key, currentDate }).verify(token), 'signature_invalid', 'signature verification failed');
      expect(err.cause).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    });

    it('maps a key WebCrypto refuses (RSA below 2048 bits) to signature_invalid', async () => {
      const pair = (await globalThis.crypto.subtle.generateKey(
        { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
        false,
        ['sign', 'verify'],
      )) as CryptoKeyPair;
      const input = `${b64('{"alg":"RS256"}')}.${b64(JSON.stringify(claims()))}`;
      const signature = new Uint8Array(await globalThis.crypto.subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, new TextEncoder().encode(input)));
      const key = createKey({ alg: 'RS256', use: 'sig', type: 'public', key: pair.publicKey });
      const err = await expectRejection(createTokenVerifier({ keys: key, currentDate }).verify(`${input}.${b64(signature)}`), 'signature_invalid', 'signature verification failed');
      expect(err.cause).toBeInstanceOf(TypeError);
    });

    it('maps a structurally bad JWS handed to it directly to token_malformed', async () => {
      const hs = hmacKey();
      const jws: CompactJws = { token: 'x', header: { alg: 'HS256' }, protectedB64: b64('{"alg":"HS256"}'), payloadB64: 'e30', signatureB64: '%%%%' };
      const err: unknown = await Promise.resolve(joseEngine.verifyJws(jws, hs.key)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TesseraError);
      expect(err).toMatchObject({ code: 'token_malformed', message: 'token is not a valid JWS' });
    });

    it('maps a bad tag to decryption_failed, keeping jose\'s error as the cause', async () => {
      const dir = dirKey('A256CBC-HS512');
      const token = tamper(await encryptJwe(claims(), dir.secret, { alg: 'dir', enc: 'A256CBC-HS512' }), 4);
      const err = await expectRejection(createTokenVerifier({ decryptionKeys: dir.key, currentDate }).verify(token), 'decryption_failed', 'decryption failed');
      expect(err.cause).toBeInstanceOf(errors.JWEDecryptionFailed);
    });

    it('maps an inflation past the cap to token_too_large', async () => {
      const dir = dirKey('A128GCM');
      const token = await encryptJwe(claims({ pad: 'z'.repeat(5000) }), dir.secret, { alg: 'dir', enc: 'A128GCM', zip: 'DEF' });
      const verifier = createTokenVerifier({ decryptionKeys: dir.key, currentDate, maxInflatedSize: 4096 });
      const err = await expectRejection(verifier.verify(token), 'token_too_large', 'decompressed token exceeds maxInflatedSize');
      expect(err.cause).toBeInstanceOf(errors.JWEInvalid);
      const roomy = createTokenVerifier({ decryptionKeys: dir.key, currentDate, maxInflatedSize: 8192 });
      expect((await roomy.verify(token)).payload.pad).toHaveLength(5000);
    });

    it('maps deflate data that does not inflate to decryption_failed', async () => {
      const dir = dirKey('A128GCM');
      // An authentic ciphertext whose plaintext is not raw DEFLATE, announced as zip: DEF.
      const forged = await encryptUncompressed(b64('{"alg":"dir","enc":"A128GCM","zip":"DEF"}'), dir.secret);
      await expectRejection(createTokenVerifier({ decryptionKeys: dir.key, currentDate }).verify(forged), 'decryption_failed', 'decryption failed');
    });
  });
});

/** Encrypts bytes that are not DEFLATE under a header that says zip: DEF, which jose's CompactEncrypt never does. */
async function encryptUncompressed(protectedB64: string, secret: Uint8Array): Promise<string> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await globalThis.crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt']);
  const sealed = new Uint8Array(
    await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(protectedB64), tagLength: 128 },
      key,
      new Uint8Array([0xff, 0xff, 0xff, 0xff]),
    ),
  );
  return `${protectedB64}..${b64(iv)}.${b64(sealed.subarray(0, -16))}.${b64(sealed.subarray(-16))}`;
}
