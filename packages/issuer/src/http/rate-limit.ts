import type { CounterState } from '@tessera/core';
import { OAuthError } from '../errors.js';
import type { IssuerState } from '../internal/state.js';
import type { RateLimitRule } from '../options.js';

/** The endpoints with a per-client rate limit. */
export type LimitedEndpoint = 'token' | 'introspect';

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

const ADMITTED: Promise<void> = Promise.resolve();

function ignore(): void {}

/**
 * Starts counting one hit on an endpoint's per-client limit and returns its verdict without waiting for it, so the
 * route can issue its own store operation in the same turn of the event loop: on a pipelining store (Redis) the count
 * and that operation then travel together. Awaiting the verdict at once enforces the limit before anything else. The
 * verdict is marked handled at once (a route that fails for another reason first leaves no unhandled rejection);
 * awaiting it still throws.
 *
 * @param state - the issuer
 * @param endpoint - `token` or `introspect`
 * @param clientId - the authenticated client
 * @returns resolves within the limit; rejects with `temporarily_unavailable` (429, `Retry-After`) past it, or with
 *   `store_unavailable` (503) when the counter does not answer
 */
export function startRateLimit(state: IssuerState, endpoint: LimitedEndpoint, clientId: string): Promise<void> {
  const rule = state.rateLimit[endpoint];
  if (rule === undefined) return ADMITTED;
  const key = `${endpoint}:${clientId}`;
  const verdict = countHit(state, key, rule).then(({ count, resetSeconds }) => {
    if (count <= rule.max) return;
    const retryAfter = Math.max(1, Math.ceil(resetSeconds));
    state.limited.set(key, true, retryAfter * 1000);
    throw new OAuthError('temporarily_unavailable', `rate limit of ${rule.max} requests per ${rule.windowSeconds}s exceeded`,
      { status: 429, headers: { 'Retry-After': String(retryAfter) } });
  });
  verdict.catch(ignore);
  return verdict;
}

/**
 * Whether a request may do reversible work while its count is under way: not when this process has seen the client
 * refused in the current window (then each request waits for its count first, so a client past its limit costs the
 * store one counter hit and nothing else).
 */
export function mayOverlapCount(state: IssuerState, endpoint: LimitedEndpoint, clientId: string): boolean {
  return state.rateLimit[endpoint] === undefined || !state.limited.has(`${endpoint}:${clientId}`);
}
