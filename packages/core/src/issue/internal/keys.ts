import { importJWK } from 'jose';
import {
  CONTENT_KEY_BYTES,
  JWE_CONTENT_ALGORITHMS,
  KEY_WRAP_BYTES,
  isJweContentAlgorithm,
  isJweKeyAlgorithm,
  isJwsAlgorithm,
  isKeyWrapAlgorithm,
  type JweContentAlgorithm,
  type JweKeyAlgorithm,
  type JwsAlgorithm,
} from '../../algorithms.js';
import { InvalidKeyError, TesseraArgumentError, TesseraError, UnsupportedAlgorithmError } from '../../errors.js';
import type { TesseraKey } from '../../types.js';

/** What jose takes as a key. */
export type JoseKey = CryptoKey | Uint8Array;

/** Checks that `key` has the shape of a {@link TesseraKey}; a wrong argument is a programming error. */
export function assertKeyShape(key: unknown, name: string): asserts key is TesseraKey {
  if (typeof key !== 'object' || key === null || typeof (key as { alg?: unknown }).alg !== 'string'
    || !('key' in key) || !('type' in key) || !('use' in key)) {
    throw new TesseraArgumentError(
      `"${name}" must be a TesseraKey (from importSecret, importPem, importJwk or generateKeyPair)`,
    );
  }
}

function describe(key: TesseraKey): string {
  return key.kid === undefined ? '' : ` (kid "${key.kid}")`;
}

/**
 * Refuses a key a compatibility import option let in (`allowShortKey`, `allowWeakRsa`): Tessera reads a peer's tokens
 * made with a weak key but never writes one.
 */
function assertNotVerifyOnly(key: TesseraKey, name: string): void {
  const reason: unknown = key.verifyOnly;
  if (reason === undefined) return;
  const option = reason === 'allowShortKey' || reason === 'allowWeakRsa' ? reason : 'a compatibility option';
  throw new InvalidKeyError(`"${name}": this key was imported with ${option} and can only verify${describe(key)}`);
}

/**
 * Checks that `key` can sign: not verify-only, a JWS algorithm with use `sig`, a secret for HS*, a private key
 * otherwise.
 * @returns The key's JWS algorithm.
 */
export function signingAlgorithm(key: unknown, name: string): JwsAlgorithm {
  assertKeyShape(key, name);
  assertNotVerifyOnly(key, name);
  const { alg, use, type } = key;
  if (use !== 'sig' || !isJwsAlgorithm(alg)) {
    throw new InvalidKeyError(
      `"${name}" must be a signing key (use "sig" with a JWS alg); got alg "${alg}", use "${use}"${describe(key)}`,
    );
  }
  const hmac = alg.startsWith('HS');
  if (hmac && type !== 'secret') {
    throw new InvalidKeyError(`"${name}" for ${alg} must be a secret key; got a ${type} key${describe(key)}`);
  }
  if (!hmac && type !== 'private') {
    throw new InvalidKeyError(`"${name}" must be a private key to sign with ${alg}; got a ${type} key${describe(key)}`);
  }
  return alg;
}

/** The key management and content encryption a JWE will use, and the key jose encrypts to. */
export interface EncryptionTarget {
  readonly alg: JweKeyAlgorithm;
  readonly enc: JweContentAlgorithm;
  readonly key: JoseKey | Promise<JoseKey>;
}

/** Reads the `enc` option: undefined, or one of the supported content encryptions. */
export function contentAlgorithm(enc: unknown): JweContentAlgorithm | undefined {
  if (enc === undefined || isJweContentAlgorithm(enc)) return enc;
  if (typeof enc !== 'string') throw new TesseraArgumentError('"enc" must be a string');
  throw new UnsupportedAlgorithmError(
    `enc "${enc}" is not supported; use one of ${JWE_CONTENT_ALGORITHMS.join(', ')}`,
  );
}

function secretBytes(key: JoseKey): number | undefined {
  if (key instanceof Uint8Array) return key.byteLength;
  const length = (key.algorithm as { length?: unknown }).length;
  return typeof length === 'number' ? length >> 3 : undefined;
}

