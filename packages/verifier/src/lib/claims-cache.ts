import { LRUCache } from 'lru-cache';
import type { AuthResult } from '../types.js';

interface Entry {
  /** The token itself: a slot is shared by every token with the same tail, so a hit compares the whole token. */
  readonly token: string;
  readonly result: AuthResult;
  /** Wall-clock milliseconds after which the entry is never served. */
  readonly expiresAt: number;
  /** `tokenFingerprint(token)`: the name revocation events and the shared (store) level use. */
  readonly fingerprint: string;
  readonly jti: string | undefined;
}

/** Tokens longer than this are filed under their last {@link TAIL} characters; shorter ones under themselves. */
const LONG = 64;
const TAIL = 32;

/** Where `token` is filed first: its tail (a JWS's signature, a JWE's tag), which V8 hashes ~10× faster than the whole. */
function slotOf(token: string): string {
  return token.length > LONG ? token.slice(-TAIL) : token;
}

/**
 * The in-memory level of the verified-claims cache: bounded (LRU), each entry served only until its own expiry
 * (never past the token's `exp`).
 *
 * A hit costs one `Map` look-up of the token's last 32 characters and one string comparison with the whole token —
 * no SHA-256, and no hashing of a ~300-character string (V8 hashes every character of a new string; in a busy server
 * that was most of a hit's cost). The tail of a verified JWS is its signature and of a JWE its authentication tag, so
 * two live tokens share a tail only by a format whose tokens end alike (some opaque tokens): then the later one is
 * filed under the whole token and look-ups try both — slower, never wrong. Only tokens that passed verification are
 * ever filed, so the cache holds at most `max` of them, each within the verifier's `maxTokenSize`; nothing here
 * leaves the process (the store level is keyed by fingerprint). With `indexed`, a fingerprint → token index and a
 * `jti` → tokens index let a revocation event, which names a fingerprint or a `jti`, evict every cached token it
 * concerns at once. A token is filed in one slot at most, so evicting it leaves no copy behind.
 */
export class ClaimsCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #byJti = new Map<string, Set<string>>();
  readonly #byFingerprint = new Map<string, string>();
  readonly #now: () => number;
  readonly #indexed: boolean;
  /** Whether two live tokens ever shared a tail (from then on a look-up may try the whole token too). */
  #spilled = false;

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
      ...(indexed ? { dispose: (entry: Entry) => this.#unindex(entry) } : {}),
    });
  }

  #unindex(entry: Entry): void {
    const { token } = entry;
    if (this.#byFingerprint.get(entry.fingerprint) === token) this.#byFingerprint.delete(entry.fingerprint);
    if (entry.jti === undefined) return;
    const set = this.#byJti.get(entry.jti);
    if (set === undefined) return;
    set.delete(token);
    if (set.size === 0) this.#byJti.delete(entry.jti);
  }

  /** The slot holding `token`'s entry, if any. */
  #find(token: string): { slot: string; entry: Entry } | undefined {
    const slot = slotOf(token);
    const entry = this.#lru.peek(slot);
    if (entry?.token === token) return { slot, entry };
    if (!this.#spilled || slot === token) return undefined;
    const spilled = this.#lru.peek(token);
    return spilled === undefined ? undefined : { slot: token, entry: spilled };
  }

  /** The cached result for a token, or undefined when absent or expired. */
  get(token: string): AuthResult | undefined {
    const slot = slotOf(token);
    const entry = this.#lru.get(slot);
    // The hot path: one look-up by tail, one comparison.
    if (entry?.token === token) return this.#live(entry, slot);
    if (!this.#spilled || slot === token) return undefined;
    const spilled = this.#lru.get(token);
    return spilled === undefined ? undefined : this.#live(spilled, token);
  }

  #live(entry: Entry, slot: string): AuthResult | undefined {
    if (this.#now() < entry.expiresAt) return entry.result;
    this.#lru.delete(slot);
    return undefined;
  }

  /** Caches `result` for `token` (whose fingerprint is given) until `expiresAt` (wall-clock ms); nothing is stored when that is not in the future. */
  set(token: string, fingerprint: string, result: AuthResult, expiresAt: number): void {
    if (!(expiresAt > this.#now())) return;
    const jti = this.#indexed && typeof result.claims.jti === 'string' ? result.claims.jti : undefined;
    const entry: Entry = { token, result, expiresAt, fingerprint, jti };
    let slot = slotOf(token);
    const holder = this.#lru.peek(slot);
    if (holder !== undefined && holder.token !== token && this.#now() < holder.expiresAt) {
      // Another live token ends alike: file this one under itself.
      this.#spilled = true;
      slot = token;
    } else if (this.#spilled && slot !== token) {
      this.#lru.delete(token); // a copy filed under the whole token earlier: one slot per token
    }
    this.#lru.set(slot, entry);
    if (!this.#indexed) return;
    this.#byFingerprint.set(fingerprint, token);
    if (jti !== undefined) {
      let set = this.#byJti.get(jti);
      if (set === undefined) this.#byJti.set(jti, (set = new Set()));
      set.add(token);
    }
  }

  #delete(token: string): void {
    const found = this.#find(token);
    if (found !== undefined) this.#lru.delete(found.slot);
  }

  /** Evicts the token with this fingerprint (a revocation event names tokens by fingerprint). */
  deleteFingerprint(fingerprint: string): void {
    const token = this.#byFingerprint.get(fingerprint);
    if (token !== undefined) this.#delete(token);
  }

  /** Evicts every token carrying this `jti`. */
  deleteJti(jti: string): void {
    const set = this.#byJti.get(jti);
    if (set === undefined) return;
    for (const token of [...set]) this.#delete(token);
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
