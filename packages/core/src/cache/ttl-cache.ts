import { LRUCache } from 'lru-cache';
import { TesseraArgumentError } from '../errors.js';
import { defaultClock, type Clock } from './clock.js';

/** Options of {@link TtlCache}; validated once by the constructor. */
export interface TtlCacheOptions {
  /**
   * Most entries kept at once; past it the least recently used entry is evicted. A positive safe integer.
   * @default 1000
   */
  max?: number;
  /** Time to live (milliseconds) of an entry stored without its own TTL. A positive finite number. */
  ttl: number;
  /**
   * The clock, in milliseconds; inject one in tests.
   * @default `performance.now()` (or `Date.now()` where the runtime has no `performance`)
   */
  now?: () => number;
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/**
 * A bounded least-recently-used cache whose entries each expire after a time to live.
 *
 * An entry is served for exactly its TTL and never after: expiry is checked against the clock on every read, not on
 * a timer, so no background work runs and nothing needs closing. Expired entries are dropped when read, counted
 * ({@link TtlCache.size}) or purged ({@link TtlCache.purgeExpired}), and the `max` bound evicts the least recently
 * used entry first, so memory stays bounded even if expired entries are never read again.
 *
 * Built on `lru-cache`, whose own TTL tracking is not used: it keeps an entry until its age is strictly past the TTL,
 * treats a start time of 0 as "no TTL" (which an injected clock easily produces) and arms timers to cache the time.
 *
 * @typeParam K - key type (anything but `null`/`undefined`)
 * @typeParam V - value type; `get` returns `undefined` on a miss, so avoid storing `undefined` itself
 * @throws TesseraArgumentError (`invalid_argument`) from the constructor when an option is out of range
 * @example
 * ```ts
 * const cache = new TtlCache<string, number>({ max: 100, ttl: 60_000 });
 * cache.set('a', 1);           // lives 60 s (the default TTL)
 * cache.set('b', 2, 5_000);    // lives 5 s
 * cache.set('c', 3, 0);        // TTL <= 0: not stored
 * cache.get('a');              // 1
 * cache.has('c');              // false
 * ```
 */
export class TtlCache<K extends {}, V> {
  readonly #lru: LRUCache<K, Entry<V>>;
  readonly #ttl: number;
  readonly #now: Clock;

  /**
   * @param options - bound, default TTL and clock
   * @throws TesseraArgumentError (`invalid_argument`) when `max`, `ttl` or `now` is invalid
   */
  constructor(options: TtlCacheOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TesseraArgumentError('"options" must be an object');
    }
    const max = options.max ?? 1000;
    if (!Number.isSafeInteger(max) || max <= 0) {
      throw new TesseraArgumentError('"options.max" must be a positive integer');
    }
    if (typeof options.ttl !== 'number' || !Number.isFinite(options.ttl) || options.ttl <= 0) {
      throw new TesseraArgumentError('"options.ttl" must be a positive finite number of milliseconds');
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TesseraArgumentError('"options.now" must be a function');
    }
    this.#lru = new LRUCache<K, Entry<V>>({ max });
    this.#ttl = options.ttl;
    this.#now = options.now ?? defaultClock;
  }

  /**
   * The value stored under `key`, or `undefined` when absent or expired. Marks the entry as recently used.
   * @param key - the key
   * @returns the value, or `undefined`
   */
  get(key: K): V | undefined {
    const entry = this.#lru.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#lru.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /**
   * Stores `value` under `key` for `ttlMs` milliseconds, replacing any previous entry. A TTL of zero or less stores
   * nothing and removes a previous entry, so a caller computing "time left" never caches something already stale.
   * @param key - the key
   * @param value - the value
   * @param ttlMs - time to live in milliseconds (defaults to the `ttl` option)
   * @returns this cache
   * @throws TesseraArgumentError (`invalid_argument`) when `ttlMs` is not a number or is NaN
   */
  set(key: K, value: V, ttlMs: number = this.#ttl): this {
    if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs)) {
      throw new TesseraArgumentError('"ttlMs" must be a number of milliseconds');
    }
    if (ttlMs <= 0) {
      this.#lru.delete(key);
      return this;
    }
    this.#lru.set(key, { value, expiresAt: this.#now() + ttlMs });
    return this;
  }

  /**
   * Whether a live entry is stored under `key`. Does not mark it as recently used.
   * @param key - the key
   * @returns true when `get(key)` would return a value
   */
  has(key: K): boolean {
    const entry = this.#lru.peek(key);
    if (entry === undefined) return false;
    if (this.#now() >= entry.expiresAt) {
      this.#lru.delete(key);
      return false;
    }
    return true;
  }

  /**
   * Removes the entry under `key`.
   * @param key - the key
   * @returns true when a live entry was removed
   */
  delete(key: K): boolean {
    const live = this.has(key);
    this.#lru.delete(key);
    return live;
  }

  /** Removes every entry. */
  clear(): void {
    this.#lru.clear();
  }

  /**
   * Removes every expired entry now (reads already ignore them; this frees their memory early).
   * @returns how many entries were removed
   */
  purgeExpired(): number {
    const now = this.#now();
    const expired: K[] = [];
    for (const [key, entry] of this.#lru.entries()) {
      if (now >= entry.expiresAt) expired.push(key);
    }
    for (const key of expired) this.#lru.delete(key);
    return expired.length;
  }

  /** How many live entries the cache holds (expired ones are purged first, so this is O(n)). */
  get size(): number {
    this.purgeExpired();
    return this.#lru.size;
  }
}