/** Public halves derived from private encryption keys, imported once per key. */
const publicHalves = new WeakMap<TesseraKey, Promise<CryptoKey>>();

function publicHalf(key: TesseraKey, alg: JweKeyAlgorithm, name: string): Promise<CryptoKey> {
  let half = publicHalves.get(key);
  if (half === undefined) {
    const jwk = key.publicJwk;
    if (jwk === undefined) {
      throw new InvalidKeyError(
        `"${name}" is a private ${alg} key without its public part; pass the recipient's public key${describe(key)}`,
      );
    }
    half = (importJWK(jwk, alg) as Promise<CryptoKey>).catch((cause: unknown) => {
      publicHalves.delete(key);
      throw new InvalidKeyError(`"${name}" has a public JWK that cannot be imported for ${alg}${describe(key)}`,
        { cause });
    });
    publicHalves.set(key, half);
  }
  return half;
}

/**
 * Checks that `key` can encrypt and resolves `enc`: `dir` takes a secret sized exactly for `enc` (default: the
 * key's own `enc`), AES key wrapping (`A*KW`, `A*GCMKW`) a secret of exactly its size, the other algorithms a public
 * key (or a private key whose public JWK is known); `enc` defaults to A256GCM for all but `dir`.
 */
export function encryptionTarget(key: unknown, encOption: unknown, name: string): EncryptionTarget {
  assertKeyShape(key, name);
  assertNotVerifyOnly(key, name);
  const { alg, use, type } = key;
  if (use !== 'enc' || !isJweKeyAlgorithm(alg)) {
    throw new InvalidKeyError(
      `"${name}" must be an encryption key (use "enc" with a JWE alg); got alg "${alg}", use "${use}"${describe(key)}`,
    );
  }
  const requested = contentAlgorithm(encOption);
  if (alg === 'dir') {
    if (type !== 'secret') {
      throw new InvalidKeyError(`"${name}" for dir must be a secret key; got a ${type} key${describe(key)}`);
    }
    const enc = requested ?? key.enc ?? 'A256GCM';
    const expected = CONTENT_KEY_BYTES[enc];
    const actual = secretBytes(key.key) ?? (key.enc === undefined ? undefined : CONTENT_KEY_BYTES[key.enc]);
    if (actual !== expected || (key.enc !== undefined && key.enc !== enc)) {
      const sizedFor = key.enc === undefined || key.enc === enc ? '' : ` (the key is for ${key.enc})`;
      throw new InvalidKeyError(
        `"${name}": expected ${expected} bytes for ${enc}, got ${actual ?? 'a key of unknown size'}${sizedFor}${describe(key)}`,
      );
    }
    return { alg, enc, key: key.key };
  }
  const enc = requested ?? 'A256GCM';
  if (isKeyWrapAlgorithm(alg)) {
    if (type !== 'secret') {
      throw new InvalidKeyError(`"${name}" for ${alg} must be a secret key; got a ${type} key${describe(key)}`);
    }
    const expected = KEY_WRAP_BYTES[alg];
    const actual = secretBytes(key.key);
    if (actual !== expected) {
      throw new InvalidKeyError(`"${name}": expected ${expected} bytes for ${alg}, got ${actual ?? 'a key of unknown size'}${describe(key)}`);
    }
    return { alg, enc, key: key.key };
  }
  if (type === 'secret') {
    throw new InvalidKeyError(`"${name}" for ${alg} must be a public key; got a secret key${describe(key)}`);
  }
  return { alg, enc, key: type === 'public' ? key.key : publicHalf(key, alg, name) };
}

/** Turns an error jose raised while using a key we accepted into `invalid_key`, keeping the original as `cause`. */
export function keyFailure(err: unknown, message: string): TesseraError {
  if (err instanceof TesseraError) return err;
  const detail = err instanceof Error && err.message.length > 0 ? `: ${err.message}` : '';
  return new InvalidKeyError(`${message}${detail}`, { cause: err });
}
