import { IssuerUnavailableError } from '../errors.js';

/**
 * A circuit breaker over one upstream: closed (calls go through) until `threshold` failures in a row; then open
 * (calls fail at once with `issuer_unavailable` and a `Retry-After` of the time left) for `resetMs`; then half-open:
 * one probe goes through while the others still fail fast; its success closes the circuit, its failure opens it
 * again. Only upstream outages (`IssuerUnavailableError`) count as failures — a "token not valid" answer is a
 * healthy upstream.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #resetMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openUntil = 0;
  #probing = false;

  constructor(threshold: number, resetMs: number, now: () => number = () => performance.now()) {
    this.#threshold = threshold;
    this.#resetMs = resetMs;
    this.#now = now;
  }

  /** `closed`, `open` or `half-open` (for tests and health checks). */
  get state(): 'closed' | 'open' | 'half-open' {
    if (this.#failures < this.#threshold) return 'closed';
    return this.#now() < this.#openUntil ? 'open' : 'half-open';
  }

  /** Runs `call` through the breaker. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    let probe = false;
    if (this.#failures >= this.#threshold) {
      const left = this.#openUntil - this.#now();
      if (left > 0 || this.#probing) {
        throw new IssuerUnavailableError('the issuer is failing; the circuit breaker is open', {
          retryAfter: Math.max(1, Math.ceil((left > 0 ? left : this.#resetMs) / 1000)),
        });
      }
      this.#probing = probe = true;
    }
    try {
      const value = await call();
      this.#failures = 0;
      return value;
    } catch (err) {
      if (err instanceof IssuerUnavailableError) {
        this.#failures = Math.min(this.#failures + 1, this.#threshold);
        if (this.#failures >= this.#threshold) this.#openUntil = this.#now() + this.#resetMs;
      } else {
        this.#failures = 0;
      }
      throw err;
    } finally {
      if (probe) this.#probing = false;
    }
  }
}
