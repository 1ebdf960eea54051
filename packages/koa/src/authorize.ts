import {
  requireAnyScope as anyScopeCheck,
  requireClaims as claimsCheck,
  requireScopes as scopesCheck,
  type AuthCheck,
  type ClaimRequirement,
  type ScopeCheckOptions,
} from '@tessera/verifier';
import type { Middleware } from 'koa';
import { answerError, type AuthState } from './authenticate.js';

/** Options of the authorization middleware. */
export interface KoaAuthorizeOptions extends ScopeCheckOptions {
  /** Throw the error for the app's error handling instead of answering it. @default false */
  throw?: boolean;
}

/**
 * Middleware running an `AuthCheck` on `ctx.state.auth` (put there by `authenticate`).
 * @param check - a check from `@tessera/verifier` (`requireScopes(…)`, `requireClaims(…)`, or your own)
 * @param options - `throw`
 * @returns the middleware; a failed check is answered 403 (`insufficient_scope` / `insufficient_claims`) or 401
 */
export function authorize<State extends AuthState = AuthState>(check: AuthCheck, options: KoaAuthorizeOptions = {}): Middleware<State> {
  return async function tesseraAuthorize(ctx, next) {
    try {
      check(ctx.state.auth);
    } catch (err) {
      answerError(ctx, err, options.throw);
      return;
    }
    await next();
  };
}

/**
 * Middleware requiring every one of `scopes`: 403 `insufficient_scope` with `WWW-Authenticate: Bearer
 * error="insufficient_scope", scope="…"` otherwise.
 * @example
 * ```ts
 * router.post('/orders', requireScopes('orders:write'), createOrder);
 * ```
 */
export function requireScopes<State extends AuthState = AuthState>(scopes: string | readonly string[], options: KoaAuthorizeOptions = {}): Middleware<State> {
  return authorize(scopesCheck(scopes, options), options);
}

/** Middleware requiring at least one of `scopes` (403 `insufficient_scope` otherwise). */
export function requireAnyScope<State extends AuthState = AuthState>(scopes: string | readonly string[], options: KoaAuthorizeOptions = {}): Middleware<State> {
  return authorize(anyScopeCheck(scopes, options), options);
}

/** Middleware requiring claim values or predicates (403 `insufficient_claims` otherwise). */
export function requireClaims<State extends AuthState = AuthState>(requirements: Readonly<Record<string, ClaimRequirement>>, options: KoaAuthorizeOptions = {}): Middleware<State> {
  return authorize(claimsCheck(requirements), options);
}
