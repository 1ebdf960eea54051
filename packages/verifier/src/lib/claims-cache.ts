import { LRUCache } from 'lru-cache';
import type { AuthResult } from '../types.js';

interface Entry {
  readonly result: AuthResult;
  /** Wall-clock milliseconds after which the entry is never served. */
  readonly expiresAt: number;
  readonly jti: string | undefined;
}

/**
 * The in-memory level of the verified-claims cache: bounded (LRU), keyed by `tokenFingerprint`, each entry served
 * only until its own expiry (never past the token's `exp`), with a `jti` → fingerprints index so a revocation event
 * evicts every cached token carrying that `jti` at once.
 */
export class ClaimsCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #byJti = new Map<string, Set<string>>();
  readonly #now: () => number;
  readonly #indexed: boolean;

  /**
   * @param max - most entries
   * @param now - wall clock in ms
   * @param indexJti - keep the `jti` index (only useful when a store publishes revocations)
   */
  constructor(max: number, now: () => number, indexJti: boolean) {
    this.#now = now;
    this.#indexed = indexJti;
    this.#lru = new LRUCache<string, Entry>({
      max,
      dispose: (entry, fingerprint) => {
        if (entry.jti === undefined) return;
        const set = this.#byJti.get(entry.jti);
        if (set === undefined) return;
        set.delete(fingerprint);
        if (set.size === 0) this.#byJti.delete(entry.jti);
      },
    });
  }

  /** The cached result for a fingerprint, or undefined when absent or expired. */
  get(fingerprint: string): AuthResult | undefined {
    const entry = this.#lru.get(fingerprint);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#lru.delete(fingerprint);
      return undefined;
    }
    return entry.result;
  }

  /** Caches `result` until `expiresAt` (wall-clock ms); nothing is stored when that is not in the future. */
  set(fingerprint: string, result: AuthResult, expiresAt: number): void {
    if (!(expiresAt > this.#now())) return;
    const jti = this.#indexed && typeof result.claims.jti === 'string' ? result.claims.jti : undefined;
    this.#lru.set(fingerprint, { result, expiresAt, jti });
    if (jti !== undefined) {
      let set = this.#byJti.get(jti);
      if (set === undefined) this.#byJti.set(jti, (set = new Set()));
      set.add(fingerprint);
    }
  }

  /** Evicts one token. */
  delete(fingerprint: string): void {
    this.#lru.delete(fingerprint);
  }

  /** Evicts every token carrying this `jti`. */
  deleteJti(jti: string): void {
    const set = this.#byJti.get(jti);
    if (set === undefined) return;
    for (const fingerprint of [...set]) this.#lru.delete(fingerprint);
  }

  /** Evicts everything. */
  clear(): void {
    this.#lru.clear();
  }

  /** Live entries (expired ones may still be counted until read). */
  get size(): number {
    return this.#lru.size;
  }
}
