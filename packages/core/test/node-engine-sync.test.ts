/**
 * The Node engine answers at once on its node:crypto path (bytes returned, errors thrown) and lends the policy bytes
 * that may sit in Node's shared Buffer pool; the policy turns every answer into a promise and hands callers only
 * memory of their own. Also: the HMAC check's reused MAC buffer, and the decipher-output claim `joinUnpooled` relies on.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureError, TesseraError } from '../src/errors.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { nodeEngine } from '../src/node/node-engine.js';
import { createJweDecrypter, createJwsVerifier, createTokenVerifier } from '../src/verify/index.js';
import { dirKey, encryptDir, jwsPair, signWith, splitJwe, splitJws, withSegment } from './node-engine-helpers.js';
import { claims as verifyClaims, currentDate, expectRejection, hmacKey, signJws } from './verify-helpers.js';

const claims = { sub: 'user-1', scope: 'read' };
const utf8 = new TextEncoder();

/** True when `bytes` is the whole of its ArrayBuffer, so `.buffer` exposes nothing else. */
function ownsItsMemory(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength;
}

describe('nodeEngine answers synchronously on its node:crypto path', () => {
  it('returns the payload bytes of a valid HS256 token, not a promise', async () => {
    const pair = await jwsPair('HS256');
    const result = nodeEngine.verifyJws(splitJws(await signWith(pair, 'HS256', claims)), pair.key);
    expect(result).toBeInstanceOf(Uint8Array);
    expect(result).toEqual(utf8.encode(JSON.stringify(claims)));
  });

  it('throws signature_invalid at once for a bad HS256 signature', async () => {
    const pair = await jwsPair('HS256');
    const token = await signWith(pair, 'HS256', claims);
    const forged = withSegment(token, 2, 'A'.repeat(43));
    expect(() => nodeEngine.verifyJws(splitJws(forged), pair.key)).toThrow(SignatureError);
  });

  it('returns the plaintext of a valid dir + A256GCM token, not a promise', async () => {
    const key = dirKey('A256GCM');
    const result = nodeEngine.decryptJwe(splitJwe(await encryptDir(key, 'A256GCM', claims)), key, { maxInflatedSize: 1000 });
    expect(result).toBeInstanceOf(Uint8Array);
    expect(result).toEqual(utf8.encode(JSON.stringify(claims)));
  });

  it('returns the jose engine promise for a token it hands over (crit)', async () => {
    const pair = await jwsPair('HS256');
    const token = await signWith(pair, 'HS256', claims, { crit: ['b64'], b64: true });
    const result = nodeEngine.verifyJws(splitJws(token), pair.key);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toEqual(utf8.encode(JSON.stringify(claims)));
  });
});

describe('the HMAC check', () => {
  it('refuses a right-length MAC with a non-base64url character right after the same input verified', async () => {
    // The check decodes MACs into memory it reuses: a character the decoder skips must not let the previous
    // token's MAC be compared instead.
    const pair = await jwsPair('HS256');
    const token = await signWith(pair, 'HS256', claims);
    const jws = splitJws(token);
    expect(nodeEngine.verifyJws(jws, pair.key)).toBeInstanceOf(Uint8Array);
    const odd = { ...jws, signatureB64: `${jws.signatureB64.slice(0, 42)}*` };
    expect(() => nodeEngine.verifyJws(odd, pair.key)).toThrow(SignatureError);
  });

  it.each([42, 44, 86])('refuses an HS256 signature of %i characters', async (length) => {
    const pair = await jwsPair('HS256');
    const jws = splitJws(await signWith(pair, 'HS256', claims));
    expect(() => nodeEngine.verifyJws({ ...jws, signatureB64: 'A'.repeat(length) }, pair.key)).toThrow(SignatureError);
  });
});

/** What `update()` returns when deciphering `size` random bytes under AES-256-GCM. */
function gcmHead(size: number): Buffer {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const encipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([encipher.update(randomBytes(size)), encipher.final()]);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(encipher.getAuthTag());
  const head = decipher.update(ciphertext);
  decipher.final();
  return head;
}

/** What `update()` returns when deciphering `size` random bytes under AES-128-CBC. */
function cbcHead(size: number): Buffer {
  const key = randomBytes(16);
  const iv = randomBytes(16);
  const encipher = createCipheriv('aes-128-cbc', key, iv);
  const ciphertext = Buffer.concat([encipher.update(randomBytes(size)), encipher.final()]);
  const decipher = createDecipheriv('aes-128-cbc', key, iv);
  const head = decipher.update(ciphertext);
  decipher.final();
  return head;
}

describe('decipher output', () => {
  it.each([1, 15, 16, 17, 200, 4000, 9000])('from update() is memory of its own, exactly as long, for %i bytes', (size) => {
    const gcm = gcmHead(size);
    expect(gcm.length).toBe(size);
    expect(ownsItsMemory(gcm)).toBe(true);
    const cbc = cbcHead(size);
    expect(cbc.length === 0 || ownsItsMemory(cbc)).toBe(true);
  });

  it('gives a dir + A256GCM plaintext that owns its memory', async () => {
    const key = dirKey('A256GCM');
    const result = nodeEngine.decryptJwe(splitJwe(await encryptDir(key, 'A256GCM', claims)), key, { maxInflatedSize: 1000 });
    expect(ownsItsMemory(result as Uint8Array)).toBe(true);
  });
});

