import { describe, expect, it, vi } from 'vitest';
import { TesseraArgumentError } from '../src/errors.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { createKey } from '../src/lib/key.js';
import type { KeyResolver, TesseraKey } from '../src/types.js';
import { createTokenVerifier, joseEngine, verifyToken, type VerifyOptions } from '../src/verify/index.js';
import {
  claims,
  currentDate,
  dirKey,
  encryptionPair,
  expectRejection,
  hmacKey,
  signJws,
  signingPair,
} from './verify-helpers.js';

const hs = hmacKey();
const dir = dirKey('A256GCM');

function construct(options: unknown): unknown {
  return () => createTokenVerifier(options as VerifyOptions);
}

function expectArgumentError(options: unknown, message: string): void {
  let thrown: unknown;
  try {
    createTokenVerifier(options as VerifyOptions);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(TesseraArgumentError);
  expect(thrown).toBeInstanceOf(TypeError);
  expect(thrown).toMatchObject({ code: 'invalid_argument', message });
}

describe('option validation at construction', () => {
  it('rejects options that are not an object', () => {
    expectArgumentError(null, '"options" must be an object');
    expectArgumentError('keys', '"options" must be an object');
  });

  it('rejects an unknown option name (a typo must not weaken the policy)', () => {
    expectArgumentError({ keys: hs.key, audiences: 'api' }, 'unknown option "audiences"');
  });

  it('requires keys or decryptionKeys', () => {
    expectArgumentError({}, '"keys" or "decryptionKeys" is required');
    expectArgumentError({ issuer: 'x' }, '"keys" or "decryptionKeys" is required');
  });

  it.each<[string, unknown, string]>([
    ['an empty key list', [], '"keys" must not be empty'],
    ['a string', 'secret', '"keys" must be a TesseraKey, an array of TesseraKeys, or a KeyResolver'],
    ['raw bytes', new Uint8Array(32), '"keys" must be a TesseraKey, an array of TesseraKeys, or a KeyResolver'],
    ['a list with a non-key', [hs.key, {}], '"keys[1]" must be a TesseraKey'],
    ['an encryption key', [dir.key], '"keys[0]" is an encryption key (use "enc"); put it in "decryptionKeys"'],
  ])('rejects keys: %s', (_what, keys, message) => {
    expectArgumentError({ keys }, message);
  });

  it('rejects a private key in keys', async () => {
    const pair = await signingPair('ES256');
    const privateKey = createKey({ alg: 'ES256', use: 'sig', type: 'private', key: pair.privateKey });
    expectArgumentError({ keys: privateKey }, '"keys" is a private key; verify with its public key');
  });

  it('rejects a signing key bound to a JWE algorithm', () => {
    const odd = createKey({ alg: 'dir', use: 'sig', type: 'secret', key: new Uint8Array(32) });
    expectArgumentError({ keys: [odd] }, '"keys[0]" is not bound to a supported JWS algorithm');
  });

  it.each<[string, () => TesseraKey, string]>([
    ['a signing key', () => hs.key, '"decryptionKeys[0]" is a signing key (use "sig"); put it in "keys"'],
    ['a dir key without enc', () => createKey({ alg: 'dir', use: 'enc', type: 'secret', key: new Uint8Array(32) }), '"decryptionKeys[0]" is a "dir" key without "enc"'],
    ['an encryption key bound to a JWS alg', () => createKey({ alg: 'HS256', use: 'enc', type: 'secret', key: new Uint8Array(32) }), '"decryptionKeys[0]" is not bound to a supported JWE algorithm'],
  ])('rejects decryptionKeys: %s', (_what, make, message) => {
    expectArgumentError({ decryptionKeys: [make()] }, message);
  });

  it('rejects a public key in decryptionKeys', async () => {
    const pair = await encryptionPair('RSA-OAEP-256');
    const publicKey = createKey({ alg: 'RSA-OAEP-256', use: 'enc', type: 'public', key: pair.publicKey });
    expectArgumentError({ decryptionKeys: publicKey }, '"decryptionKeys" is a public key; decrypt with its private key');
  });

  it('rejects a resolver whose list is not a function', () => {
    expectArgumentError({ keys: { resolve: () => [], list: [] } }, '"keys.list" must be a function when present');
  });

  it.each<[string, unknown, string]>([
    ['algorithms', [], '"algorithms" must be a non-empty string or a non-empty array of strings'],
    ['algorithms', ['none'], '"algorithms" must not contain "none": unsecured tokens are never accepted'],
    ['algorithms', ['HS256', 'NoNe'], '"algorithms" must not contain "none": unsecured tokens are never accepted'],
    ['algorithms', ['HS256', 'HS1'], '"algorithms[1]" is not an algorithm Tessera supports'],
    ['algorithms', ['dir'], '"algorithms[0]" is not an algorithm Tessera supports'],
    ['keyManagementAlgorithms', ['PBES2-HS256+A128KW'], '"keyManagementAlgorithms[0]" is not an algorithm Tessera supports'],
    ['keyManagementAlgorithms', ['RSA1_5'], '"keyManagementAlgorithms[0]" is not an algorithm Tessera supports'],
    ['contentEncryptionAlgorithms', ['A128CBC'], '"contentEncryptionAlgorithms[0]" is not an algorithm Tessera supports'],
    ['allowCompression', 'yes', '"allowCompression" must be a boolean'],
    ['requireExp', 0, '"requireExp" must be a boolean'],
    ['requireSignedJwe', 'true', '"requireSignedJwe" must be a boolean'],
    ['typ', '', '"typ" must be a non-empty string'],
    ['typ', [], '"typ" must be a non-empty string or a non-empty array of strings'],
    ['issuer', 5, '"issuer" must be a non-empty string or a non-empty array of strings'],
    ['audience', ['api', ''], '"audience[1]" must be a non-empty string'],
    ['subject', '', '"subject" must be a non-empty string'],
    ['subjectClaim', 1, '"subjectClaim" must be a non-empty string'],
    ['maxTokenAge', '2 hours', '"maxTokenAge" must be a number of seconds >= 0 or a duration such as "30s", "15m", "2h"'],
    ['clockTolerance', -1, '"clockTolerance" must be a number of seconds >= 0 or a duration such as "30s", "15m", "2h"'],
    ['clockTolerance', Number.NaN, '"clockTolerance" must be a number of seconds >= 0 or a duration such as "30s", "15m", "2h"'],
    ['requiredClaims', [1], '"requiredClaims[0]" must be a non-empty string'],
    ['maxTokenSize', 0, '"maxTokenSize" must be a positive integer'],
    ['maxTokenSize', 1.5, '"maxTokenSize" must be a positive integer'],
    ['maxInflatedSize', -1, '"maxInflatedSize" must be a positive integer'],
    ['currentDate', 'now', '"currentDate" must be a function returning a Date'],
    ['engine', {}, '"engine" must be a VerificationEngine (name, verifyJws, decryptJwe)'],
    ['engine', { ...joseEngine, prepareKey: 1 }, '"engine" must be a VerificationEngine (name, verifyJws, decryptJwe)'],
    ['critical', ['b64'], '"critical" must not contain "b64": unencoded payloads (RFC 7797) are not supported'],
    ['critical', ['alg'], '"critical" must not contain the registered header "alg"'],
    ['critical', ['jku'], '"critical" must not contain the registered header "jku"'],
  ])('rejects %s: %j', (name, value, message) => {
    expectArgumentError({ keys: hs.key, decryptionKeys: dir.key, [name]: value }, message);
  });

  it('accepts every option at once', () => {
    expect(
      construct({
        keys: hs.key, decryptionKeys: dir.key, algorithms: ['HS256'], keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'], allowCompression: false, typ: ['at+jwt'], issuer: 'i', audience: ['a'],
        subject: 's', subjectClaim: 'subject', requireExp: false, maxTokenAge: '1h', clockTolerance: 5,
        requiredClaims: ['jti'], maxTokenSize: 4096, maxInflatedSize: 65536, currentDate, engine: joseEngine,
        critical: ['exp-v'], requireSignedJwe: true,
      }),
    ).not.toThrow();
  });

  it('rejects bad options from verifyToken as a rejected promise', async () => {
    await expect(verifyToken('a.b.c', { keys: [] })).rejects.toMatchObject({ code: 'invalid_argument', message: '"keys" must not be empty' });
  });
});

describe('options are resolved once', () => {
  it('returns a frozen verifier', () => {
    expect(Object.isFrozen(createTokenVerifier({ keys: hs.key }))).toBe(true);
  });

  it('ignores changes to the options after construction', async () => {
    const algorithms: ('HS256' | 'HS512')[] = ['HS256'];
    const keys = [hs.key];
    const verifier = createTokenVerifier({ keys, algorithms, currentDate });
    const hs512 = hmacKey('HS512');
    algorithms.push('HS512');
    keys.push(hs512.key);
    const token = await signJws(claims(), hs512.secret, { alg: 'HS512' });
    await expectRejection(verifier.verify(token), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('lets the engine prepare every listed key once, at construction', () => {
    const prepareKey = vi.fn();
    const engine: VerificationEngine = { ...joseEngine, name: 'spy', prepareKey };
    const other = hmacKey('HS512');
    const resolver: KeyResolver = { resolve: () => [], list: () => [other.key, dir.key] };
    createTokenVerifier({ keys: resolver, decryptionKeys: [dir.key], engine });
    expect(prepareKey.mock.calls.map(([key]) => key)).toEqual([other.key, dir.key]);
  });
});

describe('default algorithm allowlist', () => {
  it('is the algorithms of the keys given', async () => {
    const es = await signingPair('ES256');
    const verifier = createTokenVerifier({ keys: [hs.key, es.key], currentDate });
    expect((await verifier.verify(await signJws(claims(), es.privateKey, { alg: 'ES256' }))).format).toBe('jws');
    const hs384 = hmacKey('HS384');
    await expectRejection(verifier.verify(await signJws(claims(), hs384.secret, { alg: 'HS384' })), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('is the algorithms a resolver lists', async () => {
    const resolver: KeyResolver = { resolve: () => [hs.key], list: () => [hs.key] };
    const verifier = createTokenVerifier({ keys: resolver, currentDate });
    const es = await signingPair('ES256');
    await expectRejection(verifier.verify(await signJws(claims(), es.privateKey, { alg: 'ES256' })), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('is every asymmetric algorithm, and no HMAC, for a resolver that lists nothing yet', async () => {
    const es = await signingPair('ES256');
    const resolver: KeyResolver = { resolve: (header) => (header.alg === 'ES256' ? [es.key] : [hs.key]) };
    const verifier = createTokenVerifier({ keys: resolver, currentDate });
    expect((await verifier.verify(await signJws(claims(), es.privateKey, { alg: 'ES256' }))).key).toBe(es.key);
    await expectRejection(verifier.verify(await signJws(claims(), hs.secret, { alg: 'HS256' })), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('is empty when only decryptionKeys are given, so a plain JWS is refused', async () => {
    const verifier = createTokenVerifier({ decryptionKeys: dir.key, currentDate });
    await expectRejection(verifier.verify(await signJws(claims(), hs.secret, { alg: 'HS256' })), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });
});
