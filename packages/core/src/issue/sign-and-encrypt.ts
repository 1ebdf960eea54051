import type { JweContentAlgorithm } from '../algorithms.js';
import { TesseraArgumentError } from '../errors.js';
import type { JwtClaims, TesseraKey } from '../types.js';
import { zipOption } from './internal/jose-ops.js';
import { encryptionTarget } from './internal/keys.js';
import { encryptSigned, requiredKey } from './internal/nest.js';
import { optionsObject, signClaims } from './internal/sign-claims.js';
import type { SignJwtOptions } from './sign-jwt.js';

/** Options of {@link signAndEncrypt}: the inner JWS's options plus both keys and the outer JWE's `enc`/`zip`. */
export interface SignAndEncryptOptions extends SignJwtOptions {
  /** Signs the inner JWS (`secret` HS* or `private` key, use `sig`); its `kid` goes in the inner header. */
  signingKey: TesseraKey;
  /** Encrypts the outer JWE (`dir` secret or the recipient's public key, use `enc`); its `kid` goes in the outer header. */
  encryptionKey: TesseraKey;
  /**
   * Content encryption of the outer JWE.
   * @default encryptionKey.enc for `dir` keys, otherwise 'A256GCM'
   */
  enc?: JweContentAlgorithm;
  /** `'DEF'` to DEFLATE the inner JWS before encrypting (see `EncryptJweOptions.zip` for the caveat). */
  zip?: 'DEF';
}

/**
 * Issues a nested JWT: the claims signed as a JWS (`typ` from the options, default `JWT`, with the signing key's
 * `kid`), then encrypted as a JWE with `cty: 'JWT'` and the encryption key's `kid` — the Go issuer's format
 * (ES256 inside ECDH-ES+A256KW/A256GCM or RSA-OAEP-256/A256GCM).
 *
 * @param claims The claims of the inner JWT.
 * @param options Both keys, the outer `enc`/`zip`, and every {@link SignJwtOptions} for the inner JWS.
 * @returns The compact JWE whose plaintext is the compact JWS.
 * @throws {InvalidKeyError} `invalid_key` when a key is of the wrong kind or size (see `signJwt`, `encryptJwe`).
 * @throws {UnsupportedAlgorithmError} `unsupported_algorithm` for an `enc` or `zip` Tessera does not support.
 * @throws {TesseraArgumentError} `invalid_argument` for a missing key, a bad claim or option, or a missing `exp`.
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.1 RFC 7519 §7.1 (nested JWT) and §5.2 (`cty`)
 * @example
 * ```ts
 * const token = await signAndEncrypt({ scope: ['read'] }, {
 *   signingKey: es256Key, encryptionKey: ecdhKey, subject: 'u123', expiresIn: '10m',
 * })
 * ```
 */
export async function signAndEncrypt(claims: JwtClaims, options: SignAndEncryptOptions): Promise<string> {
  if (options === undefined) throw new TesseraArgumentError('"options" is required (signingKey, encryptionKey)');
  const opts = optionsObject(options, 'options');
  const signingKey = requiredKey(opts.signingKey, 'signingKey', 'to sign the inner JWT');
  const encryptionKey = requiredKey(opts.encryptionKey, 'encryptionKey', 'to encrypt the JWT');
  // Check the outer key and options before doing any signing work.
  const target = encryptionTarget(encryptionKey, opts.enc, 'encryptionKey');
  const zip = zipOption(opts.zip);
  const signed = await signClaims(claims, signingKey, opts, 'signingKey');
  return encryptSigned(signed, target, zip, encryptionKey);
}