describe('the policy over a synchronous engine', () => {
  it('returns a promise from verify() that rejects, never throwing synchronously', () => {
    const hs = hmacKey();
    const verifier = createTokenVerifier({ keys: hs.key, engine: nodeEngine, currentDate });
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = verifier.verify(42 as unknown as string);
    }).not.toThrow();
    expect(result).toBeInstanceOf(Promise);
    return expectRejection(result as Promise<unknown>, 'token_malformed', 'token must be a string');
  });

  it('rejects a bad signature from a synchronous engine instead of throwing', async () => {
    const hs = hmacKey();
    const token = await signJws(verifyClaims(), hmacKey().secret, { alg: 'HS256' });
    let result: Promise<unknown> | undefined;
    expect(() => {
      result = createTokenVerifier({ keys: hs.key, engine: nodeEngine, currentDate }).verify(token);
    }).not.toThrow();
    await expectRejection(result as Promise<unknown>, 'signature_invalid', 'signature verification failed');
  });

  it('tries the next key after a synchronous failure and after an asynchronous one, keeping the last failure', async () => {
    const keys = [hmacKey('HS256', 'k'), hmacKey('HS256', 'k'), hmacKey('HS256', 'k')];
    const token = await signJws(verifyClaims(), keys[2]!.secret, { alg: 'HS256', kid: 'k' });
    const calls: string[] = [];
    const engine: VerificationEngine = {
      ...nodeEngine,
      name: 'mixed',
      verifyJws(jws, key) {
        const index = keys.findIndex((k) => k.key === key);
        calls.push(`key ${index}`);
        // Key 0 fails at once, key 1 fails as a promise, key 2 answers as a promise.
        if (index === 1) return Promise.reject(new SignatureError());
        return index === 0 ? nodeEngine.verifyJws(jws, key) : Promise.resolve(nodeEngine.verifyJws(jws, key));
      },
    };
    const result = await createTokenVerifier({ keys: keys.map((k) => k.key), engine, currentDate }).verify(token);
    expect(result.key).toBe(keys[2]!.key);
    expect(calls).toEqual(['key 0', 'key 1', 'key 2']);

    const last = new SignatureError('the last one');
    const failing: VerificationEngine = {
      ...nodeEngine,
      name: 'failing',
      verifyJws(_jws, key) {
        const index = keys.findIndex((k) => k.key === key);
        if (index === 1) return Promise.reject(new SignatureError('not the last one'));
        throw index === 2 ? last : new SignatureError('the first one');
      },
    };
    const err = await createTokenVerifier({ keys: keys.map((k) => k.key), engine: failing, currentDate }).verify(token).catch((e: unknown) => e);
    expect(err).toBe(last);
    expect(err).toMatchObject({ code: 'signature_invalid', message: 'the last one' });
  });
});

describe('bytes returned to callers', () => {
  it('are a JWS payload of their own from createJwsVerifier, not a view of the Buffer pool', async () => {
    const hs = hmacKey();
    const token = await signJws(verifyClaims(), hs.secret, { alg: 'HS256' });
    const { payload } = await createJwsVerifier({ keys: hs.key, engine: nodeEngine }).verify(token);
    expect(ownsItsMemory(payload)).toBe(true);
    expect(Object.getPrototypeOf(payload)).toBe(Uint8Array.prototype);
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(verifyClaims());
  });

  it('are a JWE plaintext of its own from createJweDecrypter', async () => {
    const key = dirKey('A256GCM');
    const token = await encryptDir(key, 'A256GCM', claims);
    const { plaintext } = await createJweDecrypter({ decryptionKeys: key, engine: nodeEngine }).decrypt(token);
    expect(ownsItsMemory(plaintext)).toBe(true);
    expect(plaintext).toEqual(utf8.encode(JSON.stringify(claims)));
  });

  it('are what a lending engine returned, copied', async () => {
    const hs = hmacKey();
    const token = await signJws(verifyClaims(), hs.secret, { alg: 'HS256' });
    const shared = new Uint8Array(4096).fill(0x41);
    const text = utf8.encode('lent');
    shared.set(text, 100);
    const engine: VerificationEngine = { ...nodeEngine, name: 'lending', verifyJws: () => shared.subarray(100, 104) };
    const { payload } = await createJwsVerifier({ keys: hs.key, engine }).verify(token);
    expect(payload).toEqual(text);
    expect(payload.buffer).not.toBe(shared.buffer);
    expect(ownsItsMemory(payload)).toBe(true);
  });

  it('keeps a TesseraError from a synchronous engine as the rejection', async () => {
    const hs = hmacKey();
    const token = await signJws(verifyClaims(), hs.secret, { alg: 'HS256' });
    const engine: VerificationEngine = {
      ...nodeEngine,
      name: 'throwing',
      verifyJws: () => {
        throw new SignatureError();
      },
    };
    const err = await createJwsVerifier({ keys: hs.key, engine }).verify(token).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TesseraError);
    expect(err).toMatchObject({ code: 'signature_invalid', message: 'signature verification failed' });
  });
});
