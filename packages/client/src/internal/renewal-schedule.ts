// When to renew: the due time of a token set (refreshSkew, never more than half its lifetime early), the proactive
// timer, exponential backoff after a network failure, and the renewal rate limit.
import { TokenClientError } from '../errors.js';
import type { TokenSet } from '../token-set.js';
import type { ResolvedOptions } from './options.js';

/** The renewal timing of one client. */
export interface RenewalSchedule {
  /** Whether `t` should be renewed now. */
  due(t: TokenSet): boolean;
  /** Whether a failed renewal is being backed off from (callers keep a still-valid token meanwhile). */
  backingOff(): boolean;
  /** New tokens arrived: the backoff no longer applies. */
  fresh(): void;
  /** A renewal worked. */
  succeeded(): void;
  /**
   * A renewal failed. A transient failure (network, 5xx) is retried by the timer after a backoff; any other stops the
   * timer until new tokens arrive.
   * @returns the attempt number and, when the timer will retry, in how long
   */
  failed(transient: boolean): { attempt: number; retryInMs: number | undefined };
  /** Counts a token request against the rate limit. @throws `refresh_rate_limited` past it */
  count(): void;
  /** (Re)arms the proactive timer for `t`: its due time, or the backoff retry. */
  plan(t: TokenSet | undefined): void;
  /** Clears the timer for good. */
  stop(): void;
}

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s … capped at 60 s. */
const backoff = (failures: number) => Math.min(1000 * 2 ** (failures - 1), 60_000) * (0.75 + Math.random() / 2);

/** @param onDue - called when the timer fires */
export function renewalSchedule(o: ResolvedOptions, onDue: () => void): RenewalSchedule {
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When to retry after a network failure; `Infinity` after another failure (no timer until new tokens). */
  let retryAt: number | undefined;
  let failures = 0;
  let requests: number[] = [];
  let stopped = false;
  const dueAt = (t: TokenSet) =>
    t.expiresAt === undefined ? undefined : t.expiresAt - Math.min(o.refreshSkewMs, (t.expiresAt - t.issuedAt) / 2);
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };

  return {
    due(t) {
      const at = dueAt(t);
      return at !== undefined && Date.now() >= at;
    },
    backingOff: () => retryAt !== undefined && Date.now() < retryAt,
    fresh() {
      retryAt = undefined;
    },
    succeeded() {
      failures = 0;
      retryAt = undefined;
    },
    failed(transient) {
      const delay = transient ? backoff(++failures) : (failures++, undefined);
      retryAt = delay === undefined ? Infinity : Date.now() + delay;
      return { attempt: failures, retryInMs: o.autoRefresh ? delay : undefined };
    },
    count() {
      const now = Date.now();
      requests = requests.filter((at) => at > now - o.rateWindowMs);
      if (requests.length >= o.rateMax) {
        throw new TokenClientError(
          'refresh_rate_limited',
          `more than ${o.rateMax} renewals in ${o.rateWindowMs / 1000} s: renewal paused (is the API rejecting fresh tokens?)`,
        );
      }
      requests.push(now);
    },
    plan(t) {
      disarm();
      if (stopped || !o.autoRefresh || t === undefined || retryAt === Infinity) return;
      const renewable = t.refreshToken !== undefined || t.grant === 'client_credentials';
      const at = retryAt ?? (renewable ? dueAt(t) : undefined);
      if (at === undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        onDue();
      }, Math.min(Math.max(at - Date.now(), 0), 2 ** 31 - 1));
      // A CLI or service must be able to exit while a renewal is scheduled.
      (timer as { unref?: () => void }).unref?.();
    },
    stop() {
      stopped = true;
      disarm();
    },
  };
}
