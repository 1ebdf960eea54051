import type { JweContentAlgorithm } from '../algorithms.js';
import { TesseraArgumentError } from '../errors.js';
import type { JwtClaims, TesseraKey } from '../types.js';
import { isPlainObject, toJson, utf8 } from './internal/encode.js';
import { encryptCompact, headerOption, zipOption } from './internal/jose-ops.js';
import { encryptionTarget } from './internal/keys.js';
import { optionsObject } from './internal/sign-claims.js';

/** Options of {@link encryptJwe}. */
export interface EncryptJweOptions {
  /**
   * Content encryption. For a `dir` key it must be the `enc` the key is sized for.
   * @default key.enc for `dir` keys, otherwise 'A256GCM'
   */
  enc?: JweContentAlgorithm;
  /**
   * `'DEF'` to DEFLATE the plaintext before encrypting. Compression can leak the plaintext's content through the
   * token's length when attacker-chosen and secret data are mixed; use it only for large, non-sensitive payloads.
   * @see https://www.rfc-editor.org/rfc/rfc7516#section-4.1.3 RFC 7516 §4.1.3
   */
  zip?: 'DEF';
  /** The `cty` header, e.g. `'JWT'` when the plaintext is itself a JWT (see `signAndEncrypt`). */
  cty?: string;
  /** The `typ` header. Left out by default. */
  typ?: string;
  /**
   * The `kid` header; left out when neither this nor the key has one.
   * @default key.kid
   */
  kid?: string;
}

function plaintextBytes(plaintext: unknown): Uint8Array {
  if (typeof plaintext === 'string') return utf8(plaintext);
  if (plaintext instanceof Uint8Array) return plaintext;
  if (isPlainObject(plaintext)) return utf8(toJson(plaintext, 'plaintext'));
  throw new TesseraArgumentError('"plaintext" must be a string, a Uint8Array or a plain object');
}

/**
 * Encrypts a string, bytes or a JSON object as a compact JWE, with the key's `alg` (`dir`, `RSA-OAEP`,
 * `RSA-OAEP-256`/`384`/`512`, `ECDH-ES`, `ECDH-ES+A128KW`/`A192KW`/`A256KW`, `A128KW`/`A192KW`/`A256KW`,
 * `A128GCMKW`/`A192GCMKW`/`A256GCMKW`) and `enc`; objects are JSON-encoded (the JWE service's "encrypt payload
 * directly").
 *
 * @param plaintext A string (UTF-8 encoded), bytes, or a plain object (JSON-encoded).
 * @param key A `dir` or key-wrapping secret, or the recipient's `public` key (a `private` key is accepted when its
 *   public JWK is known: the public half is derived once), with use `enc`.
 * @param options Content encryption, compression and header options.
 * @returns The compact JWE `header.encryptedKey.iv.ciphertext.tag` (`A*GCMKW` adds `iv` and `tag` to the header,
 *   `ECDH-ES*` adds `epk`).
 * @throws {InvalidKeyError} `invalid_key` when the key is not an encryption key of the right type, a `dir` key has
 *   the wrong size for `enc` (`expected 32 bytes for A256GCM, got 16`), or jose rejects the key.
 * @throws {UnsupportedAlgorithmError} `unsupported_algorithm` for an `enc` or `zip` Tessera does not support.
 * @throws {TesseraArgumentError} `invalid_argument` for a bad plaintext or option.
 * @see https://www.rfc-editor.org/rfc/rfc7516#section-5.1 RFC 7516 §5.1
 * @example
 * ```ts
 * const jwe = await encryptJwe({ user: 'john.doe', role: 'admin' }, dirKey, { zip: 'DEF' })
 * const wrapped = await encryptJwe('hello', await importSecret(generateSecret('A128KW'), { alg: 'A128KW' }))
 * ```
 */
export async function encryptJwe(plaintext: string | Uint8Array | JwtClaims, key: TesseraKey,
  options?: EncryptJweOptions): Promise<string> {
  const opts = optionsObject(options, 'options');
  const target = encryptionTarget(key, opts.enc, 'key');
  const zip = zipOption(opts.zip);
  const members = {
    typ: headerOption(opts.typ, 'typ'),
    cty: headerOption(opts.cty, 'cty'),
    kid: headerOption(opts.kid, 'kid') ?? key.kid,
  };
  return encryptCompact(plaintextBytes(plaintext), target, zip, members, 'key');
}
