import type { JwtClaims, TesseraKey } from '../types.js';
import { optionsObject, signClaims } from './internal/sign-claims.js';

/** Options of {@link signJwt} (also accepted by `signAndEncrypt`, which applies them to the inner JWS). */
export interface SignJwtOptions {
  /**
   * The JWS `typ` header. Use `'at+jwt'` for OAuth 2.0 access tokens.
   * @default 'JWT'
   * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.1 RFC 9068 §2.1
   */
  typ?: string;
  /**
   * The JWS `kid` header; left out when neither this nor the key has one.
   * @default key.kid
   */
  kid?: string;
  /** The `iss` claim. Refused if `claims.iss` holds a different value. */
  issuer?: string;
  /** The `sub` claim. Refused if `claims.sub` holds a different value. */
  subject?: string;
  /** The `aud` claim. Refused if `claims.aud` holds a different value. */
  audience?: string | string[];
  /**
   * Lifetime: whole seconds (`900`) or a duration string (`'15m'`, `'2h'`, `'7d'`); `exp` = now + this. Refused
   * together with `claims.exp`.
   */
  expiresIn?: number | string;
  /**
   * The `nbf` claim: a NumericDate (seconds since the epoch) or a `Date`, or a duration string (`'5m'`) counted from
   * now.
   */
  notBefore?: number | string | Date;
  /**
   * The `iat` claim: a NumericDate or a `Date`.
   * @default now
   */
  issuedAt?: number | Date;
  /**
   * The `jti` claim: a string, or `true` for a random 128-bit base64url id. `false` or absent writes only
   * `claims.jti`, if any.
   */
  jti?: string | boolean;
  /**
   * The clock, in milliseconds since the epoch (for tests).
   * @default Date.now
   */
  now?: () => number;
  /**
   * Allow a token without `exp`. Tokens that never expire cannot be taken back short of rotating the key, so this
   * must be asked for explicitly.
   * @default false
   */
  allowNoExpiry?: boolean;
}

/**
 * Signs a JWT (compact JWS) with an HS*, RS*, PS*, ES* or EdDSA key, writing registered claims as integer
 * NumericDates and refusing a token without `exp` unless `allowNoExpiry` is set.
 *
 * @param claims The claims; registered claims must have their RFC 7519 types.
 * @param key A `secret` key (HS*) or a `private` key, with use `sig`; its `alg` is the JWS `alg`.
 * @param options Header and claim options.
 * @returns The compact JWS `header.payload.signature`.
 * @throws {InvalidKeyError} `invalid_key` when the key is not a signing key of the right type, or jose rejects it.
 * @throws {TesseraArgumentError} `invalid_argument` for a bad claim or option, a claim that contradicts an option,
 *   or a missing `exp`.
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.1 RFC 7519 §7.1
 * @example
 * ```ts
 * const token = await signJwt({ scope: 'read' }, key, { subject: 'u123', expiresIn: '15m', typ: 'at+jwt' })
 * ```
 */
export async function signJwt(claims: JwtClaims, key: TesseraKey, options?: SignJwtOptions): Promise<string> {
  return (await signClaims(claims, key, optionsObject(options, 'options'), 'key')).token;
}
