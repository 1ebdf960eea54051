// The node engine's signing (what signJwt, signAndEncrypt and issueToken use on Node) against jose's: the same token
// for the deterministic algorithms, a token jose verifies for the others, and every key jose would refuse left to jose,
// so that it refuses it with the usual error.
import { CompactSign, compactVerify } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JWS_ALGORITHMS, type JwsAlgorithm } from '../src/algorithms.js';
import { TesseraError } from '../src/errors.js';
import { signJwt } from '../src/issue/index.js';
import { ENGINE_ENV_VAR, setDefaultEngine } from '../src/lib/default-engine.js';
import type { JwsSigningHeader } from '../src/lib/engine.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { createKey } from '../src/lib/key.js';
import { nodeEngine } from '../src/node/node-engine.js';
import type { TesseraKey } from '../src/types.js';
import { jwsPair, jwsVerdict, type JwsPair } from './node-engine-helpers.js';

/** Same bytes in, same token out: PKCS #1 v1.5, Ed25519 and HMAC have no randomness. ECDSA and PSS do. */
const DETERMINISTIC = new Set<JwsAlgorithm>(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'EdDSA']);
const payload = new TextEncoder().encode(JSON.stringify({ sub: 'user-1', scope: 'read', name: 'Zoë' }));
// A non-ASCII kid: the header must be UTF-8, as jose writes it.
const headerFor = (alg: JwsAlgorithm): JwsSigningHeader & Record<string, string> => ({ alg, typ: 'at+jwt', kid: `clé-${alg}` });
const pairs = new Map<JwsAlgorithm, Promise<JwsPair>>(JWS_ALGORITHMS.map((alg) => [alg, jwsPair(alg)]));
const pairFor = (alg: JwsAlgorithm): Promise<JwsPair> => pairs.get(alg) as Promise<JwsPair>;

/** The key jose verifies with: the secret, or the public CryptoKey behind the pair's verification key. */
const verifyKeyOf = (pair: JwsPair): CryptoKey | Uint8Array => pair.key.key;

afterEach(() => {
  vi.unstubAllEnvs();
  setDefaultEngine(undefined);
});

