import { describe, expect, it, vi } from 'vitest';
import { KeyNotFoundError, TokenFormatError, UnavailableError } from '../src/errors.js';
import type { CompactJws, VerificationEngine } from '../src/lib/engine.js';
import type { JoseHeader, KeyResolver, KeyUse } from '../src/types.js';
import { createTokenVerifier, joseEngine } from '../src/verify/index.js';
import { claims, currentDate, dirKey, encryptJwe, expectRejection, hmacKey, signJws, signingPair } from './verify-helpers.js';

describe('key selection by kid and alg', () => {
  it('uses the key named by kid', async () => {
    const a = hmacKey('HS256', 'a');
    const b = hmacKey('HS256', 'b');
    const token = await signJws(claims(), b.secret, { alg: 'HS256', kid: 'b' });
    expect((await createTokenVerifier({ keys: [a.key, b.key], currentDate }).verify(token)).key).toBe(b.key);
  });

  it('answers key_not_found for an unknown kid when every key is named', async () => {
    const a = hmacKey('HS256', 'a');
    const token = await signJws(claims(), a.secret, { alg: 'HS256', kid: 'zzz' });
    const err = await expectRejection(createTokenVerifier({ keys: [a.key], currentDate }).verify(token), 'key_not_found', 'no key matches the token');
    expect(err).toBeInstanceOf(KeyNotFoundError);
  });

  it('falls back to keys without a kid for a token that names one', async () => {
    const named = hmacKey('HS256', 'a');
    const unnamed = hmacKey('HS256');
    const token = await signJws(claims(), unnamed.secret, { alg: 'HS256', kid: 'issuer-key-7' });
    expect((await createTokenVerifier({ keys: [named.key, unnamed.key], currentDate }).verify(token)).key).toBe(unnamed.key);
  });

  it('tries each key of the alg when the token has no kid, and reports the one that worked', async () => {
    const keys = [hmacKey('HS256', 'a'), hmacKey('HS256', 'b'), hmacKey('HS256')];
    const token = await signJws(claims(), keys[1]!.secret, { alg: 'HS256' });
    const result = await createTokenVerifier({ keys: keys.map((k) => k.key), currentDate }).verify(token);
    expect(result.key).toBe(keys[1]!.key);
  });

  it('answers signature_invalid when every candidate key fails', async () => {
    const keys = [hmacKey('HS256'), hmacKey('HS256')];
    const token = await signJws(claims(), hmacKey('HS256').secret, { alg: 'HS256' });
    await expectRejection(createTokenVerifier({ keys: keys.map((k) => k.key), currentDate }).verify(token), 'signature_invalid', 'signature verification failed');
  });

  it('answers decryption_failed when every candidate dir key fails', async () => {
    const keys = [dirKey('A128GCM'), dirKey('A128GCM')];
    const token = await encryptJwe(claims(), dirKey('A128GCM').secret, { alg: 'dir', enc: 'A128GCM' });
    await expectRejection(createTokenVerifier({ decryptionKeys: keys.map((k) => k.key), currentDate }).verify(token), 'decryption_failed', 'decryption failed');
  });

  it('finds the dir key sized for the token\'s enc among several', async () => {
    const gcm = dirKey('A256GCM');
    const cbc = dirKey('A128CBC-HS256');
    const token = await encryptJwe(claims(), cbc.secret, { alg: 'dir', enc: 'A128CBC-HS256' });
    expect((await createTokenVerifier({ decryptionKeys: [gcm.key, cbc.key], currentDate }).verify(token)).key).toBe(cbc.key);
  });

  it('answers key_not_found when no dir key is bound to the token\'s enc', async () => {
    const gcm = dirKey('A256GCM');
    const token = await encryptJwe(claims(), dirKey('A128CBC-HS256').secret, { alg: 'dir', enc: 'A128CBC-HS256' });
    await expectRejection(createTokenVerifier({ decryptionKeys: gcm.key, currentDate }).verify(token), 'key_not_found', 'no key matches the token');
  });

  it('answers key_not_found for an allowed alg with no key', async () => {
    const token = await signJws(claims(), hmacKey('HS512').secret, { alg: 'HS512' });
    const verifier = createTokenVerifier({ keys: hmacKey('HS256').key, algorithms: ['HS256', 'HS512'], currentDate });
    await expectRejection(verifier.verify(token), 'key_not_found', 'no key matches the token');
  });
});

