import {
  isJweContentAlgorithm,
  isKeyWrapAlgorithm,
  JWE_CONTENT_ALGORITHMS,
  type JweContentAlgorithm,
  type KeyWrapAlgorithm,
} from '../algorithms.js';
import { InvalidKeyError, TesseraArgumentError } from '../errors.js';
import type { TesseraKey } from '../types.js';
import { decodeBase64, decodeBase64Url, decodeHex } from './encoding.js';
import { createSecretKey } from './secret-key.js';
import { checkAlg, checkKidOption, type HmacAlgorithm, isHmacAlgorithm, refuseAsymmetricKeyText } from './validate-key.js';

/** How a secret string is turned into key bytes. */
export type SecretEncoding = 'base64' | 'base64url' | 'hex' | 'utf8';

/** Options of {@link importSecret}. */
export interface ImportSecretOptions {
  /**
   * The algorithm the key is bound to: an HMAC JWS algorithm, `dir` for direct JWE encryption, or a JWE key-wrapping
   * algorithm (`A128KW`/`A192KW`/`A256KW`, `A128GCMKW`/`A192GCMKW`/`A256GCMKW`: 16, 24 or 32 bytes exactly).
   */
  alg: HmacAlgorithm | 'dir' | KeyWrapAlgorithm;
  /** For `dir`: the content encryption the key is sized for (required). */
  enc?: JweContentAlgorithm;
  /**
   * How a string secret is decoded. Not allowed with a `Uint8Array` secret (its bytes are the key).
   * @default 'base64' for `dir` and key-wrapping keys (the JWE service prints base64 keys); 'utf8' for HS*
   * (python-jose and PyJWT use the UTF-8 bytes of a secret string)
   */
  encoding?: SecretEncoding;
  /** Key id to select the key by. @default undefined (no thumbprint: it would publish a hash of the secret) */
  kid?: string;
  /**
   * Compatibility setting: accept an HMAC secret shorter than the hash (python-jose and PyJWT sign with any length;
   * RFC 7518 §3.2 forbids it). Such a key is marked `verifyOnly: 'allowShortKey'`: it verifies that peer's tokens,
   * and signing with it is refused. HS* only; an empty secret is still refused, and a full-size secret imports as an
   * ordinary key.
   * @default false
   * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.2
   */
  allowShortKey?: boolean;
}

const ENCODINGS: ReadonlySet<string> = new Set(['base64', 'base64url', 'hex', 'utf8']);

function decodeSecret(text: string, encoding: SecretEncoding): Uint8Array {
  switch (encoding) {
    case 'base64':
      return decodeBase64(text, 'secret');
    case 'base64url':
      return decodeBase64Url(text, 'secret');
    case 'hex':
      return decodeHex(text, 'secret');
    case 'utf8':
      return new TextEncoder().encode(text);
  }
}

