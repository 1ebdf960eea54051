/**
 * Stable error codes of `@tessera/core`. Code is the contract: messages may be reworded, codes never change meaning.
 *
 * | code | status | when |
 * | --- | --- | --- |
 * | `token_malformed` | 401 | not a compact JWS/JWE, bad base64url, bad JSON, duplicate header members |
 * | `token_too_large` | 401 | token longer than `maxTokenSize`, or a `zip: DEF` plaintext inflating past `maxInflatedSize` |
 * | `alg_not_allowed` | 401 | header `alg`/`enc`/`zip` outside the policy's allowlist (always for `none`) |
 * | `header_invalid` | 401 | wrong `typ`/`cty`, unknown `crit`, forbidden header member |
 * | `key_not_found` | 401 | no configured key matches the token's `kid`/`alg` |
 * | `signature_invalid` | 401 | signature or MAC does not verify |
 * | `decryption_failed` | 401 | JWE cannot be decrypted (wrong key, tampered ciphertext/tag/iv/aad) |
 * | `token_expired` | 401 | `exp` is in the past (beyond clock tolerance) |
 * | `token_not_yet_valid` | 401 | `nbf` or `iat` is in the future (beyond clock tolerance) |
 * | `claim_invalid` | 401 | a claim has the wrong value or type (`iss`, `aud`, `sub`, max age, …); `claim` names it |
 * | `claim_missing` | 401 | a required claim is absent; `claim` names it |
 * | `wrong_token_subject` | 401 | the expected subject does not match (the jwt_encrypt module's `wrong_token_subject`) |
 * | `invalid_key` | 500 | a key cannot be used: wrong size, wrong type, weak, malformed PEM/JWK |
 * | `unsupported_algorithm` | 500 | an operation was asked for an algorithm Tessera does not support |
 * | `jwks_unavailable` | 503 | a remote JWKS could not be fetched or parsed |
 * | `store_unavailable` | 503 | a TokenStore backend did not answer |
 * | `refresh_token_reused` | 401 | a rotated refresh token was presented again; its family is revoked |
 * | `refresh_token_invalid` | 401 | unknown, expired or revoked refresh token |
 * | `invalid_argument` | 500 | a programming error: an option or argument of the wrong type |
 */
export type TesseraErrorCode =
  | 'token_malformed'
  | 'token_too_large'
  | 'alg_not_allowed'
  | 'header_invalid'
  | 'key_not_found'
  | 'signature_invalid'
  | 'decryption_failed'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'claim_invalid'
  | 'claim_missing'
  | 'wrong_token_subject'
  | 'invalid_key'
  | 'unsupported_algorithm'
  | 'jwks_unavailable'
  | 'store_unavailable'
  | 'refresh_token_reused'
  | 'refresh_token_invalid'
  | 'invalid_argument';

/** Options accepted by every {@link TesseraError} constructor. */
export interface TesseraErrorOptions {
  /** The underlying error (kept for logs; never shown to clients). */
  cause?: unknown;
  /**
   * The HTTP status, for codes that other packages define (`@tessera/verifier`'s `insufficient_scope` → 403, …). Core's
   * own codes always get the status of the table above.
   */
  status?: number;
}

const STATUS: Record<TesseraErrorCode, number> = {
  token_malformed: 401,
  token_too_large: 401,
  alg_not_allowed: 401,
  header_invalid: 401,
  key_not_found: 401,
  signature_invalid: 401,
  decryption_failed: 401,
  token_expired: 401,
  token_not_yet_valid: 401,
  claim_invalid: 401,
  claim_missing: 401,
  wrong_token_subject: 401,
  invalid_key: 500,
  unsupported_algorithm: 500,
  jwks_unavailable: 503,
  store_unavailable: 503,
  refresh_token_reused: 401,
  refresh_token_invalid: 401,
  invalid_argument: 500,
};

/**
 * Base class of every error Tessera throws on purpose.
 *
 * `message` is safe to log and, when `expose` is true, to show to a client: it never contains key material or a
 * whole token. The original error, if any, is kept in `cause`.
 *
 * @example
 * ```ts
 * try { await verifier.verify(token) } catch (err) {
 *   if (err instanceof TesseraError && err.code === 'token_expired') { ... }
 * }
 * ```
 */
export class TesseraError<Code extends string = TesseraErrorCode> extends Error {
  /** Stable, machine-readable error code. */
  readonly code: Code;
  /** The HTTP status an API should answer with. */
  readonly status: number;
  /** Whether `message` may be shown to the caller (true for 4xx, false for 5xx). */
  readonly expose: boolean;

