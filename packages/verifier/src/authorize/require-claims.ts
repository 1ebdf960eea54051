import type { JwtClaims } from '@tessera/core';
import { ForbiddenError } from '../errors.js';
import type { AuthResult } from '../types.js';
import { requireIdentity, type AuthCheck } from './require-scopes.js';

/** A claim predicate: gets the claim's value (undefined when absent) and all claims. */
export type ClaimPredicate = (value: unknown, claims: Readonly<JwtClaims>) => boolean;

/** What `requireClaims` checks per claim: a value the claim must equal exactly, or a predicate. */
export type ClaimRequirement = ClaimPredicate | string | number | boolean | null | readonly unknown[] | Readonly<Record<string, unknown>>;

/** Deep, type-strict equality of JSON values: `'admin'` never equals `['admin']`, `1` never equals `'1'`. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((x, i) => jsonEqual(x, other[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * A predicate for an array claim that must contain `value` (an explicit "any element" match; a plain value in
 * {@link requireClaims} never matches an array element by accident).
 * @param value - the element to look for
 * @returns a predicate
 * @example
 * ```ts
 * requireClaims({ roles: claimIncludes('admin') });
 * ```
 */
export function claimIncludes(value: string | number | boolean): ClaimPredicate {
  return (claim) => Array.isArray(claim) && claim.some((element) => element === value);
}

/**
 * A check on claims: each listed claim must equal the given value exactly (deep, type-strict: a string never
 * matches an array that contains it — use {@link claimIncludes} for that) or satisfy the predicate.
 *
 * @param requirements - claim name → value or predicate
 * @returns a check; it throws `insufficient_claims` (403, naming the claim) or `missing_token` (401)
 * @throws {TypeError} at once, when `requirements` is empty
 * @example
 * ```ts
 * const adminsOfAcme = requireClaims({ org: 'acme', roles: claimIncludes('admin'), email_verified: true });
 * adminsOfAcme(auth);
 * ```
 */
export function requireClaims(requirements: Readonly<Record<string, ClaimRequirement>>): AuthCheck {
  if (typeof requirements !== 'object' || requirements === null || Object.keys(requirements).length === 0) {
    throw new TypeError('requireClaims needs at least one claim');
  }
  const entries = Object.entries(requirements);
  return (auth: AuthResult | undefined) => {
    requireIdentity(auth, undefined);
    for (const [name, requirement] of entries) {
      const value = Object.prototype.hasOwnProperty.call(auth.claims, name) ? auth.claims[name] : undefined;
      const ok = typeof requirement === 'function' ? requirement(value, auth.claims) : value !== undefined && jsonEqual(value, requirement);
      if (!ok) throw new ForbiddenError(`the token's "${name}" claim does not meet this resource's requirement`, 'insufficient_claims');
    }
  };
}
