/** How an access token is shaped. The client reads nothing more than this; it never verifies or decrypts. */
export type TokenFormat = 'opaque' | 'jwt' | 'jwe';

/** The grant a token set came from (a `client_credentials` set without a refresh token is renewed by that grant). */
export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials' | 'password';

/**
 * The tokens the client holds. Immutable; every renewal produces a new object.
 *
 * Times are milliseconds since the epoch on this machine's clock (`expires_in` is counted from when the answer arrived,
 * so a client clock that is off does not matter).
 */
export interface TokenSet {
  /** The access token, sent as `Authorization: <tokenType> <accessToken>`. */
  readonly accessToken: string;
  /** The refresh token; a refresh answer without one keeps the previous one (RFC 6749 §6). */
  readonly refreshToken: string | undefined;
  /** `DPoP` when the issuer bound the token to the client's DPoP key (RFC 9449), else `Bearer`. */
  readonly tokenType: 'Bearer' | 'DPoP';
  /** `jwt` (a JWS), `jwe` (five-part compact JWE) or `opaque`. */
  readonly format: TokenFormat;
  /**
   * When the access token expires: from `expires_in`, or else from a JWS access token's `exp` read without
   * verification; `undefined` when neither says (the token is then renewed only after a 401).
   */
  readonly expiresAt: number | undefined;
  /** Granted scope (the previous one when a refresh answer omits it, RFC 6749 §5.1). */
  readonly scope: string | undefined;
  /** An OpenID Connect ID token, when the issuer sent one (kept as it is; the client does not use it). */
  readonly idToken: string | undefined;
  /** The grant that first produced this token set's lineage. */
  readonly grant: GrantType;
  /** When this token set was received. */
  readonly issuedAt: number;
}

/** The fields of a token endpoint answer the client uses (oauth4webapi has checked their types). */
export interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
}

/**
 * The JSON object in one base64url part of a compact JOSE token, or `undefined` when it is not one. (atob is forgiving
 * about the missing padding — WHATWG forgiving-base64 — not about the URL-safe alphabet.)
 */
function jsonPart(token: string, index: number): Record<string, unknown> | undefined {
  try {
    const binary = atob((token.split('.')[index] ?? '').replace(/-/g, '+').replace(/_/g, '/'));
    const value: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The shape of a token: `jwt` for three base64url parts with a JOSE header that has `alg`, `jwe` for five parts with
 * `alg` and `enc`, anything else `opaque`. Nothing is verified or decrypted.
 * @param token - an access token
 * @returns its format
 */
export function tokenFormat(token: string): TokenFormat {
  const parts = token.split('.').length;
  const header = parts === 3 || parts === 5 ? jsonPart(token, 0) : undefined;
  if (typeof header?.alg !== 'string') return 'opaque';
  if (parts === 5) return typeof header.enc === 'string' ? 'jwe' : 'opaque';
  return 'jwt';
}

/**
 * A JWS access token's `exp`, read WITHOUT verification (only to schedule a renewal; the resource server verifies).
 * @param token - a `jwt`-format token
 * @returns `exp` in milliseconds, or `undefined` when absent or not a finite number
 */
export function unverifiedExpiry(token: string): number | undefined {
  const exp = jsonPart(token, 1)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

/**
 * Builds the token set from a token endpoint answer.
 * @param answer - the validated answer
 * @param grant - the grant of the lineage
 * @param previous - the token set being renewed: its refresh token and scope carry over when the answer omits them
 * @param now - when the answer arrived
 * @returns the new token set
 */
export function toTokenSet(answer: TokenAnswer, grant: GrantType, previous?: TokenSet, now = Date.now()): TokenSet {
  const format = tokenFormat(answer.access_token);
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token ?? previous?.refreshToken,
    tokenType: answer.token_type.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer',
    format,
    expiresAt:
      answer.expires_in !== undefined
        ? now + answer.expires_in * 1000
        : format === 'jwt'
          ? unverifiedExpiry(answer.access_token)
          : undefined,
    scope: answer.scope ?? previous?.scope,
    idToken: answer.id_token ?? previous?.idToken,
    grant,
    issuedAt: now,
  };
}

const GRANTS: readonly string[] = ['authorization_code', 'refresh_token', 'client_credentials', 'password'];
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
const optionalNumber = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));

/**
 * Reads a stored token set back, or `undefined` when the value is not one (corrupted or written by someone else).
 * @param text - the stored JSON
 * @returns the token set, or `undefined`
 */
export function parseTokenSet(text: string): TokenSet | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (
    typeof v !== 'object' || v === null || v.v !== 1 ||
    typeof v.accessToken !== 'string' || v.accessToken === '' ||
    (v.tokenType !== 'Bearer' && v.tokenType !== 'DPoP') ||
    (v.format !== 'opaque' && v.format !== 'jwt' && v.format !== 'jwe') ||
    !GRANTS.includes(v.grant as string) ||
    typeof v.issuedAt !== 'number' ||
    // A refresh token is sent as it is (oauth4webapi's grant request would refuse an empty one): never empty.
    v.refreshToken === '' || !optionalString(v.refreshToken) || !optionalString(v.scope) || !optionalString(v.idToken) ||
    !optionalNumber(v.expiresAt)
  ) {
    return undefined;
  }
  const { v: _version, ...tokens } = v;
  return tokens as unknown as TokenSet;
}

/**
 * Serializes a token set for storage (versioned, so a future shape is told apart from a corrupted value).
 * @param tokens - the token set
 * @returns JSON text
 */
export function serializeTokenSet(tokens: TokenSet): string {
  return JSON.stringify({ v: 1, ...tokens });
}
