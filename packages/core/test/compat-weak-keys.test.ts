// Key-import compatibility options: importSecret allowShortKey (HMAC secrets under the hash size, as python-jose and
// PyJWT sign with) and importPem/importJwk allowWeakRsa (RSA moduli of 1024–2047 bits). Such keys are verify-only:
// both engines verify with them alike, and nothing of Tessera's signs or encrypts with them.
import { constants, createHmac, sign, type KeyObject } from 'node:crypto';
import { base64url, flattenedVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { JwsAlgorithm } from '../src/algorithms.js';
import { encryptJwe } from '../src/issue/encrypt-jwe.js';
import { issueToken } from '../src/issue/issue-token.js';
import { signAndEncrypt } from '../src/issue/sign-and-encrypt.js';
import { signJwt } from '../src/issue/sign-jwt.js';
import { generateKeyPair } from '../src/keys/generate-key-pair.js';
import { importJwk } from '../src/keys/import-jwk.js';
import { importPem } from '../src/keys/import-pem.js';
import { importSecret } from '../src/keys/import-secret.js';
import { KeySet } from '../src/keys/key-set.js';
import { prepareNodeKey } from '../src/node/node-key.js';
import { ENGINES, verifierOn } from './compat-helpers.js';
import { expectRejects, jwkOf, pem, rsaPair } from './keys-helpers.js';
import { claims, expectRejection, tamper } from './verify-helpers.js';

const encode = (value: object) => base64url.encode(JSON.stringify(value));

/** A JWS signed with node:crypto, whatever the key's size (what the peers do). */
function signWith(alg: JwsAlgorithm, key: KeyObject | Uint8Array, payload = claims()): string {
  const input = `${encode({ alg, typ: 'JWT' })}.${encode(payload)}`;
  const bits = Number(alg.slice(2));
  if (key instanceof Uint8Array) return `${input}.${base64url.encode(createHmac(`sha${bits}`, key).update(input).digest())}`;
  const options = alg.startsWith('PS')
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: bits / 8 }
    : key;
  return `${input}.${base64url.encode(sign(`sha${bits}`, Buffer.from(input), options))}`;
}

const SHORT = new TextEncoder().encode('api-secret-key'); // the jwt_encrypt docs' 14-byte HS512 secret
const RSA_1024 = rsaPair(1024);
const TOO_SHORT_RSA = 'RSA modulus is 1024 bits; at least 2048 are required';

describe('importSecret allowShortKey', () => {
  it('refuses a short HMAC secret by default', async () => {
    await expectRejects(importSecret(SHORT, { alg: 'HS512' }), 'invalid_key', 'expected at least 64 bytes for HS512, got 14');
  });

  it('imports it as a verify-only key with the option', async () => {
    const key = await importSecret('api-secret-key', { alg: 'HS512', allowShortKey: true });
    expect(key).toMatchObject({ alg: 'HS512', use: 'sig', type: 'secret', verifyOnly: 'allowShortKey' });
    expect(Object.isFrozen(key)).toBe(true);
  });

  it('imports a full-size secret as an ordinary key even with the option', async () => {
    const key = await importSecret(new Uint8Array(32).fill(1), { alg: 'HS256', allowShortKey: true });
    expect(key.verifyOnly).toBeUndefined();
    expect('verifyOnly' in key).toBe(false);
  });

  it('still refuses an empty secret and PEM text with the option', async () => {
    await expectRejects(importSecret(new Uint8Array(0), { alg: 'HS256', allowShortKey: true }), 'invalid_key', 'key is empty');
    await expectRejects(importSecret(pem(RSA_1024.publicKey, 'spki'), { alg: 'HS256', allowShortKey: true }), 'invalid_key',
      'a PEM-armoured key cannot be used as a secret for HS256; import asymmetric keys with importPem');
  });

  it('refuses the option for dir keys and non-boolean values', async () => {
    await expectRejects(importSecret(new Uint8Array(31), { alg: 'dir', enc: 'A256GCM', allowShortKey: true }), 'invalid_argument',
      'options.allowShortKey applies to HS256, HS384 and HS512 only; a dir key must be exactly its size');
    await expectRejects(importSecret(SHORT, { alg: 'HS256', allowShortKey: 'yes' as never }), 'invalid_argument',
      'options.allowShortKey must be a boolean');
  });
});

