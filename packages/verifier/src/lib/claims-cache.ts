import { LRUCache } from 'lru-cache';
import type { AuthResult } from '../types.js';

interface Entry {
  readonly result: AuthResult;
  /** Wall-clock milliseconds after which the entry is never served. */
  readonly expiresAt: number;
  /** `tokenFingerprint(token)`: the name revocation events and the shared (store) level use. */
  readonly fingerprint: string;
  readonly jti: string | undefined;
}

/**
 * The in-memory level of the verified-claims cache: bounded (LRU), each entry served only until its own expiry
 * (never past the token's `exp`).
 *
 * Entries are keyed by the token itself, so a hit costs one `Map` lookup and no SHA-256 (hashing the token was the
 * largest part of a cache hit inside a busy server). Only tokens that passed verification are ever keys, so the
 * cache holds at most `max` of them, each within the verifier's `maxTokenSize`; nothing here leaves the process (the
 * store level is keyed by fingerprint). With `indexed`, a fingerprint → token index and a `jti` → tokens index let a
 * revocation event, which names a fingerprint or a `jti`, evict every cached token it concerns at once.
 */
export class ClaimsCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #byJti = new Map<string, Set<string>>();
  readonly #byFingerprint = new Map<string, string>();
  readonly #now: () => number;
  readonly #indexed: boolean;

  /**
   * @param max - most entries
   * @param now - wall clock in ms
   * @param indexed - keep the fingerprint and `jti` indexes (only useful when a store publishes revocations)
   */
  constructor(max: number, now: () => number, indexed: boolean) {
    this.#now = now;
    this.#indexed = indexed;
    this.#lru = new LRUCache<string, Entry>({
      max,
      ...(indexed ? { dispose: (entry: Entry, token: string) => this.#unindex(entry, token) } : {}),
    });
  }

  #unindex(entry: Entry, token: string): void {
    if (this.#byFingerprint.get(entry.fingerprint) === token) this.#byFingerprint.delete(entry.fingerprint);
    if (entry.jti === undefined) return;
    const set = this.#byJti.get(entry.jti);
    if (set === undefined) return;
    set.delete(token);
    if (set.size === 0) this.#byJti.delete(entry.jti);
  }

  /** The cached result for a token, or undefined when absent or expired. */
  get(token: string): AuthResult | undefined {
    const entry = this.#lru.get(token);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.expiresAt) {
      this.#lru.delete(token);
      return undefined;
    }
    return entry.result;
  }

  /** Caches `result` for `token` (whose fingerprint is given) until `expiresAt` (wall-clock ms); nothing is stored when that is not in the future. */
  set(token: string, fingerprint: string, result: AuthResult, expiresAt: number): void {
    if (!(expiresAt > this.#now())) return;
    const jti = this.#indexed && typeof result.claims.jti === 'string' ? result.claims.jti : undefined;
    this.#lru.set(token, { result, expiresAt, fingerprint, jti });
    if (!this.#indexed) return;
    this.#byFingerprint.set(fingerprint, token);
    if (jti !== undefined) {
      let set = this.#byJti.get(jti);
      if (set === undefined) this.#byJti.set(jti, (set = new Set()));
      set.add(token);
    }
  }

  /** Evicts the token with this fingerprint (a revocation event names tokens by fingerprint). */
  deleteFingerprint(fingerprint: string): void {
    const token = this.#byFingerprint.get(fingerprint);
    if (token !== undefined) this.#lru.delete(token);
  }

  /** Evicts every token carrying this `jti`. */
  deleteJti(jti: string): void {
    const set = this.#byJti.get(jti);
    if (set === undefined) return;
    for (const token of [...set]) this.#lru.delete(token);
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
