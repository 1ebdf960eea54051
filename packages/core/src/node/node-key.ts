import { KeyObject, createSecretKey, type webcrypto } from 'node:crypto';
import {
  CONTENT_KEY_BYTES,
  JWE_CONTENT_ALGORITHMS,
  KEY_WRAP_BYTES,
  isEcdhAlgorithm,
  isJweKeyAlgorithm,
  isKeyWrapAlgorithm,
  isRsaOaepAlgorithm,
  type JweContentAlgorithm,
  type JweKeyAlgorithm,
  type JwsAlgorithm,
} from '../algorithms.js';
import type { TesseraKey } from '../types.js';
import { cbcHmacDecrypter } from './aes-cbc-hmac.js';
import { gcmDecrypter } from './aes-gcm.js';
import { aesGcmKwManager } from './aes-gcm-kw.js';
import { aesKwManager } from './aes-kw.js';
import type { ContentDecrypter } from './content-decrypter.js';
import { ECDSA_CURVES, ecdsaCheck } from './ecdsa.js';
import { eddsaCheck } from './eddsa.js';
import { ecdhManager } from './ecdh-es.js';
import { hmacCheck } from './hmac.js';
import type { KeyManager } from './key-manager.js';
import { rsaCheck } from './rsa.js';
import { rsaOaepManager } from './rsa-oaep.js';
import type { SignatureCheck } from './signature-check.js';

/**
 * A key in node:crypto form: a signature check for a JWS key, content decrypters for a `dir` key, or the key
 * management that recovers each token's content key for every other JWE key.
 */
export type NodeKey =
  | { readonly kind: 'jws'; readonly alg: JwsAlgorithm; readonly check: SignatureCheck }
  | { readonly kind: 'dir'; readonly decrypters: ReadonlyMap<string, ContentDecrypter> }
  | { readonly kind: 'jwe'; readonly alg: Exclude<JweKeyAlgorithm, 'dir'>; readonly manager: KeyManager };

/**
 * What jose requires of a `CryptoKey` for each JWS `alg` (its `checkCryptoKey`): the algorithm name, hash or curve.
 * A key that jose would refuse is not converted, so the jose engine gets it and answers exactly as it always does.
 */
