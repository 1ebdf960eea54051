import { TesseraArgumentError } from '../errors.js';
import type { JwtClaims } from '../types.js';
import { defaultClock, type Clock } from '../cache/clock.js';
import { TtlCache } from '../cache/ttl-cache.js';
import { refreshTokenInvalid, refreshTokenReused, storeClosed } from './internal/store-errors.js';
import {
  assertKey,
  assertPositiveTtl,
  assertTtl,
  serialiseClaims,
  serialiseOpaqueRecord,
  serialiseRefreshRecord,
} from './internal/validate.js';
import type {
  OpaqueTokenRecord,
  RefreshTokenRecord,
  RefreshTokenRotation,
  StoredRefreshToken,
  TokenStore,
} from './token-store.js';

/** Options of {@link MemoryTokenStore}; validated once by the constructor. */
export interface MemoryTokenStoreOptions {
  /**
   * The clock, in milliseconds (only differences matter); inject one in tests.
   * @default `performance.now()` (or `Date.now()` where the runtime has no `performance`)
   */
  now?: () => number;
  /**
   * How often (ms) expired tokens, families and denylist entries are swept out; 0 disables the sweep (reads still
   * ignore expired entries). The timer is unref'd, so it never keeps a Node process alive, and `close()` clears it.
   * @default 60000
   */
  sweepIntervalMs?: number;
  /**
   * Most verified-claims entries kept; past it the least recently used is evicted (a cache miss only costs a verify).
   * @default 10000
   */
  maxCachedClaims?: number;
}

interface Expiring {
  expiresAt: number;
}
interface OpaqueEntry extends Expiring {
  readonly json: string;
}
interface RefreshEntry extends Expiring {
  readonly json: string;
  readonly familyId: string;
  rotated: boolean;
}
interface FamilyEntry extends Expiring {
  revoked: boolean;
}

/** Returns the live entry under `key`, dropping it when expired. */
function live<T extends Expiring>(map: Map<string, T>, key: string, now: number): T | undefined {
  const entry = map.get(key);
  if (entry === undefined) return undefined;
  if (now >= entry.expiresAt) {
    map.delete(key);
    return undefined;
  }
  return entry;
}

function purge(map: Map<string, Expiring>, now: number): number {
  let removed = 0;
  for (const [key, entry] of map) {
    if (now >= entry.expiresAt) {
      map.delete(key);
      removed++;
    }
  }
  return removed;
}

