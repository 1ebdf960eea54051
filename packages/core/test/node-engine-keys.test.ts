import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { base64url, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWE_CONTENT_ALGORITHMS, JWS_ALGORITHMS } from '../src/algorithms.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { createKey } from '../src/lib/key.js';
import { nodeEngine } from '../src/node/node-engine.js';
import { nodeKeyOf, prepareNodeKey } from '../src/node/node-key.js';
import { dirKey, jwsPair, jwsVerdict } from './node-engine-helpers.js';

const subtle = globalThis.crypto.subtle;
const invalid = { ok: false, code: 'signature_invalid', message: 'signature verification failed', name: 'SignatureError' };

describe('prepareNodeKey', () => {
  it.each(JWS_ALGORITHMS)('turns a %s verification key into a node:crypto signature check', async (alg) => {
    const { key } = await jwsPair(alg);
    expect(prepareNodeKey(key)).toMatchObject({ kind: 'jws', alg, check: expect.any(Function) });
  });

  it.each(JWE_CONTENT_ALGORITHMS)('gives a dir key for %s a decrypter for that enc only', (enc) => {
    const prepared = prepareNodeKey(dirKey(enc));
    expect(prepared?.kind).toBe('dir');
    expect([...(prepared?.kind === 'dir' ? prepared.decrypters.keys() : [])]).toEqual([enc]);
  });

  it('prepares the key management of every other JWE alg: RSA-OAEP*, ECDH-ES* on every curve, A*KW, A*GCMKW', async () => {
    const asymmetric = [
      ['RSA-OAEP', {}], ['RSA-OAEP-256', {}], ['RSA-OAEP-384', {}], ['RSA-OAEP-512', {}],
      ['ECDH-ES', { crv: 'P-256' }], ['ECDH-ES+A128KW', { crv: 'P-384' }], ['ECDH-ES+A192KW', { crv: 'P-521' }],
      ['ECDH-ES+A256KW', { crv: 'X25519' }],
    ] as const;
    for (const [alg, options] of asymmetric) {
      const { privateKey } = await generateKeyPair(alg, options);
      const prepared = prepareNodeKey(createKey({ alg, use: 'enc', type: 'private', key: privateKey as CryptoKey }));
      expect(prepared, alg).toMatchObject({ kind: 'jwe', alg });
    }
    for (const [alg, bytes] of [['A128KW', 16], ['A192KW', 24], ['A256KW', 32], ['A128GCMKW', 16], ['A192GCMKW', 24], ['A256GCMKW', 32]] as const) {
      expect(prepareNodeKey(createKey({ alg, use: 'enc', type: 'secret', key: new Uint8Array(bytes).fill(3) }))).toMatchObject({ kind: 'jwe', alg });
    }
  });

  it('leaves private signing keys and public encryption keys to jose', async () => {
    expect(prepareNodeKey((await jwsPair('ES256')).privateKey)).toBeUndefined();
    for (const alg of ['RSA-OAEP-256', 'ECDH-ES+A256KW'] as const) {
      const { publicKey } = await generateKeyPair(alg);
      expect(prepareNodeKey(createKey({ alg, use: 'enc', type: 'public', key: publicKey as CryptoKey }))).toBeUndefined();
    }
  });

  it('leaves to jose the decryption keys jose refuses: another OAEP hash, RSA under 2048 bits, a key-wrapping key of another size, a key that cannot derive', async () => {
    const oaepSha1 = (await generateKeyPair('RSA-OAEP')).privateKey as CryptoKey;
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'der' });
    const oaep1024 = await subtle.importKey('pkcs8', small, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
    // An ECDSA key cannot derive bits: not an ECDH key, whatever alg it is bound to.
    const ecdsa = (await generateKeyPair('ES256')).privateKey as CryptoKey;
    const cases = [
      createKey({ alg: 'RSA-OAEP-256', use: 'enc', type: 'private', key: oaepSha1 }),
      createKey({ alg: 'RSA-OAEP-256', use: 'enc', type: 'private', key: oaep1024 }),
      createKey({ alg: 'ECDH-ES', use: 'enc', type: 'private', key: ecdsa }),
      createKey({ alg: 'A128KW', use: 'enc', type: 'secret', key: new Uint8Array(32) }),
      createKey({ alg: 'A256GCMKW', use: 'enc', type: 'secret', key: new Uint8Array(16) }),
    ];
    for (const key of cases) expect(prepareNodeKey(key)).toBeUndefined();
  });

  it('leaves to jose the keys jose refuses: RSA under 2048 bits, another hash or curve, no verify usage', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    const rs1024 = await subtle.importKey('spki', small, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    const rsSha384 = await subtle.importKey('spki', generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, false, ['verify']);
    const p384 = (await generateKeyPair('ES384')).publicKey as CryptoKey;
    const hmacSign = await subtle.importKey('raw', new Uint8Array(32).fill(1), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const cases = [
      createKey({ alg: 'RS256', use: 'sig', type: 'public', key: rs1024 }),
      createKey({ alg: 'RS256', use: 'sig', type: 'public', key: rsSha384 }),
      createKey({ alg: 'ES256', use: 'sig', type: 'public', key: p384 }),
      createKey({ alg: 'HS256', use: 'sig', type: 'secret', key: hmacSign }),
      createKey({ alg: 'HS256', use: 'sig', type: 'secret', key: new Uint8Array(0) }),
    ];
    for (const key of cases) expect(prepareNodeKey(key)).toBeUndefined();
  });

  it('accepts an HMAC CryptoKey that jose would take', async () => {
    const hmac = await subtle.importKey('raw', new Uint8Array(48).fill(2), { name: 'HMAC', hash: 'SHA-384' }, false, ['verify']);
    expect(prepareNodeKey(createKey({ alg: 'HS384', use: 'sig', type: 'secret', key: hmac }))).toMatchObject({ kind: 'jws', alg: 'HS384' });
  });

  it('leaves dir keys to jose when their size fits no enc or they are CryptoKeys', async () => {
    const aes = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['decrypt']);
    expect(prepareNodeKey(createKey({ alg: 'dir', enc: 'A256GCM', use: 'enc', type: 'secret', key: aes }))).toBeUndefined();
    expect(prepareNodeKey(dirKey('A256GCM', 'short', 31))).toBeUndefined();
  });
});