describe('importPem / importJwk allowWeakRsa', () => {
  it('refuses a 1024-bit RSA key by default', async () => {
    await expectRejects(importPem(pem(RSA_1024.publicKey, 'spki'), { alg: 'RS256' }), 'invalid_key', TOO_SHORT_RSA);
    await expectRejects(importJwk(jwkOf(RSA_1024.publicKey), { alg: 'PS256' }), 'invalid_key', TOO_SHORT_RSA);
  });

  it('imports 1024-bit RS* and PS* public keys as verify-only keys with the option', async () => {
    for (const alg of ['RS256', 'RS512', 'PS384'] as const) {
      const fromPem = await importPem(pem(RSA_1024.publicKey, 'pkcs1'), { alg, allowWeakRsa: true });
      const fromJwk = await importJwk(jwkOf(RSA_1024.publicKey), { alg, allowWeakRsa: true });
      for (const key of [fromPem, fromJwk]) expect(key).toMatchObject({ alg, type: 'public', verifyOnly: 'allowWeakRsa' });
    }
  });

  it('imports a 2048-bit key as an ordinary key even with the option', async () => {
    const key = await importPem(pem(rsaPair(2048).publicKey, 'spki'), { alg: 'RS256', allowWeakRsa: true });
    expect(key.verifyOnly).toBeUndefined();
  });

  it('never goes below 1024 bits, never takes e = 1, and never a private key', async () => {
    await expectRejects(importPem(pem(rsaPair(768).publicKey, 'spki'), { alg: 'RS256', allowWeakRsa: true }), 'invalid_key',
      'RSA modulus is 768 bits; at least 1024 are required even with allowWeakRsa');
    await expectRejects(importJwk({ ...jwkOf(RSA_1024.publicKey), e: 'AQ' }, { alg: 'RS256', allowWeakRsa: true }), 'invalid_key',
      'RSA public exponent must be odd and at least 3');
    await expectRejects(importPem(pem(RSA_1024.privateKey, 'pkcs8'), { alg: 'RS256', allowWeakRsa: true }), 'invalid_key',
      'allowWeakRsa imports public keys only: a key under 2048 bits may verify, never sign');
  });

  it('refuses the option for other algorithms and non-boolean values', async () => {
    await expectRejects(importPem(pem(RSA_1024.publicKey, 'spki'), { alg: 'RSA-OAEP-256', allowWeakRsa: true }), 'invalid_argument',
      'options.allowWeakRsa applies to RS256…RS512 and PS256…PS512 only, not RSA-OAEP-256');
    await expectRejects(importJwk({ kty: 'oct', k: 'AAAA' }, { alg: 'HS256', allowWeakRsa: true }), 'invalid_argument',
      'options.allowWeakRsa applies to RS256…RS512 and PS256…PS512 only, not HS256');
    await expectRejects(importPem(pem(RSA_1024.publicKey, 'spki'), { alg: 'RS256', allowWeakRsa: 1 as never }), 'invalid_argument',
      'options.allowWeakRsa must be a boolean');
  });

  it('is needed because jose itself refuses RSA keys under 2048 bits', async () => {
    const key = await importPem(pem(RSA_1024.publicKey, 'spki'), { alg: 'RS256', allowWeakRsa: true });
    const [protectedB64, payload, signature] = signWith('RS256', RSA_1024.privateKey).split('.') as [string, string, string];
    await expect(flattenedVerify({ protected: protectedB64, payload, signature }, key.key as CryptoKey))
      .rejects.toThrow('RS256 requires key modulusLength to be 2048 bits or larger');
  });

  it('is checked natively by the node engine (not handed to jose)', async () => {
    const key = await importPem(pem(RSA_1024.publicKey, 'spki'), { alg: 'PS256', allowWeakRsa: true });
    expect(prepareNodeKey(key)).toMatchObject({ kind: 'jws', alg: 'PS256' });
  });
});

