import {
  requireAnyScope as anyScopeCheck,
  requireClaims as claimsCheck,
  requireScopes as scopesCheck,
  type ClaimRequirement,
  type ScopeCheckOptions,
} from '@tessera/verifier';
import { authorize } from './authenticate.js';

/**
 * Middleware requiring every one of `scopes`, else `next(err)`: 403 `insufficient_scope`, the scopes named in
 * `WWW-Authenticate`. @example `app.post('/orders', requireScopes('orders:write'), createOrder)`
 */
export function requireScopes(scopes: string | readonly string[], options: ScopeCheckOptions = {}) {
  return authorize(scopesCheck(scopes, options));
}

/** Middleware requiring at least one of `scopes` (403 `insufficient_scope` otherwise). */
export function requireAnyScope(scopes: string | readonly string[], options: ScopeCheckOptions = {}) {
  return authorize(anyScopeCheck(scopes, options));
}

/** Middleware requiring claim values or predicates (403 `insufficient_claims` otherwise). */
export function requireClaims(requirements: Readonly<Record<string, ClaimRequirement>>) {
  return authorize(claimsCheck(requirements));
}
