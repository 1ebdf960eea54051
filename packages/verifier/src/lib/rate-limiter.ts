import { TesseraArgumentError, createCoalescedCounter, parseDuration, type TokenStore } from '@tessera/core';
import { RateLimitError } from '../errors.js';
import type { AuthResult } from '../types.js';
import type { RateLimitOptions } from '../verifier-options.js';
import { storeFailure } from './store-failure.js';

/** Counts one request of an identity; throws `rate_limited` (429 + `Retry-After`) past the limit. */
export type RateLimiter = (auth: AuthResult) => Promise<void>;

/**
 * A fixed-window limit per subject, per client (`client_id`, else `azp`) or per key of the caller's, on the
 * store's counter (`increment`), so every instance sharing the store shares the count. The hits on one key in one
 * turn of the event loop are sent as one `increment` (exact counts each: see `createCoalescedCounter`).
 * @throws {TesseraArgumentError} `invalid_argument` for a bad `limit`, `window` or `by`
 */
export function createRateLimiter(options: RateLimitOptions, store: TokenStore): RateLimiter {
  const by = options.by ?? 'subject';
  const key = typeof by === 'function' ? by
    : by === 'subject' ? (a: AuthResult) => a.subject
    : by === 'client' ? (a: AuthResult) => {
        const id = a.claims.client_id ?? a.claims.azp;
        return typeof id === 'string' ? id : undefined;
      }
    : undefined;
  if (key === undefined) throw new TesseraArgumentError('"rateLimit.by" must be "subject", "client" or a function');
  const window = parseDuration(options.window, 'rateLimit.window', { wholeSeconds: false });
  if (window <= 0) throw new TesseraArgumentError('"rateLimit.window" must be positive');
  const limit = options.limit;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit <= 0) throw new TesseraArgumentError('"rateLimit.limit" must be a positive integer');
  const count = createCoalescedCounter(store);
  return async (auth) => {
    const name = key(auth);
    if (name === undefined) return;
    const counter = await count(`ratelimit:${name}`, window).catch(storeFailure);
    if (counter.count > limit) throw new RateLimitError('too many requests', { retryAfter: counter.resetSeconds });
  };
}