/**
 * The embedded {@link TokenStore}: one process, no dependencies, state lost on restart. Use `@tessera/redis` when
 * several processes issue or verify tokens.
 *
 * Atomic by construction: no operation awaits between its reads and its writes, so JavaScript's single thread runs
 * each one to completion before the next starts (of 100 concurrent rotations of one token, the first wins and the
 * other 99 see a rotated token).
 *
 * Tokens, families and the denylist are never evicted to save memory: dropping a denylist entry would un-revoke a
 * token and dropping a rotated token would blind reuse detection, so they leave only when their TTL ends (checked on
 * every read, and swept periodically). They grow with tokens issued and revoked, not with requests. Only the claims
 * cache is size-bounded, since losing an entry there costs one more verify.
 *
 * @throws TesseraArgumentError (`invalid_argument`) from the constructor when an option is out of range
 * @example
 * ```ts
 * const store = new MemoryTokenStore();
 * await store.revoke(claims.jti, claims.exp - Math.floor(Date.now() / 1000));
 * await store.isRevoked(claims.jti); // true
 * await store.close();
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  readonly #now: Clock;
  readonly #opaque = new Map<string, OpaqueEntry>();
  readonly #refresh = new Map<string, RefreshEntry>();
  readonly #families = new Map<string, FamilyEntry>();
  readonly #denylist = new Map<string, Expiring>();
  readonly #claims: TtlCache<string, string>;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /**
   * @param options - clock, sweep interval and claims-cache bound
   * @throws TesseraArgumentError (`invalid_argument`) when an option is invalid
   */
  constructor(options: MemoryTokenStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TesseraArgumentError('"options" must be an object');
    }
    const { now = defaultClock, sweepIntervalMs = 60_000, maxCachedClaims = 10_000 } = options;
    if (typeof now !== 'function') throw new TesseraArgumentError('"options.now" must be a function');
    if (!Number.isSafeInteger(sweepIntervalMs) || sweepIntervalMs < 0) {
      throw new TesseraArgumentError('"options.sweepIntervalMs" must be a non-negative integer');
    }
    if (!Number.isSafeInteger(maxCachedClaims) || maxCachedClaims <= 0) {
      throw new TesseraArgumentError('"options.maxCachedClaims" must be a positive integer');
    }
    this.#now = now;
    // The TTL here is only a fallback: cacheClaims always passes its own.
    this.#claims = new TtlCache<string, string>({ max: maxCachedClaims, ttl: 60_000, now });
    if (sweepIntervalMs > 0) {
      this.#timer = setInterval(() => this.purgeExpired(), sweepIntervalMs);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  async putOpaqueToken(hash: string, record: OpaqueTokenRecord, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertKey('hash', hash);
    assertPositiveTtl('ttlSeconds', ttlSeconds);
    const json = serialiseOpaqueRecord('record', record);
    this.#opaque.set(hash, { json, expiresAt: this.#now() + ttlSeconds * 1000 });
  }

  async getOpaqueToken(hash: string): Promise<OpaqueTokenRecord | undefined> {
    this.#assertOpen();
    assertKey('hash', hash);
    const entry = live(this.#opaque, hash, this.#now());
    return entry === undefined ? undefined : (JSON.parse(entry.json) as OpaqueTokenRecord);
  }

  async deleteOpaqueToken(hash: string): Promise<void> {
    this.#assertOpen();
    assertKey('hash', hash);
    this.#opaque.delete(hash);
  }

  async issueRefreshToken(hash: string, record: RefreshTokenRecord, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertKey('hash', hash);
    assertPositiveTtl('ttlSeconds', ttlSeconds);
    const json = serialiseRefreshRecord('record', record);
    const now = this.#now();
    if (live(this.#refresh, hash, now) !== undefined) {
      throw new TesseraArgumentError('"hash" is already stored; every refresh token must be new');
    }
    const family = live(this.#families, record.familyId, now);
    if (family?.revoked === true) throw refreshTokenInvalid();
    this.#store(hash, json, record.familyId, now + ttlSeconds * 1000, family);
  }

  async getRefreshToken(hash: string): Promise<StoredRefreshToken | undefined> {
    this.#assertOpen();
    assertKey('hash', hash);
    const now = this.#now();
    const entry = live(this.#refresh, hash, now);
    if (entry === undefined) return undefined;
    const family = live(this.#families, entry.familyId, now);
    if (family === undefined || family.revoked) return undefined;
    return { record: JSON.parse(entry.json) as RefreshTokenRecord, rotated: entry.rotated };
  }

  async rotate(oldHash: string, next: RefreshTokenRotation): Promise<void> {
    this.#assertOpen();
    assertKey('oldHash', oldHash);
    if (typeof next !== 'object' || next === null) throw new TesseraArgumentError('"next" must be an object');
    assertKey('next.hash', next.hash);
    assertPositiveTtl('next.ttlSeconds', next.ttlSeconds);
    const json = serialiseRefreshRecord('next.record', next.record);
    if (next.hash === oldHash) throw new TesseraArgumentError('"next.hash" must differ from "oldHash"');

    // From here to the end nothing awaits: the check and the update are one step for every other caller.
    const now = this.#now();
    const old = live(this.#refresh, oldHash, now);
    if (old === undefined) throw refreshTokenInvalid();
    const family = live(this.#families, old.familyId, now);
    if (old.rotated) {
      if (family !== undefined) family.revoked = true;
      throw refreshTokenReused();
    }
    if (family === undefined || family.revoked) throw refreshTokenInvalid();
    if (next.record.familyId !== old.familyId) {
      throw new TesseraArgumentError('"next.record.familyId" must equal the rotated token\'s family');
    }
    if (live(this.#refresh, next.hash, now) !== undefined) {
      throw new TesseraArgumentError('"next.hash" is already stored; every refresh token must be new');
    }
    old.rotated = true;
    this.#store(next.hash, json, old.familyId, now + next.ttlSeconds * 1000, family);
  }

  async revokeFamily(familyId: string): Promise<void> {
    this.#assertOpen();
    assertKey('familyId', familyId);
    const family = live(this.#families, familyId, this.#now());
    if (family !== undefined) family.revoked = true;
  }

  async revoke(jti: string, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertKey('jti', jti);
    assertTtl('ttlSeconds', ttlSeconds);
    if (ttlSeconds <= 0) return;
    const now = this.#now();
    const expiresAt = now + ttlSeconds * 1000;
    const existing = live(this.#denylist, jti, now);
    if (existing === undefined) this.#denylist.set(jti, { expiresAt });
    else existing.expiresAt = Math.max(existing.expiresAt, expiresAt);
  }

  async isRevoked(jti: string): Promise<boolean> {
    this.#assertOpen();
    assertKey('jti', jti);
    return live(this.#denylist, jti, this.#now()) !== undefined;
  }

  async cacheClaims(fingerprint: string, claims: JwtClaims, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertKey('fingerprint', fingerprint);
    assertTtl('ttlSeconds', ttlSeconds);
    const json = serialiseClaims('claims', claims);
    this.#claims.set(fingerprint, json, ttlSeconds * 1000);
  }

  async getCachedClaims(fingerprint: string): Promise<JwtClaims | undefined> {
    this.#assertOpen();
    assertKey('fingerprint', fingerprint);
    const json = this.#claims.get(fingerprint);
    return json === undefined ? undefined : (JSON.parse(json) as JwtClaims);
  }

  /**
   * Removes every expired entry now. The sweep timer calls it; reads never return expired entries either way.
   * @returns how many entries were removed
   */
  purgeExpired(): number {
    const now = this.#now();
    return (
      purge(this.#opaque, now) +
      purge(this.#refresh, now) +
      purge(this.#families, now) +
      purge(this.#denylist, now) +
      this.#claims.purgeExpired()
    );
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#closed = true;
    this.#opaque.clear();
    this.#refresh.clear();
    this.#families.clear();
    this.#denylist.clear();
    this.#claims.clear();
  }

  /** Stores a refresh token and keeps its family alive at least as long as the token. */
  #store(hash: string, json: string, familyId: string, expiresAt: number, family: FamilyEntry | undefined): void {
    this.#refresh.set(hash, { json, familyId, expiresAt, rotated: false });
    if (family === undefined) this.#families.set(familyId, { revoked: false, expiresAt });
    else family.expiresAt = Math.max(family.expiresAt, expiresAt);
  }

  #assertOpen(): void {
    if (this.#closed) throw storeClosed();
  }
}
