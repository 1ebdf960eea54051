import { TesseraError, type TesseraErrorOptions } from '@tessera/core';

/**
 * Stable error codes of `@tessera/client`. Code is the contract: messages may be reworded, codes never change meaning.
 *
 * | code | status | when |
 * | --- | --- | --- |
 * | `not_authenticated` | 401 | no token set, or one that cannot be renewed (no refresh token) |
 * | `invalid_grant` | 401 | the issuer refused the refresh token, code or credentials (RFC 6749 `invalid_grant`); a refused refresh token clears the token set and emits `logout` |
 * | `token_request_failed` | 400 | the issuer answered another OAuth error (`invalid_client`, `invalid_scope`, …); `oauthError` names it |
 * | `invalid_token_response` | 502 | the issuer's answer is not a token response (not JSON, no `access_token`, a field of the wrong type, an unknown `token_type`) |
 * | `issuer_unavailable` | 503 | network failure, timeout or 5xx at the token endpoint; the token set is kept |
 * | `discovery_failed` | 503 | the RFC 8414 / OIDC metadata could not be fetched or is invalid |
 * | `endpoint_missing` | 500 | the operation needs an endpoint the issuer does not have (authorization, revocation) |
 * | `refresh_rate_limited` | 429 | more token requests than `refreshRateLimit` allows in its window (a refresh loop is stopped) |
 * | `authorization_failed` | 400 | `handleRedirect`: an `error` in the callback, a state mismatch, or no pending authorization |
 * | `storage_unavailable` | 500 | the storage threw (quota, private mode, unavailable); the client continues in memory |
 * | `storage_corrupted` | 500 | a stored value cannot be read (not JSON, a foreign shape, failed decryption); it is ignored |
 * | `dpop_unavailable` | 500 | no DPoP key can be generated or loaded |
 * | `client_closed` | 500 | the client was used after `close()` |
 */
export type ClientErrorCode =
  | 'not_authenticated'
  | 'invalid_grant'
  | 'token_request_failed'
  | 'invalid_token_response'
  | 'issuer_unavailable'
  | 'discovery_failed'
  | 'endpoint_missing'
  | 'refresh_rate_limited'
  | 'authorization_failed'
  | 'storage_unavailable'
  | 'storage_corrupted'
  | 'dpop_unavailable'
  | 'client_closed';

const STATUS: Record<ClientErrorCode, number> = {
  not_authenticated: 401,
  invalid_grant: 401,
  token_request_failed: 400,
  invalid_token_response: 502,
  issuer_unavailable: 503,
  discovery_failed: 503,
  endpoint_missing: 500,
  refresh_rate_limited: 429,
  authorization_failed: 400,
  storage_unavailable: 500,
  storage_corrupted: 500,
  dpop_unavailable: 500,
  client_closed: 500,
};

/** Options of a {@link TokenClientError}: core's options plus the OAuth `error` the issuer answered, if any. */
export interface TokenClientErrorOptions extends TesseraErrorOptions {
  /** The issuer's RFC 6749 §5.2 `error` value (`invalid_grant`, `invalid_client`, …). */
  oauthError?: string;
}

/**
 * Every error `@tessera/client` throws on purpose (and passes to `refresh_error` / `storage_error` listeners).
 *
 * The message never contains a token or a secret; the original error (an oauth4webapi error, a `TypeError` from
 * `fetch`, a `DOMException` from storage) is kept in `cause`.
 *
 * @example
 * ```ts
 * import { isTesseraError } from '@tessera/core';
 * try { await client.getAccessToken() } catch (err) {
 *   if (isTesseraError(err, 'not_authenticated')) location.assign(await client.authorizeUrl());
 * }
 * ```
 */
export class TokenClientError extends TesseraError<ClientErrorCode> {
  /** The issuer's OAuth `error` value, when the issuer answered one. */
  readonly oauthError: string | undefined;

  constructor(code: ClientErrorCode, message: string, options?: TokenClientErrorOptions) {
    super(code, message, { ...options, status: STATUS[code] });
    this.oauthError = options?.oauthError;
  }
}
