import { TesseraError, type TesseraErrorOptions } from '@tessera/core';

/**
 * The OAuth error codes the issuer answers with (the `error` member of a JSON error body). Code is the contract.
 *
 * | code | status | when |
 * | --- | --- | --- |
 * | `invalid_request` | 400 | missing, repeated or malformed parameter; wrong content type; body too large (RFC 6749 §5.2) |
 * | `invalid_client` | 401 | unknown client, wrong secret, wrong authentication method; with `WWW-Authenticate: Basic` |
 * | `invalid_grant` | 400 | unknown, expired, reused or revoked code / refresh token; wrong user credentials; PKCE mismatch |
 * | `unauthorized_client` | 400 | the client may not use this grant type |
 * | `unsupported_grant_type` | 400 | a grant type the issuer does not implement |
 * | `invalid_scope` | 400 | a scope the client may not have, or wider than the refresh token's |
 * | `invalid_dpop_proof` | 400 | the `DPoP` proof is missing where required, invalid, replayed, or for another key (RFC 9449 §5) |
 * | `unsupported_token_type` | 400 | `/revoke` with a `token_type_hint` it cannot revoke (RFC 7009 §2.2.1) |
 * | `unsupported_response_type` | 400 | `/authorize` with a `response_type` other than `code` |
 * | `access_denied` | 400 | the login/consent step refused (`/authorize`, sent to the redirect URI) |
 * | `temporarily_unavailable` | 503 or 429 | the store did not answer (503), or the client's rate limit was hit (429, `Retry-After`) |
 * | `server_error` | 500 | anything unexpected (never with details) |
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 RFC 6749 §5.2
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_dpop_proof'
  | 'unsupported_token_type'
  | 'unsupported_response_type'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'server_error';

const STATUS: Readonly<Record<OAuthErrorCode, number>> = Object.freeze({
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_dpop_proof: 400,
  unsupported_token_type: 400,
  unsupported_response_type: 400,
  access_denied: 400,
  temporarily_unavailable: 503,
  server_error: 500,
});

/** Options of {@link OAuthError}. */
export interface OAuthErrorOptions extends TesseraErrorOptions {
  /** Response headers to send with the error (`WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
}

/**
 * An OAuth error answer: `code` is the `error` member, `message` the `error_description` (safe to show: it never
 * holds a token, a secret or key material), `status` the HTTP status and `headers` what must go with it.
 *
 * @example
 * ```ts
 * throw new OAuthError('invalid_grant', 'refresh token is unknown, expired or revoked');
 * ```
 */
export class OAuthError extends TesseraError<OAuthErrorCode> {
  /** Headers to send with the answer (`WWW-Authenticate` on 401, `Retry-After` on 429/503). */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param code - the OAuth `error` code
   * @param message - the `error_description`
   * @param options - `status` (overrides the code's default, e.g. 429), `headers`, `cause`
   */
  constructor(code: OAuthErrorCode, message: string, options: OAuthErrorOptions = {}) {
    super(code, message, { ...options, status: options.status ?? STATUS[code] });
    this.headers = Object.freeze({ ...options.headers });
  }
}

/** The stable code of {@link IssuerConfigError}. */
export type IssuerConfigErrorCode = 'invalid_issuer_config';

/**
 * A start-up error: the issuer's options or a client's configuration (in code or in a file) cannot be used — a
 * missing environment variable, a key of the wrong size, an unknown grant. Names the client and the field, never
 * the value of a secret.
 *
 * @example
 * ```ts
 * // client "api-key-secure-001", field "jwe_config.encryption_key": environment variable JWE_ENCRYPTION_KEY is not set
 * ```
 */
export class IssuerConfigError extends TesseraError<IssuerConfigErrorCode> {
  /** The client at fault, when the error is about one. */
  readonly client: string | undefined;
  /** The field at fault (dotted path as written in the configuration). */
  readonly field: string | undefined;
  /** The file the client came from, when loaded from one. */
  readonly file: string | undefined;
  /** What is wrong, without the prefix naming file, client and field. */
  readonly reason: string;

  /**
   * @param message - what is wrong (the prefix naming client, field and file is added here)
   * @param where - the client, field and file at fault
   * @param options - `cause`
   */
  constructor(message: string, where: { client?: string; field?: string; file?: string } = {},
    options: TesseraErrorOptions = {}) {
    const parts: string[] = [];
    if (where.file !== undefined) parts.push(`file ${JSON.stringify(where.file)}`);
    if (where.client !== undefined) parts.push(`client ${JSON.stringify(where.client)}`);
    if (where.field !== undefined) parts.push(`field ${JSON.stringify(where.field)}`);
    super('invalid_issuer_config', parts.length === 0 ? message : `${parts.join(', ')}: ${message}`,
      { ...options, status: 500 });
    this.client = where.client;
    this.field = where.field;
    this.file = where.file;
    this.reason = message;
  }
}
