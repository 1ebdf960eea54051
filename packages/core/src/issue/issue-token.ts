import type { JweContentAlgorithm } from '../algorithms.js';
import { InvalidKeyError, TesseraArgumentError } from '../errors.js';
import type { JwtClaims, TesseraKey } from '../types.js';
import { buildClaims } from './internal/build-claims.js';
import { toJson, utf8 } from './internal/encode.js';
import { encryptCompact, headerOption, zipOption } from './internal/jose-ops.js';
import { assertKeyShape, encryptionTarget } from './internal/keys.js';
import { encryptSigned, requiredKey } from './internal/nest.js';
import { optionsObject, signClaims } from './internal/sign-claims.js';
import type { SignJwtOptions } from './sign-jwt.js';

/**
 * How {@link issueToken} packages the claims: `jwt` a signed JWT, `jwe` a signed JWT encrypted to a key (nested,
 * `cty: 'JWT'`), `jwe-dir` a JWE under a shared `dir` secret (the JWE service's format).
 */
export type IssuedTokenFormat = 'jwt' | 'jwe' | 'jwe-dir';

const FORMATS: ReadonlySet<string> = new Set<IssuedTokenFormat>(['jwt', 'jwe', 'jwe-dir']);

/** Options of {@link issueToken} shared by every format. */
export interface IssueTokenBaseOptions {
  /** The token format. */
  format: IssuedTokenFormat;
  /** The `sub` claim (required: every issued token names its subject). */
  subject: string;
  /** Further claims; registered ones must not contradict the options. */
  claims?: JwtClaims;
  /** Signs the JWT: required for `jwt` and `jwe`; optional for `jwe-dir` (the JWE service signs with HS256). */
  signingKey?: TesseraKey;
  /** Encrypts the token: required for `jwe` (asymmetric or `dir`) and `jwe-dir` (a `dir` secret). */
  encryptionKey?: TesseraKey;
  /** The `iss` claim. */
  issuer?: string;
  /** The `aud` claim. */
  audience?: string | string[];
  /**
   * The JWS `typ` (`'at+jwt'` for RFC 9068 access tokens). For `jwe-dir` without a signing key it is the JWE's
   * `typ`, and left out unless given.
   * @default 'JWT'
   */
  typ?: string;
  /**
   * The `jti` claim: a string, `true` for a random 128-bit id, `false` for none.
   * @default true (unless `claims.jti` is set)
   */
  jti?: string | boolean;
  /** The `nbf` claim (see {@link SignJwtOptions.notBefore}). */
  notBefore?: number | string | Date;
  /**
   * Content encryption of `jwe`/`jwe-dir` tokens.
   * @default encryptionKey.enc for `dir` keys, otherwise 'A256GCM'
   */
  enc?: JweContentAlgorithm;
  /** `'DEF'` to DEFLATE before encrypting (`jwe`/`jwe-dir` only). */
  zip?: 'DEF';
  /**
   * The clock, in milliseconds since the epoch (for tests).
   * @default Date.now
   */
  now?: () => number;
}

/** Options of {@link issueToken}: a lifetime (`expiresIn`) is required unless `noExpiry: true` asks for none. */
export type IssueTokenOptions = IssueTokenBaseOptions & (
  | { /** Lifetime: seconds or `'15m'`/`'2h'`/`'7d'`. */ expiresIn: number | string; noExpiry?: false }
  | { /** Issue a token that never expires (discouraged; see `allowNoExpiry`). */ noExpiry: true; expiresIn?: undefined }
);

/** What {@link issueToken} returns. */
export interface IssuedToken {
  /** The compact token. */
  token: string;
  /** Its format. */
  format: IssuedTokenFormat;
  /** The exact claims written into the token, including `exp`, `iat` and `jti`. */
  claims: JwtClaims;
  /** When it expires (from `exp`); absent for `noExpiry` tokens. */
  expiresAt?: Date;
}

function unused(opts: Partial<IssueTokenOptions>, format: string, names: readonly (keyof IssueTokenOptions)[]): void {
  for (const name of names) {
    if (opts[name] !== undefined) throw new TesseraArgumentError(`"${name}" is not used with format "${format}"`);
  }
}