  constructor(code: Code, message: string, options?: TesseraErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = (STATUS as Record<string, number>)[code] ?? options?.status ?? 500;
    this.expose = this.status < 500;
  }
}

/** The token cannot be parsed: not compact serialization, bad base64url, bad JSON, duplicate members, too large. */
export class TokenFormatError extends TesseraError {
  constructor(
    message: string,
    code: 'token_malformed' | 'token_too_large' = 'token_malformed',
    options?: TesseraErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** A header parameter breaks the policy: algorithm not allowed, wrong `typ`/`cty`, unknown `crit`. */
export class TokenHeaderError extends TesseraError {
  /** The header parameter at fault (`alg`, `enc`, `zip`, `typ`, `cty`, `crit`, …). */
  readonly header: string;
  constructor(
    header: string,
    message: string,
    code: 'alg_not_allowed' | 'header_invalid' = 'header_invalid',
    options?: TesseraErrorOptions,
  ) {
    super(code, message, options);
    this.header = header;
  }
}

/** No configured key can check this token (`kid` unknown, or no key for its `alg`). */
export class KeyNotFoundError extends TesseraError {
  constructor(message = 'no key matches the token', options?: TesseraErrorOptions) {
    super('key_not_found', message, options);
  }
}

/** The signature or MAC does not verify. */
export class SignatureError extends TesseraError {
  constructor(message = 'signature verification failed', options?: TesseraErrorOptions) {
    super('signature_invalid', message, options);
  }
}

/** The JWE cannot be decrypted with the configured keys. */
export class DecryptionError extends TesseraError {
  constructor(message = 'decryption failed', options?: TesseraErrorOptions) {
    super('decryption_failed', message, options);
  }
}

/** A time-based claim fails: `exp` passed, or `nbf`/`iat` in the future. */
export class TokenTimeError extends TesseraError {
  /** The claim at fault: `exp`, `nbf` or `iat`. */
  readonly claim: 'exp' | 'nbf' | 'iat';
  constructor(
    claim: 'exp' | 'nbf' | 'iat',
    message: string,
    code: 'token_expired' | 'token_not_yet_valid',
    options?: TesseraErrorOptions,
  ) {
    super(code, message, options);
    this.claim = claim;
  }
}

/** A claim is missing, has the wrong type, or the wrong value. */
export class ClaimError extends TesseraError {
  /** The claim at fault (`iss`, `aud`, `sub`, `iat`, or a custom claim name). */
  readonly claim: string;
  constructor(
    claim: string,
    message: string,
    code: 'claim_invalid' | 'claim_missing' | 'wrong_token_subject' = 'claim_invalid',
    options?: TesseraErrorOptions,
  ) {
    super(code, message, options);
    this.claim = claim;
  }
}

/** A key cannot be used: malformed, wrong size for its algorithm, wrong type, too weak. */
export class InvalidKeyError extends TesseraError {
  constructor(message: string, options?: TesseraErrorOptions) {
    super('invalid_key', message, options);
  }
}

/** An operation was asked for an algorithm Tessera does not support. */
export class UnsupportedAlgorithmError extends TesseraError {
  constructor(message: string, options?: TesseraErrorOptions) {
    super('unsupported_algorithm', message, options);
  }
}

/** A remote dependency (JWKS endpoint, token store) did not answer; callers must fail closed (503). */
export class UnavailableError extends TesseraError {
  constructor(
    code: 'jwks_unavailable' | 'store_unavailable',
    message: string,
    options?: TesseraErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** A refresh token cannot be rotated: unknown, expired, revoked, or reused (which revokes its family). */
export class RefreshTokenError extends TesseraError {
  constructor(
    code: 'refresh_token_reused' | 'refresh_token_invalid',
    message: string,
    options?: TesseraErrorOptions,
  ) {
    super(code, message, options);
  }
}

/**
 * A programming error: an argument or option has the wrong type or value. Thrown at construction time where possible.
 * Extends `TypeError` (as oauth4webapi's argument errors do) and carries `code: 'invalid_argument'`.
 */
export class TesseraArgumentError extends TypeError {
  readonly code = 'invalid_argument' as const;
  readonly status = 500;
  readonly expose = false;
  constructor(message: string, options?: TesseraErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/**
 * True when `err` is a {@link TesseraError} (of any Tessera package), optionally with the given code.
 * @param err - anything caught
 * @param code - the code to match; any code when absent
 */
export function isTesseraError<Code extends string = string>(err: unknown, code?: Code): err is TesseraError<Code> {
  return err instanceof TesseraError && (code === undefined || err.code === code);
}