describe('nodeEngine.signJws', () => {
  it.each(JWS_ALGORITHMS)('signs %s with the header and payload segments jose writes, and a signature jose verifies', async (alg) => {
    const pair = await pairFor(alg);
    const header = headerFor(alg);
    const ours = await nodeEngine.signJws?.(header, payload, pair.privateKey);
    if (typeof ours !== 'string') throw new Error(`the node engine left an ordinary ${alg} key to jose`);
    const theirs = await new CompactSign(payload).setProtectedHeader(header).sign(pair.signKey);
    expect(ours.split('.').slice(0, 2)).toEqual(theirs.split('.').slice(0, 2));
    if (DETERMINISTIC.has(alg)) expect(ours).toBe(theirs);
    else expect(ours).not.toBe(theirs);
    const verified = await compactVerify(ours, verifyKeyOf(pair), { algorithms: [alg] });
    expect(verified.payload).toEqual(payload);
    expect(verified.protectedHeader).toEqual(header);
    const [node, jose] = await Promise.all([jwsVerdict(nodeEngine, ours, pair.key), jwsVerdict(joseEngine, ours, pair.key)]);
    expect(node).toEqual(jose);
    expect(node).toMatchObject({ ok: true, bytes: payload });
  });

  it.each(['ES256', 'PS256'] as const)('makes a fresh %s signature every time (its randomness comes from OpenSSL)', async (alg) => {
    const pair = await pairFor(alg);
    const sign = (): unknown => nodeEngine.signJws?.(headerFor(alg), payload, pair.privateKey);
    const tokens = new Set(await Promise.all([sign(), sign(), sign(), sign()]));
    expect(tokens.size).toBe(4);
  });

  it.each(['HS256', 'ES256', 'EdDSA'] as const)('answers %s at once (no promise, nothing on the thread pool)', async (alg) => {
    expect(nodeEngine.signJws?.(headerFor(alg), payload, (await pairFor(alg)).privateKey)).toBeTypeOf('string');
  });

  it.each(['RS256', 'PS256'] as const)('answers %s with a promise: an RSA signature is made on the thread pool', async (alg) => {
    const signed = nodeEngine.signJws?.(headerFor(alg), payload, (await pairFor(alg)).privateKey);
    expect(signed).toBeInstanceOf(Promise);
    expect(await signed).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

/** A private key WebCrypto made for `algorithm`, imported with `usages` (what jose's key checks look at). */
async function privateKeyWith(algorithm: RsaHashedKeyGenParams | EcKeyGenParams, usages: KeyUsage[]): Promise<CryptoKey> {
  const subtle = globalThis.crypto.subtle;
  const generated = await subtle.generateKey(algorithm, true, algorithm.name === 'ECDH' ? ['deriveBits'] : ['sign', 'verify']) as CryptoKeyPair;
  const pkcs8 = await subtle.exportKey('pkcs8', generated.privateKey);
  return subtle.importKey('pkcs8', pkcs8, algorithm, false, usages);
}

const rsa = (modulusLength: number): RsaHashedKeyGenParams =>
  ({ name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' });

/** Keys the node engine must leave to jose: jose refuses each of them, and must be the one that says so. */
const refused: ReadonlyArray<readonly [string, () => Promise<TesseraKey>]> = [
  ['a P-256 ECDH key (made for key agreement) labelled ES256',
    async () => createKey({ alg: 'ES256', use: 'sig', type: 'private', key: await privateKeyWith({ name: 'ECDH', namedCurve: 'P-256' }, ['deriveBits']) })],
  ['a P-256 key labelled ES384',
    async () => createKey({ alg: 'ES384', use: 'sig', type: 'private', key: await privateKeyWith({ name: 'ECDSA', namedCurve: 'P-256' }, ['sign']) })],
  ['a 1024-bit RSA key',
    async () => createKey({ alg: 'RS256', use: 'sig', type: 'private', key: await privateKeyWith(rsa(1024), ['sign']) })],
  ['an RSA key made for SHA-256 labelled RS512',
    async () => createKey({ alg: 'RS512', use: 'sig', type: 'private', key: await privateKeyWith(rsa(2048), ['sign']) })],
  ['an empty HMAC secret',
    () => Promise.resolve(createKey({ alg: 'HS256', use: 'sig', type: 'secret', key: new Uint8Array(0) }))],
];

/** What signJwt came to: the token, or the error's code and message. */
async function outcome(key: TesseraKey): Promise<{ token: string } | { code: string; message: string }> {
  try {
    return { token: await signJwt({ scope: 'read' }, key, { expiresIn: 60, now: () => 1_700_000_000_000 }) };
  } catch (err) {
    if (!(err instanceof TesseraError)) throw err;
    return { code: err.code, message: err.message };
  }
}

describe('keys the node engine leaves to jose', () => {
  it.each(refused)('leaves %s to jose, and signJwt refuses it with the same error on both engines', async (_, make) => {
    const key = await make();
    expect(nodeEngine.signJws?.({ alg: key.alg as JwsAlgorithm }, payload, key)).toBeUndefined();
    vi.stubEnv(ENGINE_ENV_VAR, 'jose');
    const onJose = await outcome(key);
    vi.stubEnv(ENGINE_ENV_VAR, 'node');
    setDefaultEngine(nodeEngine);
    const onNode = await outcome(key);
    expect(onNode).toEqual(onJose);
    expect(onNode).toMatchObject({ code: 'invalid_key' });
  });

  it('leaves a header whose alg is not the key\'s to jose', async () => {
    const pair = await pairFor('ES256');
    expect(nodeEngine.signJws?.({ alg: 'ES384' }, payload, pair.privateKey)).toBeUndefined();
  });

  it('leaves a public key to jose', async () => {
    const pair = await pairFor('ES256');
    expect(nodeEngine.signJws?.({ alg: 'ES256' }, payload, pair.key)).toBeUndefined();
  });
});

describe('signJwt on the node engine (the default of @tessera/core on Node)', () => {
  const options = { subject: 'u1', expiresIn: '15m', jti: 'fixed-id', typ: 'at+jwt', now: () => 1_700_000_000_000 };

  it.each(JWS_ALGORITHMS)('signs a %s JWT that jose verifies, the same token as jose for the deterministic algorithms', async (alg) => {
    const pair = await pairFor(alg);
    vi.stubEnv(ENGINE_ENV_VAR, 'jose');
    const byJose = await signJwt({ scope: 'read' }, pair.privateKey, options);
    vi.stubEnv(ENGINE_ENV_VAR, 'node');
    setDefaultEngine(nodeEngine);
    const byNode = await signJwt({ scope: 'read' }, pair.privateKey, options);
    if (DETERMINISTIC.has(alg)) expect(byNode).toBe(byJose);
    expect(byNode.split('.').slice(0, 2)).toEqual(byJose.split('.').slice(0, 2));
    await expect(compactVerify(byNode, verifyKeyOf(pair), { algorithms: [alg] })).resolves.toBeTruthy();
  });
});