describe('nodeKeyOf', () => {
  it('converts a key once and returns the cached form after', async () => {
    const { key } = await jwsPair('EdDSA');
    const first = nodeKeyOf(key);
    expect(first?.kind).toBe('jws');
    expect(nodeKeyOf(key)).toBe(first);
  });

  it('caches the decision to delegate as null', async () => {
    const { privateKey } = await jwsPair('PS256');
    expect(nodeKeyOf(privateKey)).toBeNull();
    expect(nodeKeyOf(privateKey)).toBeNull();
  });

  it('uses the form prepareKey made when a verifier was built', async () => {
    const { key } = await jwsPair('HS512');
    nodeEngine.prepareKey?.(key);
    const prepared = nodeKeyOf(key);
    expect(prepared).toMatchObject({ kind: 'jws', alg: 'HS512' });
    expect(nodeKeyOf(key)).toBe(prepared);
  });
});

describe('nodeEngine with keys left to jose', () => {
  it('gives jose\'s verdict for a 1024-bit RSA key (which jose refuses)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const key = createKey({ alg: 'RS256', use: 'sig', type: 'public', key: await subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']) });
    // jose will not sign with it either, so node:crypto makes the token.
    const input = `${base64url.encode('{"alg":"RS256"}')}.${base64url.encode('{"sub":"x"}')}`;
    const token = `${input}.${cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    const [node, jose] = await Promise.all([jwsVerdict(nodeEngine, token, key), jwsVerdict(joseEngine, token, key)]);
    expect(node).toEqual(jose);
    expect(node).toEqual(invalid);
  });
});
