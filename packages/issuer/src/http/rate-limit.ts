import type { CounterState } from '@tessera/core';
import { OAuthError } from '../errors.js';
import type { IssuerState } from '../internal/state.js';
import type { RateLimitRule } from '../options.js';

/**
 * Counts one hit on a per-client fixed-window counter (by default the store's `increment`, so every issuer instance
 * sharing the store shares the count).
 * @param state - the issuer
 * @param key - the counter, e.g. `token:client-1`
 * @param rule - the window
 * @returns the counter after this hit
 * @throws {TesseraError} `store_unavailable` when the store does not answer (the request then fails closed: 503)
 */
export function countHit(state: IssuerState, key: string, rule: RateLimitRule): Promise<CounterState> {
  return state.count(`rl:${key}`, rule.windowSeconds);
}

/**
 * Enforces a per-client rate limit on an endpoint.
 * @param state - the issuer
 * @param endpoint - `token` or `introspect`
 * @param clientId - the authenticated client
 * @throws {OAuthError} `temporarily_unavailable` with status 429 and `Retry-After` past the limit
 */
export async function enforceRateLimit(state: IssuerState, endpoint: 'token' | 'introspect', clientId: string): Promise<void> {
  const rule = state.rateLimit[endpoint];
  if (rule === undefined) return;
  const { count, resetSeconds } = await countHit(state, `${endpoint}:${clientId}`, rule);
  if (count > rule.max) {
    throw new OAuthError('temporarily_unavailable', `rate limit of ${rule.max} requests per ${rule.windowSeconds}s exceeded`,
      { status: 429, headers: { 'Retry-After': String(Math.max(1, Math.ceil(resetSeconds))) } });
  }
}