const EXPECTED: Readonly<Record<JwsAlgorithm, { name: string; hash?: string; namedCurve?: string }>> = Object.freeze({
  HS256: { name: 'HMAC', hash: 'SHA-256' },
  HS384: { name: 'HMAC', hash: 'SHA-384' },
  HS512: { name: 'HMAC', hash: 'SHA-512' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  RS384: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  RS512: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  PS384: { name: 'RSA-PSS', hash: 'SHA-384' },
  PS512: { name: 'RSA-PSS', hash: 'SHA-512' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  ES512: { name: 'ECDSA', namedCurve: 'P-521' },
  EdDSA: { name: 'Ed25519' },
});

interface CryptoKeyAlgorithmShape {
  name?: unknown;
  hash?: { name?: unknown };
  namedCurve?: unknown;
  modulusLength?: unknown;
}

/**
 * The `KeyObject` of a `CryptoKey` jose would accept for `alg` and `usage` (`verify` with a public key or secret,
 * `sign` with a private key or secret), or `undefined` when it would not. RSA keys need 2048 bits, as in jose — or
 * 1024 for a key imported with `allowWeakRsa`, which the jose engine then verifies with WebCrypto directly
 * (`minRsaBits` says which).
 *
 * @param alg - The JWS algorithm the key is used with.
 * @param key - The WebCrypto key.
 * @param type - The key type `usage` needs.
 * @param usage - `verify` or `sign`.
 * @param minRsaBits - The smallest RSA modulus accepted.
 * @returns The key's `KeyObject`, or `undefined` to leave the key to jose.
 */
export function jwsKeyObject(alg: JwsAlgorithm, key: CryptoKey, type: 'secret' | 'public' | 'private',
  usage: 'verify' | 'sign', minRsaBits = 2048): KeyObject | undefined {
  const expected = EXPECTED[alg];
  const algorithm = key.algorithm as CryptoKeyAlgorithmShape;
  if (key.type !== type || !key.usages.includes(usage) || algorithm.name !== expected.name) return undefined;
  if (expected.hash !== undefined && algorithm.hash?.name !== expected.hash) return undefined;
  if (expected.namedCurve !== undefined && algorithm.namedCurve !== expected.namedCurve) return undefined;
  // jose refuses RSA keys under 2048 bits for RS*/PS* (its checkModulusLength).
  if (expected.name.startsWith('RSA') && !(typeof algorithm.modulusLength === 'number' && algorithm.modulusLength >= minRsaBits)) {
    return undefined;
  }
  return KeyObject.from(key as unknown as webcrypto.CryptoKey);
}

function jwsCheck(alg: JwsAlgorithm, key: TesseraKey): SignatureCheck | undefined {
  const material = key.key;
  switch (alg) {
    case 'HS256': case 'HS384': case 'HS512': {
      if (key.type !== 'secret') return undefined;
      // An empty HMAC key is refused by WebCrypto's importKey; leave it to jose to say so.
      if (material instanceof Uint8Array) return material.length === 0 ? undefined : hmacCheck(alg, createSecretKey(material));
      const keyObject = jwsKeyObject(alg, material, 'secret', 'verify');
      return keyObject && hmacCheck(alg, keyObject);
    }
    case 'RS256': case 'RS384': case 'RS512': case 'PS256': case 'PS384': case 'PS512': {
      const minBits = key.verifyOnly === 'allowWeakRsa' ? 1024 : 2048;
      const keyObject = material instanceof Uint8Array ? undefined : jwsKeyObject(alg, material, 'public', 'verify', minBits);
      return keyObject && rsaCheck(alg, keyObject);
    }
    case 'ES256': case 'ES384': case 'ES512': {
      const keyObject = material instanceof Uint8Array ? undefined : jwsKeyObject(alg, material, 'public', 'verify');
      return keyObject?.asymmetricKeyDetails?.namedCurve === ECDSA_CURVES[alg].openssl ? ecdsaCheck(alg, keyObject) : undefined;
    }
    case 'EdDSA': {
      const keyObject = material instanceof Uint8Array ? undefined : jwsKeyObject(alg, material, 'public', 'verify');
      return keyObject?.asymmetricKeyType === 'ed25519' ? eddsaCheck(keyObject) : undefined;
    }
  }
}

/**
 * Decrypters for the key's own `enc` (or, for a key bound to none, every `enc` its size fits). A header naming another
 * `enc` finds no decrypter and goes to jose, which has the last word on such odd pairings.
 */
function dirDecrypters(secret: Uint8Array, bound: JweContentAlgorithm | undefined): Map<string, ContentDecrypter> {
  // A Map, not an object: a header `enc` of "constructor" or "__proto__" must find nothing.
  const decrypters = new Map<string, ContentDecrypter>();
  for (const enc of JWE_CONTENT_ALGORITHMS) {
    if (CONTENT_KEY_BYTES[enc] !== secret.length || (bound !== undefined && bound !== enc)) continue;
    decrypters.set(enc, enc.endsWith('GCM')
      ? gcmDecrypter(enc as 'A128GCM' | 'A192GCM' | 'A256GCM', createSecretKey(secret))
      : cbcHmacDecrypter(enc as 'A128CBC-HS256' | 'A192CBC-HS384' | 'A256CBC-HS512', secret));
  }
  return decrypters;
}

/** The OAEP hash jose requires of an RSA-OAEP `CryptoKey` for each alg. */
const OAEP_HASH: Readonly<Record<string, string>> = Object.freeze({
  'RSA-OAEP': 'SHA-1',
  'RSA-OAEP-256': 'SHA-256',
  'RSA-OAEP-384': 'SHA-384',
  'RSA-OAEP-512': 'SHA-512',
});

/**
 * The `KeyObject` of a decryption `CryptoKey` jose would accept for an RSA-OAEP or ECDH-ES `alg` (its `checkRsaKey`,
 * `assertEcdhKey`, `checkEcdhCryptoKey`: name, hash, curve, usage, RSA ≥ 2048 bits), with its curve; `undefined`
 * otherwise, which leaves the key to jose.
 */
function decryptionKeyObject(alg: JweKeyAlgorithm, key: CryptoKey): { keyObject: KeyObject; crv: string } | undefined {
  if (key.type !== 'private') return undefined;
  const algorithm = key.algorithm as CryptoKeyAlgorithmShape;
  if (isRsaOaepAlgorithm(alg)) {
    const fits = algorithm.name === 'RSA-OAEP' && algorithm.hash?.name === OAEP_HASH[alg] && key.usages.includes('decrypt')
      && typeof algorithm.modulusLength === 'number' && algorithm.modulusLength >= 2048;
    return fits ? { keyObject: KeyObject.from(key as unknown as webcrypto.CryptoKey), crv: '' } : undefined;
  }
  const crv = algorithm.name === 'X25519' ? 'X25519' : algorithm.name === 'ECDH' ? algorithm.namedCurve : undefined;
  if (typeof crv !== 'string' || !key.usages.includes('deriveBits')) return undefined;
  return { keyObject: KeyObject.from(key as unknown as webcrypto.CryptoKey), crv };
}

/** The key management of a JWE key other than `dir`, or `undefined` to leave the key to jose. */
function keyManager(key: TesseraKey): KeyManager | undefined {
  const { alg, key: material } = key;
  if (!isJweKeyAlgorithm(alg)) return undefined;
  if (isKeyWrapAlgorithm(alg)) {
    if (key.type !== 'secret' || !(material instanceof Uint8Array) || material.length !== KEY_WRAP_BYTES[alg]) return undefined;
    return alg.endsWith('GCMKW') ? aesGcmKwManager(material) : aesKwManager(material);
  }
  if (material instanceof Uint8Array) return undefined;
  const prepared = decryptionKeyObject(alg, material);
  if (prepared === undefined) return undefined;
  if (isRsaOaepAlgorithm(alg)) return rsaOaepManager(alg, prepared.keyObject);
  return isEcdhAlgorithm(alg) ? ecdhManager(alg, prepared.crv, prepared.keyObject) : undefined;
}

/**
 * Converts a {@link TesseraKey} to node:crypto form, or returns `undefined` when this engine leaves the key to jose:
 * public keys handed to a decrypter, private keys handed to a verifier, mismatched keys, a `CryptoKey` for `dir`,
 * anything jose would refuse.
 *
 * @param key - The imported key.
 * @returns The node form, or `undefined` to delegate.
 */
export function prepareNodeKey(key: TesseraKey): NodeKey | undefined {
  try {
    if (key.alg === 'dir') {
      const secret = key.key;
      if (key.type !== 'secret' || key.use !== 'enc' || !(secret instanceof Uint8Array)) return undefined;
      const decrypters = dirDecrypters(secret, key.enc);
      return decrypters.size === 0 ? undefined : Object.freeze({ kind: 'dir', decrypters });
    }
    if (key.use === 'enc') {
      const manager = keyManager(key);
      return manager === undefined ? undefined : Object.freeze({ kind: 'jwe', alg: key.alg as Exclude<JweKeyAlgorithm, 'dir'>, manager });
    }
    if (key.use !== 'sig' || !isJwsKeyAlg(key.alg)) return undefined;
    const alg = key.alg as JwsAlgorithm;
    const check = jwsCheck(alg, key);
    return check === undefined ? undefined : Object.freeze({ kind: 'jws', alg, check });
  } catch {
    // Whatever node:crypto cannot take (an exotic key), jose still decides about.
    return undefined;
  }
}

function isJwsKeyAlg(alg: string): alg is JwsAlgorithm {
  return Object.hasOwn(EXPECTED, alg);
}

const cache = new WeakMap<TesseraKey, NodeKey | null>();

/**
 * The node form of `key`, converted on first use and cached per key object (`null` when the key is left to jose).
 *
 * @param key - The imported key.
 * @returns The cached node form, or `null`.
 */
export function nodeKeyOf(key: TesseraKey): NodeKey | null {
  let prepared = cache.get(key);
  if (prepared === undefined) {
    prepared = prepareNodeKey(key) ?? null;
    cache.set(key, prepared);
  }
  return prepared;
}