describe.each(ENGINES)('verifying with verify-only keys ($name engine)', ({ engine }) => {
  it.each(['HS256', 'HS384', 'HS512'] as const)('verifies %s with a 14-byte secret and rejects a bad MAC', async (alg) => {
    const key = await importSecret(SHORT, { alg, allowShortKey: true });
    const token = signWith(alg, SHORT);
    expect((await verifierOn(engine, { keys: key }).verify(token)).payload).toEqual(claims());
    await expectRejection(verifierOn(engine, { keys: key }).verify(tamper(token, 2)), 'signature_invalid', 'signature verification failed');
  });

  // PS512 needs 64 + 64 + 2 bytes of room: more than a 1024-bit modulus has, so no peer makes such a token.
  it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384'] as const)(
    'verifies %s with a 1024-bit key and rejects a bad signature', async (alg) => {
      const key = await importPem(pem(RSA_1024.publicKey, 'spki'), { alg, allowWeakRsa: true });
      const token = signWith(alg, RSA_1024.privateKey);
      expect((await verifierOn(engine, { keys: key }).verify(token)).payload).toEqual(claims());
      await expectRejection(verifierOn(engine, { keys: key }).verify(tamper(token, 2)), 'signature_invalid', 'signature verification failed');
      await expectRejection(verifierOn(engine, { keys: key }).verify(tamper(token, 1)), 'signature_invalid', 'signature verification failed');
    },
  );

  it('rejects a 1024-bit signature under another weak key, and a signature cut short', async () => {
    const key = await importPem(pem(rsaPair(1536).publicKey, 'spki'), { alg: 'RS256', allowWeakRsa: true });
    const token = signWith('RS256', RSA_1024.privateKey);
    await expectRejection(verifierOn(engine, { keys: key }).verify(token), 'signature_invalid', 'signature verification failed');
    const cut = `${token.slice(0, token.lastIndexOf('.'))}.${base64url.encode(new Uint8Array(64))}`;
    await expectRejection(verifierOn(engine, { keys: key }).verify(cut), 'signature_invalid', 'signature verification failed');
  });
});

describe('verify-only keys never sign or encrypt', () => {
  const refusal = (option: string, name = 'key') => `"${name}": this key was imported with ${option} and can only verify`;

  it('signJwt, signAndEncrypt and issueToken refuse a key imported with allowShortKey', async () => {
    const key = await importSecret(SHORT, { alg: 'HS256', allowShortKey: true });
    const dir = await importSecret(new Uint8Array(32), { alg: 'dir', enc: 'A256GCM' });
    await expectRejects(signJwt({ sub: 'x' }, key, { expiresIn: 60 }), 'invalid_key', refusal('allowShortKey'));
    await expectRejects(signAndEncrypt({ sub: 'x' }, { signingKey: key, encryptionKey: dir, expiresIn: 60 }), 'invalid_key',
      refusal('allowShortKey', 'signingKey'));
    await expectRejects(issueToken({ format: 'jwt', signingKey: key, subject: 'x', expiresIn: 60 }), 'invalid_key',
      refusal('allowShortKey', 'signingKey'));
    await expectRejects(issueToken({ format: 'jwe-dir', signingKey: key, encryptionKey: dir, subject: 'x', expiresIn: 60 }),
      'invalid_key', refusal('allowShortKey', 'signingKey'));
  });

  it('signJwt and encryptJwe refuse a key imported with allowWeakRsa', async () => {
    const key = await importPem(pem(RSA_1024.publicKey, 'spki'), { alg: 'RS256', allowWeakRsa: true });
    // An asymmetric key has a kid (its thumbprint), which the message names.
    const message = new RegExp(`^"key": this key was imported with allowWeakRsa and can only verify \\(kid "${key.kid}"\\)$`);
    await expectRejects(signJwt({ sub: 'x' }, key, { expiresIn: 60 }), 'invalid_key', message);
    await expectRejects(encryptJwe({ sub: 'x' }, key), 'invalid_key', message);
  });

  it('a KeySet resolves a verify-only secret for checking but never hands it out as current', async () => {
    const key = await importSecret(SHORT, { alg: 'HS256', allowShortKey: true, kid: 'legacy' });
    const keys = new KeySet([key]);
    expect(keys.resolve({ alg: 'HS256', kid: 'legacy' }, 'sig')).toEqual([key]);
    expect(keys.current('sig')).toBeUndefined();
    const good = (await generateKeyPair('ES256')).privateKey;
    keys.add(good);
    expect(keys.current('sig')).toBe(good);
  });
});