describe('key resolvers', () => {
  it('asks a resolver with the header and the use, and accepts a synchronous answer', async () => {
    const hs = hmacKey('HS256', 'r1');
    const resolve = vi.fn((_header: JoseHeader, _use: KeyUse) => [hs.key]);
    const token = await signJws(claims(), hs.secret, { alg: 'HS256', kid: 'r1' });
    await createTokenVerifier({ keys: { resolve }, algorithms: ['HS256'], currentDate }).verify(token);
    expect(resolve).toHaveBeenCalledWith({ alg: 'HS256', kid: 'r1' }, 'sig');
  });

  it('accepts an asynchronous answer and asks with use "enc" for a JWE', async () => {
    const dir = dirKey('A128GCM');
    const resolve = vi.fn(async () => [dir.key]);
    const token = await encryptJwe(claims(), dir.secret, { alg: 'dir', enc: 'A128GCM' });
    expect((await createTokenVerifier({ decryptionKeys: { resolve }, currentDate }).verify(token)).key).toBe(dir.key);
    expect(resolve).toHaveBeenCalledWith({ alg: 'dir', enc: 'A128GCM' }, 'enc');
  });

  it('ignores keys a resolver returns for the wrong alg, use or type', async () => {
    const es = await signingPair('ES256');
    const hs = hmacKey('HS256');
    const dir = dirKey('A256GCM');
    const resolver: KeyResolver = { resolve: () => [es.key, dir.key] };
    const token = await signJws(claims(), hs.secret, { alg: 'HS256' });
    const verifier = createTokenVerifier({ keys: resolver, algorithms: ['HS256'], currentDate });
    await expectRejection(verifier.verify(token), 'key_not_found', 'no key matches the token');
  });

  it('passes on a jwks_unavailable error from the resolver', async () => {
    const resolver: KeyResolver = {
      resolve: async () => {
        throw new UnavailableError('jwks_unavailable', 'JWKS endpoint did not answer');
      },
    };
    const rs = await signingPair('RS256');
    const token = await signJws(claims(), rs.privateKey, { alg: 'RS256' });
    const verifier = createTokenVerifier({ keys: resolver, currentDate });
    const err = await expectRejection(verifier.verify(token), 'jwks_unavailable', 'JWKS endpoint did not answer');
    expect(err.status).toBe(503);
  });

  it('turns any other resolver failure into jwks_unavailable (fail closed)', async () => {
    const boom = new Error('socket hang up');
    const resolver: KeyResolver = {
      resolve: () => {
        throw boom;
      },
    };
    const verifier = createTokenVerifier({ keys: resolver, algorithms: ['HS256'], currentDate });
    const err = await expectRejection(verifier.verify(await signJws(claims(), hmacKey().secret, { alg: 'HS256' })), 'jwks_unavailable', 'key source failed');
    expect(err.cause).toBe(boom);
  });

  it('rejects a resolver answer that is not a list', async () => {
    const resolver = { resolve: async () => 'nope' } as unknown as KeyResolver;
    const verifier = createTokenVerifier({ keys: resolver, algorithms: ['HS256'], currentDate });
    await expectRejection(verifier.verify(await signJws(claims(), hmacKey().secret, { alg: 'HS256' })), 'jwks_unavailable', 'key source returned no key list');
  });

  it('answers key_not_found when the resolver returns no key', async () => {
    const verifier = createTokenVerifier({ keys: { resolve: () => [] }, algorithms: ['HS256'], currentDate });
    await expectRejection(verifier.verify(await signJws(claims(), hmacKey().secret, { alg: 'HS256' })), 'key_not_found', 'no key matches the token');
  });
});

describe('engine seam', () => {
  it('hands the engine the split token, the decoded header and the chosen key', async () => {
    const hs = hmacKey('HS256', 'k');
    const token = await signJws(claims(), hs.secret, { alg: 'HS256', kid: 'k' });
    const verifyJws = vi.fn(joseEngine.verifyJws);
    const engine: VerificationEngine = { ...joseEngine, name: 'spy', verifyJws };
    await createTokenVerifier({ keys: hs.key, engine, currentDate }).verify(token);
    const [jws, key] = verifyJws.mock.calls[0] as [CompactJws, unknown];
    const [p, q, s] = token.split('.');
    expect(jws).toMatchObject({ token, header: { alg: 'HS256', kid: 'k' }, protectedB64: p, payloadB64: q, signatureB64: s });
    expect(key).toBe(hs.key);
  });

  it('turns a non-Tessera engine error into signature_invalid, keeping the cause', async () => {
    const bug = new RangeError('engine bug');
    const engine: VerificationEngine = { ...joseEngine, name: 'buggy', verifyJws: () => Promise.reject(bug) };
    const hs = hmacKey();
    const err = await expectRejection(
      createTokenVerifier({ keys: hs.key, engine, currentDate }).verify(await signJws(claims(), hs.secret, { alg: 'HS256' })),
      'signature_invalid',
      'signature verification failed',
    );
    expect(err.cause).toBe(bug);
  });

  it('turns a non-Tessera engine error into decryption_failed for a JWE', async () => {
    const engine: VerificationEngine = { ...joseEngine, name: 'buggy', decryptJwe: () => Promise.reject(new Error('x')) };
    const dir = dirKey('A128GCM');
    const token = await encryptJwe(claims(), dir.secret, { alg: 'dir', enc: 'A128GCM' });
    await expectRejection(createTokenVerifier({ decryptionKeys: dir.key, engine, currentDate }).verify(token), 'decryption_failed', 'decryption failed');
  });

  it('stops at an engine error other than a bad signature instead of trying the next key', async () => {
    const decryptJwe = vi.fn(() => Promise.reject(new TokenFormatError('decompressed token exceeds maxInflatedSize', 'token_too_large')));
    const engine: VerificationEngine = { ...joseEngine, name: 'spy', decryptJwe };
    const keys = [dirKey('A128GCM'), dirKey('A128GCM')];
    const token = await encryptJwe(claims(), keys[1]!.secret, { alg: 'dir', enc: 'A128GCM' });
    await expectRejection(createTokenVerifier({ decryptionKeys: keys.map((k) => k.key), engine, currentDate }).verify(token), 'token_too_large', 'decompressed token exceeds maxInflatedSize');
    expect(decryptJwe).toHaveBeenCalledTimes(1);
  });
});