/**
 * Imports a shared secret for HMAC signing (HS256/384/512), direct JWE encryption (`dir`) or JWE key wrapping
 * (`A128KW`…`A256KW`, `A128GCMKW`…`A256GCMKW`), with the exact size rules of the JWE service it replaces.
 *
 * Strings are decoded strictly (no stray characters, exact padding, canonical trailing bits; hex of even length).
 * A `dir` key must be exactly the size its `enc` needs, a key-wrapping key exactly 16/24/32 bytes for 128/192/256
 * ("expected 16 bytes for A128KW, got 32"); an HMAC key at least the hash size (unless `allowShortKey`).
 * Text that is an asymmetric key (PEM armour anywhere, or a JSON object with "kty") is refused: an HMAC secret made of
 * a public key is how algorithm-confusion forgeries work.
 *
 * @param secret - the key as text (decoded per `options.encoding`) or raw bytes (copied)
 * @param options - algorithm binding and decoding; see {@link ImportSecretOptions}
 * @returns a frozen secret key with `use` `sig` (HS*) or `enc` (dir, A*KW, A*GCMKW)
 * @throws {InvalidKeyError} `invalid_key`: "key is empty", "expected 32 bytes for A256GCM, got 31", "expected at
 * least 32 bytes for HS256, got 16", bad base64/hex, or PEM/JWK text
 * @throws {TesseraArgumentError} `invalid_argument`: an asymmetric `alg`, unknown `enc`/`encoding`, `enc` missing for
 * dir, `allowShortKey` with anything but HS*
 * @throws {UnsupportedAlgorithmError} `unsupported_algorithm`: an `alg` Tessera does not support
 * @see RFC 7518 §3.2 (HMAC key size), §4.4 and §4.7 (key-wrapping key sizes) and §5 (content-encryption key sizes)
 * @example
 * ```ts
 * const jweKey = await importSecret(process.env.JWE_ENCRYPTION_KEY!, { alg: 'dir', enc: 'A256GCM' });
 * const hmacKey = await importSecret('a-utf8-secret-of-at-least-32-bytes!!', { alg: 'HS256' });
 * const kek = await importSecret(process.env.JWE_WRAP_KEY!, { alg: 'A256KW' }); // 32 bytes, base64
 * // A legacy peer's 14-byte HS512 secret: verifies its tokens, can never sign.
 * const legacy = await importSecret('api-secret-key', { alg: 'HS512', allowShortKey: true });
 * ```
 */
export async function importSecret(secret: string | Uint8Array, options: ImportSecretOptions): Promise<TesseraKey> {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('options.alg is required');
  const { enc, encoding } = options;
  const alg = checkAlg(options.alg);
  if (!isHmacAlgorithm(alg) && alg !== 'dir' && !isKeyWrapAlgorithm(alg)) {
    throw new TesseraArgumentError(
      `importSecret takes HS256, HS384, HS512, dir, A128KW…A256KW or A128GCMKW…A256GCMKW, not ${alg}; import asymmetric keys with importPem or importJwk`,
    );
  }
  if (alg === 'dir') {
    if (enc === undefined) throw new TesseraArgumentError('options.enc is required for a "dir" key (the content encryption it is sized for)');
    if (!isJweContentAlgorithm(enc)) throw new TesseraArgumentError(`options.enc must be one of ${JWE_CONTENT_ALGORITHMS.join(', ')}`);
  } else if (enc !== undefined) {
    throw new TesseraArgumentError('options.enc applies to alg "dir" only');
  }
  if (encoding !== undefined && !ENCODINGS.has(encoding)) {
    throw new TesseraArgumentError('options.encoding must be "base64", "base64url", "hex" or "utf8"');
  }
  const kid = checkKidOption(options.kid);
  const allowShortKey = options.allowShortKey ?? false;
  if (typeof allowShortKey !== 'boolean') throw new TesseraArgumentError('options.allowShortKey must be a boolean');
  if (allowShortKey && !isHmacAlgorithm(alg)) {
    throw new TesseraArgumentError(`options.allowShortKey applies to HS256, HS384 and HS512 only; a ${alg} key must be exactly its size`);
  }

  if (secret === undefined || secret === null || secret === '') throw new InvalidKeyError('key is empty');
  let bytes: Uint8Array;
  if (typeof secret === 'string') {
    // Check the text itself first: a PEM's "-----" would otherwise surface as a confusing decoding error.
    refuseAsymmetricKeyText(new TextEncoder().encode(secret), alg);
    bytes = decodeSecret(secret, encoding ?? (isHmacAlgorithm(alg) ? 'utf8' : 'base64'));
  } else if (secret instanceof Uint8Array) {
    if (encoding !== undefined) {
      throw new TesseraArgumentError('options.encoding applies to string secrets only; pass the text, not its bytes');
    }
    bytes = secret;
  } else {
    throw new TesseraArgumentError('secret must be a string or a Uint8Array');
  }
  return createSecretKey(bytes, alg, alg === 'dir' ? enc : undefined, kid, allowShortKey);
}
