import type { JwtClaims } from '@tessera/core';
import type { ResolvedClient } from '../clients/resolve-client.js';
import { OAuthError } from '../errors.js';

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'client_id', 'scope', 'cnf']);

/**
 * Parses a `scope` parameter (RFC 6749 §3.3: space-delimited scope tokens) into a list without repeats.
 * @throws {OAuthError} `invalid_scope` for a malformed scope
 */
export function parseScope(text: string): string[] {
  const parts = text.split(' ').filter((s) => s.length > 0);
  for (const s of parts) if (!SCOPE_TOKEN.test(s)) throw new OAuthError('invalid_scope', 'the scope parameter is malformed');
  return [...new Set(parts)];
}

/**
 * The scopes to grant: the requested ones if every one is allowed within `allowed`, or `fallback` when none are requested.
 * @param requested - the `scope` parameter, if any
 * @param allowed - what may be granted
 * @param fallback - granted when nothing is requested
 * @throws {OAuthError} `invalid_scope` naming the first scope not allowed
 */
export function grantScope(requested: string | undefined, allowed: ReadonlySet<string>,
  fallback: readonly string[]): string[] {
  if (requested === undefined) return fallback.filter((s) => allowed.has(s));
  const list = parseScope(requested);
  for (const s of list) {
    if (!allowed.has(s)) throw new OAuthError('invalid_scope', `scope "${s.slice(0, 64)}" is not allowed for this client`);
  }
  return list;
}

/** The client's allowed scopes narrowed by a user's (from the login step), when it gave any. */
export function userScopes(client: ResolvedClient, user: readonly string[] | undefined): ReadonlySet<string> {
  if (user === undefined) return client.scopes;
  return new Set(user.filter((s) => client.scopes.has(s)));
}

/**
 * Checks the claims a login step returned: registered claims are set by the issuer only.
 * @throws {TypeError} when the hook returned a registered claim (a programming error: answered as server_error)
 */
export function userClaims(claims: JwtClaims | undefined): JwtClaims {
  if (claims === undefined) return {};
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new TypeError('the login step returned claims that are not an object');
  }
  for (const name of Object.keys(claims)) {
    if (RESERVED.has(name)) throw new TypeError(`the login step returned the claim "${name}", which only the issuer sets`);
  }
  return { ...claims };
}
