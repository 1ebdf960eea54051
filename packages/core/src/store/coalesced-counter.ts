import type { CounterState, TokenStore } from './token-store.js';

/** Counts one hit on a fixed-window counter: the shape of a rate limiter's counter. */
export type HitCounter = (key: string, windowSeconds: number) => Promise<CounterState>;

/** After the I/O callbacks of the current turn (Node's check phase); a macrotask where there is no `setImmediate`. */
const afterIo: (run: () => void) => void = typeof setImmediate === 'function'
  ? (run) => void setImmediate(run)
  : (run) => void setTimeout(run, 0);

interface Waiter {
  resolve(state: CounterState): void;
  reject(error: unknown): void;
}

interface Batch {
  readonly key: string;
  readonly windowSeconds: number;
  readonly waiters: Waiter[];
}

/**
 * Wraps a store's `increment` so that the hits on one counter made in the same turn of the event loop reach the store
 * as **one** `increment(key, windowSeconds, n)`: one store operation (one Redis command) for a burst of requests of one
 * client instead of one each. Every hit still gets its own exact count — the n hits of a batch get the n counts the
 * store's answer ends with, in the order they were made — so a limit refuses exactly the hits past it, as with
 * separate calls. A store failure fails every hit of its batch.
 *
 * @param store - the store whose counters are counted (its `increment` must take `hits`: every `TokenStore` does)
 * @returns a counter with the signature of one hit
 * @example
 * ```ts
 * const count = createCoalescedCounter(store);
 * const { count: n } = await count('token:client-1', 60);
 * if (n > 100) refuse();
 * ```
 */
export function createCoalescedCounter(store: Pick<TokenStore, 'increment'>): HitCounter {
  let pending = new Map<string, Batch>();
  let scheduled = false;

  const send = (batch: Batch): void => {
    const { waiters } = batch;
    let answer: Promise<CounterState>;
    try {
      answer = store.increment(batch.key, batch.windowSeconds, waiters.length);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      ({ count, resetSeconds }) => {
        const first = count - waiters.length + 1;
        for (let i = 0; i < waiters.length; i++) waiters[i]!.resolve({ count: first + i, resetSeconds });
      },
      (error: unknown) => {
        for (const w of waiters) w.reject(error);
      },
    );
  };

  const flush = (): void => {
    const batches = pending;
    pending = new Map();
    scheduled = false;
    for (const batch of batches.values()) send(batch);
  };

  return (key, windowSeconds) => new Promise<CounterState>((resolve, reject) => {
    // The window is part of the batch's identity: hits with different windows are never merged.
    const id = `${windowSeconds}\u0000${key}`;
    let batch = pending.get(id);
    if (batch === undefined) {
      batch = { key, windowSeconds, waiters: [] };
      pending.set(id, batch);
      if (!scheduled) {
        scheduled = true;
        // After the I/O callbacks of this turn (the requests that arrived together), not after each one.
        afterIo(flush);
      }
    }
    batch.waiters.push({ resolve, reject });
  });
}
