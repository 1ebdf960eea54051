import { ForbiddenError, InvalidTokenError } from '../errors.js';
import type { AuthResult } from '../types.js';
import { formatWwwAuthenticate } from '../www-authenticate.js';

/** A check run on an identity; throws an {@link AuthError} when the identity may not go on. */
export type AuthCheck = (auth: AuthResult | undefined) => void;

/** Options of the scope checks. */
export interface ScopeCheckOptions {
  /** The `realm` of the `insufficient_scope` challenge. @default none */
  realm?: string;
}

function scopeList(scopes: string | readonly string[], name: string): readonly string[] {
  const list = typeof scopes === 'string' ? scopes.split(' ').filter((s) => s !== '') : scopes;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s === '' || s.includes(' '))) {
    throw new TypeError(`${name} needs one or more scopes (strings without spaces)`);
  }
  return Object.freeze([...list]);
}

/** Refuses an anonymous request (a route that checks scopes needs an identity). */
export function requireIdentity(auth: AuthResult | undefined, realm: string | undefined): asserts auth is AuthResult {
  if (auth === undefined) {
    throw new InvalidTokenError('no access token was sent', 'missing_token', {
      headers: { 'WWW-Authenticate': formatWwwAuthenticate({ scheme: 'Bearer', params: { realm } }) },
    });
  }
}

function insufficient(auth: AuthResult, needed: readonly string[], realm: string | undefined, any: boolean): ForbiddenError {
  const message = any ? `the token needs one of the scopes: ${needed.join(' ')}` : `the token lacks the scopes: ${needed.filter((s) => !auth.scopes.includes(s)).join(' ')}`;
  return new ForbiddenError(message, 'insufficient_scope', {
    scope: needed,
    headers: {
      'WWW-Authenticate': formatWwwAuthenticate({
        scheme: auth.scheme,
        params: { realm, error: 'insufficient_scope', error_description: message, scope: needed.join(' ') },
      }),
    },
  });
}

/**
 * A check that the identity holds every one of `scopes` (from `scope` and `scp`; see `AuthResult.scopes`).
 *
 * @param scopes - the scopes needed, as a list or a space-separated string
 * @param options - the challenge's realm
 * @returns a check; it throws `insufficient_scope` (403, `WWW-Authenticate: Bearer error="insufficient_scope",
 *   scope="…"`), or `missing_token` (401) for an anonymous request
 * @throws {TypeError} at once, when `scopes` is empty or not strings
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 * @example
 * ```ts
 * const canWrite = requireScopes('orders:read orders:write');
 * canWrite(auth); // throws unless both are granted
 * ```
 */
export function requireScopes(scopes: string | readonly string[], options: ScopeCheckOptions = {}): AuthCheck {
  const needed = scopeList(scopes, 'requireScopes');
  return (auth) => {
    requireIdentity(auth, options.realm);
    if (!needed.every((s) => auth.scopes.includes(s))) throw insufficient(auth, needed, options.realm, false);
  };
}

/**
 * A check that the identity holds at least one of `scopes`.
 *
 * @param scopes - the acceptable scopes
 * @param options - the challenge's realm
 * @returns a check; it throws `insufficient_scope` (403) or `missing_token` (401)
 * @throws {TypeError} at once, when `scopes` is empty or not strings
 * @example
 * ```ts
 * requireAnyScope(['admin', 'orders:read'])(auth);
 * ```
 */
export function requireAnyScope(scopes: string | readonly string[], options: ScopeCheckOptions = {}): AuthCheck {
  const needed = scopeList(scopes, 'requireAnyScope');
  return (auth) => {
    requireIdentity(auth, options.realm);
    if (!needed.some((s) => auth.scopes.includes(s))) throw insufficient(auth, needed, options.realm, true);
  };
}
