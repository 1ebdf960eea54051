// When to renew: the due time of a token set (refreshSkew, never more than half its lifetime early), the proactive
// timer, exponential backoff after a network failure, and the renewal rate limit.
import { TokenClientError } from '../errors.js';
import type { TokenSet } from '../token-set.js';
import type { ResolvedOptions } from './options.js';

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s … capped at 60 s. */
const backoff = (failures: number) => Math.min(1000 * 2 ** (failures - 1), 60_000) * (0.75 + Math.random() / 2);

/** The renewal timing of one client. */
export class RenewalSchedule {
  readonly #o: ResolvedOptions;
  readonly #onDue: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When to retry after a network failure; `Infinity` after another failure (no timer until new tokens). */
  #retryAt: number | undefined;
  #failures = 0;
  #requests: number[] = [];
  #stopped = false;

  constructor(options: ResolvedOptions, onDue: () => void) {
    this.#o = options;
    this.#onDue = onDue;
  }

  #dueAt(t: TokenSet): number | undefined {
    return t.expiresAt === undefined ? undefined : t.expiresAt - Math.min(this.#o.refreshSkewMs, (t.expiresAt - t.issuedAt) / 2);
  }

  /** Whether `t` should be renewed now. */
  due(t: TokenSet, now = Date.now()): boolean {
    const at = this.#dueAt(t);
    return at !== undefined && now >= at;
  }

  /** Whether a failed renewal is being backed off from (callers keep a still-valid token meanwhile). */
  backingOff(now = Date.now()): boolean {
    return this.#retryAt !== undefined && now < this.#retryAt;
  }

  /** New tokens arrived: the backoff no longer applies. */
  fresh(): void {
    this.#retryAt = undefined;
  }

  /** A renewal worked. */
  succeeded(): void {
    this.#failures = 0;
    this.#retryAt = undefined;
  }

  /**
   * A renewal failed. A transient failure (network, 5xx) is retried by the timer after a backoff; any other stops the
   * timer until new tokens arrive.
   * @returns the attempt number and, when the timer will retry, in how long
   */
  failed(transient: boolean): { attempt: number; retryInMs: number | undefined } {
    this.#failures++;
    const delay = transient ? backoff(this.#failures) : undefined;
    this.#retryAt = delay === undefined ? Infinity : Date.now() + delay;
    return { attempt: this.#failures, retryInMs: this.#o.autoRefresh ? delay : undefined };
  }

  /** Counts a token request against the rate limit. @throws `refresh_rate_limited` past it */
  count(): void {
    const now = Date.now();
    this.#requests = this.#requests.filter((at) => at > now - this.#o.rateWindowMs);
    if (this.#requests.length >= this.#o.rateMax) {
      throw new TokenClientError(
        'refresh_rate_limited',
        `more than ${this.#o.rateMax} renewals in ${this.#o.rateWindowMs / 1000} s: renewal paused (is the API rejecting fresh tokens?)`,
      );
    }
    this.#requests.push(now);
  }

  /** (Re)arms the proactive timer for `t`: its due time, or the backoff retry. */
  plan(t: TokenSet | undefined): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || !this.#o.autoRefresh || t === undefined || this.#retryAt === Infinity) return;
    const renewable = t.refreshToken !== undefined || t.grant === 'client_credentials';
    const at = this.#retryAt ?? (renewable ? this.#dueAt(t) : undefined);
    if (at === undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#onDue();
    }, Math.min(Math.max(at - Date.now(), 0), 2 ** 31 - 1));
    // A CLI or service must be able to exit while a renewal is scheduled.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Clears the timer for good. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