function lifetime(opts: Partial<IssueTokenOptions>): Pick<SignJwtOptions, 'expiresIn' | 'allowNoExpiry'> {
  if (opts.noExpiry !== undefined && typeof opts.noExpiry !== 'boolean') {
    throw new TesseraArgumentError('"noExpiry" must be a boolean');
  }
  if (opts.noExpiry === true) {
    if (opts.expiresIn !== undefined) throw new TesseraArgumentError('"expiresIn" and "noExpiry" exclude each other');
    return { allowNoExpiry: true };
  }
  if (opts.expiresIn === undefined) throw new TesseraArgumentError('"expiresIn" is required (or noExpiry: true)');
  return { expiresIn: opts.expiresIn };
}

/**
 * Issues a token in one of the formats Tessera writes — `jwt`, `jwe` (nested JWS in JWE) or `jwe-dir` — with a
 * required subject and lifetime and a random `jti`, and returns it with the exact claims written.
 *
 * @param options Format, keys, subject, lifetime and claims.
 * @returns The token, its format, its claims and its expiry.
 * @throws {TesseraArgumentError} `invalid_argument` for a missing key (naming the option), subject or lifetime, or
 *   an option the format does not use.
 * @throws {InvalidKeyError} `invalid_key` for a key of the wrong kind for its role or format.
 * @throws {UnsupportedAlgorithmError} `unsupported_algorithm` for an `enc` or `zip` Tessera does not support.
 * @see https://www.rfc-editor.org/rfc/rfc9068 RFC 9068 (JWT access tokens)
 * @example
 * ```ts
 * const { token, expiresAt } = await issueToken({
 *   format: 'jwt', signingKey, subject: 'u123', expiresIn: '15m', typ: 'at+jwt', claims: { scope: 'read' },
 * })
 * ```
 */
export async function issueToken(options: IssueTokenOptions): Promise<IssuedToken> {
  if (options === undefined) throw new TesseraArgumentError('"options" is required');
  const opts = optionsObject(options, 'options');
  const format = opts.format;
  if (typeof format !== 'string' || !FORMATS.has(format)) {
    throw new TesseraArgumentError('"format" must be "jwt", "jwe" or "jwe-dir"');
  }
  if (typeof opts.subject !== 'string' || opts.subject.length === 0) {
    throw new TesseraArgumentError('"subject" is required and must be a non-empty string');
  }
  const claims = opts.claims ?? {};
  const life = lifetime(opts);
  // Every member written out, no spread: V8 (Node 20) builds an object spread and then extended slowly, and the token
  // paid ≈ 20 µs for it here.
  const signOptions: SignJwtOptions = {
    expiresIn: life.expiresIn,
    allowNoExpiry: life.allowNoExpiry,
    subject: opts.subject,
    issuer: opts.issuer,
    audience: opts.audience,
    notBefore: opts.notBefore,
    jti: opts.jti ?? ((claims as { jti?: unknown }).jti === undefined ? true : undefined),
    now: opts.now,
    typ: opts.typ,
  };

  let token: string;
  let json: string;
  if (format === 'jwt') {
    unused(opts, format, ['encryptionKey', 'enc', 'zip']);
    const signingKey = requiredKey(opts.signingKey, 'signingKey', 'for format "jwt"');
    ({ token, json } = await signClaims(claims, signingKey, signOptions, 'signingKey'));
  } else {
    const encryptionKey = requiredKey(opts.encryptionKey, 'encryptionKey', `for format "${format}"`);
    assertKeyShape(encryptionKey, 'encryptionKey');
    if (format === 'jwe-dir' && encryptionKey.alg !== 'dir') {
      throw new InvalidKeyError(
        `"encryptionKey" for format "jwe-dir" must be a dir secret; got alg "${encryptionKey.alg}"`,
      );
    }
    const target = encryptionTarget(encryptionKey, opts.enc, 'encryptionKey');
    const zip = zipOption(opts.zip);
    if (format === 'jwe' || opts.signingKey !== undefined) {
      const signingKey = requiredKey(opts.signingKey, 'signingKey', 'for format "jwe"');
      const signed = await signClaims(claims, signingKey, signOptions, 'signingKey');
      json = signed.json;
      token = await encryptSigned(signed, target, zip, encryptionKey);
    } else {
      const typ = headerOption(opts.typ, 'typ');
      json = toJson(buildClaims(claims, signOptions), 'claims');
      token = await encryptCompact(utf8(json), target, zip, { typ, kid: encryptionKey.kid }, 'encryptionKey');
    }
  }

  // Parse what was written rather than reuse the built object, so `claims` is exactly the token's payload.
  const written = JSON.parse(json) as JwtClaims;
  const issued: IssuedToken = { token, format, claims: written };
  if (typeof written.exp === 'number') issued.expiresAt = new Date(written.exp * 1000);
  return issued;
}
