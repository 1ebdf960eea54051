/** One authentication challenge: a scheme and its auth-params (RFC 9110 §11.6.1). */
export interface Challenge {
  /** `Bearer` (RFC 6750) or `DPoP` (RFC 9449). */
  scheme: 'Bearer' | 'DPoP';
  /** Auth-params in the order given; `undefined` values are left out. */
  params?: ChallengeParams;
}

/** The auth-params Tessera writes. Any other name is allowed too (a token68-free `name="value"` pair). */
export interface ChallengeParams {
  /** The protection space (RFC 6750 §3). */
  realm?: string | undefined;
  /** `invalid_request`, `invalid_token`, `insufficient_scope`, `invalid_dpop_proof`, `use_dpop_nonce`. */
  error?: string | undefined;
  /** Human-readable text for the developer (printable ASCII only; anything else becomes `?`). */
  error_description?: string | undefined;
  /** A page explaining the error. */
  error_uri?: string | undefined;
  /** Space-separated scopes the resource needs (RFC 6750 §3, with `insufficient_scope`). */
  scope?: string | undefined;
  /** DPoP: space-separated JWS algorithms the server accepts for proofs (RFC 9449 §7.1). */
  algs?: string | undefined;
  [name: string]: string | undefined;
}

const PARAM_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Printable ASCII and space; everything else (CR, LF, other controls, non-ASCII) is replaced so a header value can
// neither be split nor carry bytes RFC 6750 §3 forbids in `error_description`.
const NOT_PRINTABLE = /[^\x20-\x7e]/g;

/**
 * A quoted-string (RFC 9110 §5.6.4): `"` and `\` escaped as quoted-pairs, anything outside printable ASCII replaced
 * with `?`.
 * @param value - the raw value
 * @returns the value in double quotes
 */
export function quoteHeaderValue(value: string): string {
  return `"${value.replace(NOT_PRINTABLE, '?').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * Formats challenges as a `WWW-Authenticate` value: `Bearer realm="api", error="invalid_token", error_description="…"`.
 * Every value is quoted and escaped (see {@link quoteHeaderValue}); several challenges are joined with `, ` (RFC 9110
 * §11.6.1), e.g. a `Bearer` and a `DPoP` challenge for a route that takes either.
 *
 * @param challenges - one challenge or several
 * @returns the header value
 * @throws {TypeError} when a parameter name is not an RFC 9110 token
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 and https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 * @example
 * ```ts
 * formatWwwAuthenticate({ scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token', error_description: 'token expired' } })
 * // → 'Bearer realm="api", error="invalid_token", error_description="token expired"'
 * ```
 */
export function formatWwwAuthenticate(challenges: Challenge | readonly Challenge[]): string {
  const list = Array.isArray(challenges) ? challenges : [challenges as Challenge];
  return list
    .map(({ scheme, params }) => {
      const pairs: string[] = [];
      for (const [name, value] of Object.entries(params ?? {}) as [string, string | undefined][]) {
        if (value === undefined) continue;
        if (!PARAM_NAME.test(name)) throw new TypeError(`auth-param name ${JSON.stringify(name)} is not a token`);
        pairs.push(`${name}=${quoteHeaderValue(value)}`);
      }
      return pairs.length === 0 ? scheme : `${scheme} ${pairs.join(', ')}`;
    })
    .join(', ');
}
