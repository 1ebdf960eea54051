import { TesseraError, type TesseraErrorCode, type TesseraErrorOptions } from '@tessera/core';

/**
 * Stable error codes of `@tessera/verifier`, on top of core's verification codes (`token_expired`,
 * `signature_invalid`, …, which pass through unchanged). Code is the contract: messages may be reworded, codes never
 * change meaning.
 *
 * | code | status | RFC 6750 / 9449 `error` | when |
 * | --- | --- | --- | --- |
 * | `missing_token` | 401 | (none: a bare challenge) | no credentials and `credentialsRequired` |
 * | `invalid_request` | 400 | `invalid_request` | malformed `Authorization`, a token in two places, several DPoP proofs |
 * | `invalid_token` | 401 | `invalid_token` | unknown issuer, inactive/unknown token, the issuer said "not valid" |
 * | `token_revoked` | 401 | `invalid_token` | the token's `jti` is on the store's denylist |
 * | `session_ended` | 401 | `invalid_token` | session mode: the token's session is gone from the store |
 * | `dpop_required` | 401 | `invalid_token` | the route requires DPoP and the token came as `Bearer` |
 * | `dpop_binding_mismatch` | 401 | `invalid_token` | a DPoP-bound token sent as `Bearer`, an unbound token sent as `DPoP`, or `cnf.jkt` ≠ the proof key |
 * | `invalid_dpop_proof` | 401 | `invalid_dpop_proof` | the DPoP proof fails a check of RFC 9449 §4.3 (or was replayed) |
 * | `use_dpop_nonce` | 401 | `use_dpop_nonce` | the server requires a DPoP nonce; the answer carries `DPoP-Nonce` |
 * | `insufficient_scope` | 403 | `insufficient_scope` | `requireScopes` / `requireAnyScope` failed; `scope` names what is needed |
 * | `insufficient_claims` | 403 | (no challenge) | `requireClaims` failed |
 * | `rate_limited` | 429 | (no challenge) | the per-subject or per-client limit is reached; `Retry-After` |
 * | `issuer_unavailable` | 503 | (no challenge) | the introspection / verify-token upstream is down, slow, failing or answers garbage; `Retry-After` |
 *
 * Core codes keep their status: token problems 401 (`invalid_token` in the challenge), `jwks_unavailable` and
 * `store_unavailable` 503 with `Retry-After`.
 */
export type VerifierErrorCode =
  | 'missing_token'
  | 'invalid_request'
  | 'invalid_token'
  | 'token_revoked'
  | 'session_ended'
  | 'dpop_required'
  | 'dpop_binding_mismatch'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'insufficient_scope'
  | 'insufficient_claims'
  | 'rate_limited'
  | 'issuer_unavailable';

/** Every code an {@link AuthError} can carry: the verifier's own and core's. */
export type AuthErrorCode = VerifierErrorCode | TesseraErrorCode;

const STATUS: Record<VerifierErrorCode, number> = {
  missing_token: 401,
  invalid_request: 400,
  invalid_token: 401,
  token_revoked: 401,
  session_ended: 401,
  dpop_required: 401,
  dpop_binding_mismatch: 401,
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
  insufficient_scope: 403,
  insufficient_claims: 403,
  rate_limited: 429,
  issuer_unavailable: 503,
};

/** Options of the {@link AuthError} constructor. */
export interface AuthErrorOptions extends TesseraErrorOptions {
  /** Response headers the answer must carry (`WWW-Authenticate`, `Retry-After`, `DPoP-Nonce`). @default {} */
  headers?: Record<string, string>;
  /** For `insufficient_scope`: the scopes the resource needs (the challenge's `scope`). */
  scope?: readonly string[];
  /** For 429 and 503: seconds the client should wait (also sent as `Retry-After`). */
  retryAfter?: number;
}

