import {
  CONTENT_KEY_BYTES,
  HMAC_MIN_KEY_BYTES,
  KEY_WRAP_BYTES,
  isJweContentAlgorithm,
  isKeyWrapAlgorithm,
  type JweContentAlgorithm,
  type KeyWrapAlgorithm,
} from '../algorithms.js';
import { TesseraArgumentError } from '../errors.js';
import { encodeBase64, encodeBase64Url, encodeHex } from './encoding.js';
import { type HmacAlgorithm, isHmacAlgorithm, quote } from './validate-key.js';

/** Options of {@link generateSecret}. */
export interface GenerateSecretOptions {
  /** Text encoding of the key. @default 'base64' (what the JWE service's `/generate-jwe-key` returns) */
  format?: 'base64' | 'base64url' | 'hex';
}

/**
 * Generates a random shared secret of exactly the size an algorithm needs — the JWE service's key generator.
 *
 * Sizes: a `dir` key for each `enc` (A128GCM 16 bytes … A256CBC-HS512 64 bytes), a key-wrapping key (A128KW and
 * A128GCMKW 16, A192* 24, A256* 32 bytes), or the minimum HMAC key size (HS256 32, HS384 48, HS512 64 bytes).
 * Randomness comes from `crypto.getRandomValues`.
 *
 * @param alg - the content encryption (for a `dir` key), key-wrapping or HMAC algorithm the key is for
 * @param options - see {@link GenerateSecretOptions}
 * @returns the key as text, ready for an environment variable and for {@link importSecret} with the same format
 * @throws {TesseraArgumentError} `invalid_argument`: unknown `alg` or `format`
 * @see RFC 7518 §5.2.2.1, §5.3 (content key sizes), §4.4, §4.7 (key-wrapping key sizes) and §3.2 (HMAC key size)
 * @default alg 'A256GCM'
 * @example
 * ```ts
 * const key = generateSecret(); // 32 random bytes, base64 (A256GCM)
 * const dirKey = await importSecret(key, { alg: 'dir', enc: 'A256GCM' });
 * const hmacHex = generateSecret('HS512', { format: 'hex' });
 * const kek = await importSecret(generateSecret('A256KW'), { alg: 'A256KW' });
 * ```
 */
export function generateSecret(alg: JweContentAlgorithm | HmacAlgorithm | KeyWrapAlgorithm = 'A256GCM',
  options: GenerateSecretOptions = {}): string {
  let size: number;
  if (isJweContentAlgorithm(alg)) size = CONTENT_KEY_BYTES[alg];
  else if (isHmacAlgorithm(alg)) size = HMAC_MIN_KEY_BYTES[alg];
  else if (isKeyWrapAlgorithm(alg)) size = KEY_WRAP_BYTES[alg];
  else throw new TesseraArgumentError(`generateSecret takes a JWE "enc", A128KW…A256GCMKW or HS256/HS384/HS512, not ${quote(alg)}`);
  const encode = ENCODERS.get(options?.format ?? 'base64');
  if (encode === undefined) throw new TesseraArgumentError('options.format must be "base64", "base64url" or "hex"');
  return encode(globalThis.crypto.getRandomValues(new Uint8Array(size)));
}

const ENCODERS: ReadonlyMap<string, (bytes: Uint8Array) => string> = new Map([
  ['base64', encodeBase64],
  ['base64url', encodeBase64Url],
  ['hex', encodeHex],
]);
