/**
 * Shares one in-flight call per key among concurrent callers.
 *
 * @typeParam K - key type (compared as `Map` keys are)
 * @typeParam V - what the shared call resolves to
 */
export interface SingleFlight<K, V> {
  /**
   * Runs `fn` unless a call for `key` is already in flight, in which case its promise is returned instead.
   *
   * The entry is dropped as soon as the call settles, whether it fulfils or rejects: a result is never reused by a
   * later call (cache it separately if you want that), and a failure is never cached, so the next caller retries.
   * A synchronous throw from `fn` becomes a rejection shared the same way.
   *
   * @param key - what identifies "the same work" (e.g. a token fingerprint)
   * @param fn - starts the work; called at most once per settled flight
   * @returns the shared result
   */
  run(key: K, fn: () => Promise<V>): Promise<V>;
  /**
   * Whether a call for `key` is in flight right now.
   * @param key - the key
   * @returns true between the first `run(key, …)` and the settling of its call
   */
  inFlight(key: K): boolean;
}

/**
 * Creates a {@link SingleFlight}: concurrent look-ups of one key (one token at the remote verifier, one refresh at
 * the client) share one call instead of stampeding the backend.
 *
 * @typeParam K - key type
 * @typeParam V - result type
 * @returns a new, empty single-flight group
 * @example
 * ```ts
 * const flights = createSingleFlight<string, Claims>();
 * const [a, b] = await Promise.all([
 *   flights.run(fingerprint, () => introspect(token)),
 *   flights.run(fingerprint, () => introspect(token)), // shares the first call
 * ]);
 * ```
 */
export function createSingleFlight<K, V>(): SingleFlight<K, V> {
  const flights = new Map<K, Promise<V>>();
  return {
    run(key, fn) {
      const existing = flights.get(key);
      if (existing !== undefined) return existing;
      let started: Promise<V>;
      try {
        started = Promise.resolve(fn());
      } catch (err) {
        started = Promise.reject(err);
      }
      // `finally` runs before `shared` settles, so by the time any caller sees the outcome the entry is gone.
      const shared = started.finally(() => {
        if (flights.get(key) === shared) flights.delete(key);
      });
      flights.set(key, shared);
      return shared;
    },
    inFlight(key) {
      return flights.has(key);
    },
  };
}
