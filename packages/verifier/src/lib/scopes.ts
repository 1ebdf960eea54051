import type { JwtClaims } from '@tessera/core';

const EMPTY: readonly string[] = Object.freeze([]);

function words(value: unknown): readonly string[] {
  if (typeof value === 'string') return value.split(' ').filter((s) => s.length > 0);
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string' && s.length > 0);
  return EMPTY;
}

/**
 * The scopes a token grants: the space-separated `scope` claim (RFC 9068 §2.2.3, RFC 7662 §2.2) and the `scp`
 * claim (an array, as Okta and Azure AD v2 write it, or a space-separated string), united, without duplicates.
 * @param claims - verified claims
 * @returns a frozen list
 */
export function scopesOf(claims: JwtClaims): readonly string[] {
  const scope = words(claims.scope);
  const scp = words(claims.scp);
  if (scp.length === 0) return scope.length === 0 ? EMPTY : Object.freeze([...new Set(scope)]);
  return Object.freeze([...new Set([...scope, ...scp])]);
}