/**
 * The error every request-authentication failure becomes: a {@link TesseraError} with a stable `code`, the HTTP
 * `status`, `expose` (4xx: the message may be shown) and the response `headers` the answer needs — exactly what Koa's
 * `ctx.onerror` and Express's final handler read, so both answer it correctly without a mapping. The original error
 * stays in `cause`; the message never contains the token or key material.
 *
 * @example
 * ```ts
 * try { await verifier.authenticate(req) } catch (err) {
 *   if (err instanceof AuthError) res.writeHead(err.status, err.headers).end(JSON.stringify(errorBody(err)))
 * }
 * ```
 */
export class AuthError<Code extends AuthErrorCode = AuthErrorCode> extends TesseraError<Code> {
  /** Response headers of the answer (`WWW-Authenticate`, `Retry-After`, `DPoP-Nonce`). Frozen. */
  readonly headers: Readonly<Record<string, string>>;
  /** For `insufficient_scope`: the scopes the resource needs. */
  readonly scope: readonly string[] | undefined;
  /** For 429 and 503: seconds to wait before retrying. */
  readonly retryAfter: number | undefined;

  /**
   * @param code - the stable code
   * @param message - safe to log and (4xx) to show; never a token or key
   * @param options - cause, headers, scope, retryAfter
   */
  constructor(code: Code, message: string, options: AuthErrorOptions = {}) {
    super(code, message, { ...options, status: (STATUS as Record<string, number>)[code] ?? options.status });
    const headers = { ...options.headers };
    if (options.retryAfter !== undefined && headers['Retry-After'] === undefined) {
      headers['Retry-After'] = String(Math.max(1, Math.ceil(options.retryAfter)));
    }
    this.headers = Object.freeze(headers);
    this.scope = options.scope === undefined ? undefined : Object.freeze([...options.scope]);
    this.retryAfter = options.retryAfter;
  }
}

/** The request itself is malformed (400 `invalid_request`): a bad `Authorization` header, a token in two places. */
export class InvalidRequestError extends AuthError<'invalid_request'> {
  constructor(message: string, options?: AuthErrorOptions) {
    super('invalid_request', message, options);
  }
}

/** The token is not acceptable (401): unknown, inactive, revoked, or its session ended. */
export class InvalidTokenError extends AuthError<'invalid_token' | 'token_revoked' | 'session_ended' | 'missing_token'> {
  constructor(
    message: string,
    code: 'invalid_token' | 'token_revoked' | 'session_ended' | 'missing_token' = 'invalid_token',
    options?: AuthErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** A DPoP proof or binding failed (401): RFC 9449 `invalid_dpop_proof`, `use_dpop_nonce`, or a binding mismatch. */
export class DpopError extends AuthError<'invalid_dpop_proof' | 'use_dpop_nonce' | 'dpop_required' | 'dpop_binding_mismatch'> {
  constructor(
    message: string,
    code: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'dpop_required' | 'dpop_binding_mismatch' = 'invalid_dpop_proof',
    options?: AuthErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** The token is valid but not allowed here (403): `insufficient_scope` or `insufficient_claims`. */
export class ForbiddenError extends AuthError<'insufficient_scope' | 'insufficient_claims'> {
  constructor(message: string, code: 'insufficient_scope' | 'insufficient_claims', options?: AuthErrorOptions) {
    super(code, message, options);
  }
}

/** The introspection or verify-token upstream cannot give an answer (503 + `Retry-After`); never a pass, never a 401. */
export class IssuerUnavailableError extends AuthError<'issuer_unavailable'> {
  constructor(message: string, options?: AuthErrorOptions) {
    super('issuer_unavailable', message, options);
  }
}

/** The caller's rate limit is reached (429 + `Retry-After`). */
export class RateLimitError extends AuthError<'rate_limited'> {
  constructor(message: string, options?: AuthErrorOptions) {
    super('rate_limited', message, options);
  }
}

/**
 * True when `err` is an {@link AuthError}, optionally with the given code.
 * @param err - anything caught
 * @param code - the code to match; any code when absent
 * @returns whether `err` is such an error
 */
export function isAuthError<Code extends AuthErrorCode = AuthErrorCode>(err: unknown, code?: Code): err is AuthError<Code> {
  return err instanceof AuthError && (code === undefined || err.code === code);
}
