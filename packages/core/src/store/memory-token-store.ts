import { TesseraArgumentError } from '../errors.js';
import type { JwtClaims } from '../types.js';
import { defaultClock, type Clock } from '../cache/clock.js';
import { TtlCache } from '../cache/ttl-cache.js';
import { live, purge, type Expiring } from './internal/expiring.js';
import { MemoryFamilies } from './internal/memory-families.js';
import { storeClosed } from './internal/store-errors.js';
import {
  assertAccessToken,
  assertHits,
  assertKey,
  assertListener,
  assertOptions,
  assertPositiveTtl,
  assertTtl,
  checkRotation,
  serialiseClaims,
  serialiseJsonObject,
  serialiseOpaqueRecord,
  serialiseRefreshRecord,
} from './internal/validate.js';
import { RevocationHub } from './revocation-hub.js';
import type {
  CounterState,
  IssueRefreshTokenOptions,
  JsonObject,
  OpaqueTokenRecord,
  RefreshTokenRecord,
  RefreshTokenRotation,
  RevocationListener,
  RefreshRotateOptions,
  RefreshRotateResult,
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

interface JsonEntry extends Expiring {
  readonly json: string;
}
interface CounterEntry extends Expiring {
  count: number;
}

/**
 * The embedded {@link TokenStore}: one process, no dependencies, state lost on restart. Use `@tessera/redis` when
 * several processes issue or verify tokens.
 *
 * Atomic by construction: no operation awaits between its reads and its writes, so JavaScript's single thread runs
 * each one to completion before the next starts (of 100 concurrent rotations of one token, the first wins and the
 * other 99 see a rotated token).
 *
 * Memory: refresh tokens, families and the denylist are never evicted to save memory, since dropping a denylist entry
 * would un-revoke a token and dropping a family or a rotated token would blind reuse detection. They leave only when
 * their TTL ends (checked on every read, swept every `sweepIntervalMs`). So memory grows with the tokens *live* at
 * once, not with requests: roughly the record's JSON plus ~150 bytes per refresh token (rotated ones stay until their
 * own TTL), ~200 bytes per family plus ~100 per live access token it tracks, ~100 bytes plus the `jti` per denylist
 * entry, and as much per session, replay marker, counter and one-time value. A million live refresh tokens with
 * small records is on the order of 500 MB: past a few hundred thousand, or with more than one process, use
 * `@tessera/redis`. Only the verified-claims cache is bounded (`maxCachedClaims`, least recently used out), since
 * losing an entry there costs one more verify.
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
  readonly #opaque = new Map<string, JsonEntry>();
  readonly #denied = new Map<string, Expiring>();
  readonly #sessions = new Map<string, Expiring>();
  readonly #counters = new Map<string, CounterEntry>();
  readonly #used = new Map<string, Expiring>();
  readonly #oneTime = new Map<string, JsonEntry>();
  readonly #claims: TtlCache<string, string>;
  readonly #hub = new RevocationHub();
  readonly #families = new MemoryFamilies({
    denylist: (jti, expiresAt, now) => this.#denylist(jti, expiresAt, now),
    deleteOpaque: (hash) => this.#deleteOpaque(hash),
    publish: (event) => this.#hub.publish(event),
  });
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /**
   * @param options - clock, sweep interval and claims-cache bound
   * @throws TesseraArgumentError (`invalid_argument`) when an option is invalid
   */
  constructor(options: MemoryTokenStoreOptions = {}) {
    assertOptions('options', options);
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
    this.#deleteOpaque(hash);
  }

  async issueRefreshToken(
    hash: string,
    record: RefreshTokenRecord,
    ttlSeconds: number,
    options: IssueRefreshTokenOptions = {},
  ): Promise<void> {
    this.#assertOpen();
    assertKey('hash', hash);
    assertPositiveTtl('ttlSeconds', ttlSeconds);
    const json = serialiseRefreshRecord('record', record);
    assertOptions('options', options);
    assertAccessToken('options.accessToken', options.accessToken);
    const now = this.#now();
    this.#families.issue(hash, json, record.familyId, now + ttlSeconds * 1000, options.accessToken, now);
  }

  async getRefreshToken(hash: string): Promise<StoredRefreshToken | undefined> {
    this.#assertOpen();
    assertKey('hash', hash);
    return this.#families.get(hash, this.#now());
  }

  async rotate(oldHash: string, next: RefreshTokenRotation, options: RefreshRotateOptions = {}): Promise<RefreshRotateResult> {
    this.#assertOpen();
    const checked = checkRotation(oldHash, next, options);
    return this.#families.rotate(oldHash, checked, this.#now());
  }

  async revokeFamily(familyId: string): Promise<void> {
    this.#assertOpen();
    assertKey('familyId', familyId);
    this.#families.revokeFamily(familyId, this.#now());
  }

  async revoke(jti: string, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertKey('jti', jti);
    assertTtl('ttlSeconds', ttlSeconds);
    if (ttlSeconds <= 0) return;
    const now = this.#now();
    this.#denylist(jti, now + ttlSeconds * 1000, now);
  }

  async isRevoked(jti: string): Promise<boolean> {
    this.#assertOpen();
    assertKey('jti', jti);
    return live(this.#denied, jti, this.#now()) !== undefined;
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

  async subscribeRevocations(listener: RevocationListener): Promise<() => Promise<void>> {
    this.#assertOpen();
    assertListener(listener);
    const unsubscribe = this.#hub.subscribe(listener);
    return async () => unsubscribe();
  }

  async increment(key: string, windowSeconds: number, hits = 1): Promise<CounterState> {
    this.#assertOpen();
    assertKey('key', key);
    assertPositiveTtl('windowSeconds', windowSeconds);
    assertHits('hits', hits);
    const now = this.#now();
    let entry = live(this.#counters, key, now);
    if (entry === undefined) {
      entry = { count: 0, expiresAt: now + windowSeconds * 1000 };
      this.#counters.set(key, entry);
    }
    entry.count += hits;
    // `now + window - now` is not exactly `window` in floating point at today's epoch: never report more than it.
    return { count: entry.count, resetSeconds: Math.min(windowSeconds, (entry.expiresAt - now) / 1000) };
  }

  async markUsed(key: string, ttlSeconds: number): Promise<boolean> {
    this.#assertOpen();
    assertKey('key', key);
    assertPositiveTtl('ttlSeconds', ttlSeconds);
    const now = this.#now();
    if (live(this.#used, key, now) !== undefined) return false;
    this.#used.set(key, { expiresAt: now + ttlSeconds * 1000 });
    return true;
  }

  async putOneTime(key: string, value: JsonObject, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertKey('key', key);
    assertPositiveTtl('ttlSeconds', ttlSeconds);
    const json = serialiseJsonObject('value', value);
    this.#oneTime.set(key, { json, expiresAt: this.#now() + ttlSeconds * 1000 });
  }

  async takeOneTime(key: string): Promise<JsonObject | undefined> {
    this.#assertOpen();
    assertKey('key', key);
    const entry = live(this.#oneTime, key, this.#now());
    if (entry === undefined) return undefined;
    this.#oneTime.delete(key);
    return JSON.parse(entry.json) as JsonObject;
  }

  async putSession(jti: string, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertKey('jti', jti);
    assertPositiveTtl('ttlSeconds', ttlSeconds);
    this.#sessions.set(jti, { expiresAt: this.#now() + ttlSeconds * 1000 });
  }

  async hasSession(jti: string): Promise<boolean> {
    this.#assertOpen();
    assertKey('jti', jti);
    return live(this.#sessions, jti, this.#now()) !== undefined;
  }

  async deleteSession(jti: string): Promise<void> {
    this.#assertOpen();
    assertKey('jti', jti);
    this.#sessions.delete(jti);
    this.#hub.publish({ type: 'session', jti });
  }

  async ping(): Promise<void> {
    this.#assertOpen();
  }

  /**
   * Removes every expired entry now. The sweep timer calls it; reads never return expired entries either way.
   * @returns how many entries were removed
   */
  purgeExpired(): number {
    const now = this.#now();
    return (
      purge(this.#opaque, now) +
      this.#families.purge(now) +
      purge(this.#denied, now) +
      purge(this.#sessions, now) +
      purge(this.#counters, now) +
      purge(this.#used, now) +
      purge(this.#oneTime, now) +
      this.#claims.purgeExpired()
    );
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#closed = true;
    this.#opaque.clear();
    this.#families.clear();
    this.#denied.clear();
    this.#sessions.clear();
    this.#counters.clear();
    this.#used.clear();
    this.#oneTime.clear();
    this.#claims.clear();
    this.#hub.clear();
  }

  #deleteOpaque(hash: string): void {
    this.#opaque.delete(hash);
    this.#hub.publish({ type: 'opaque', hash });
  }

  /** Puts `jti` on the denylist until `expiresAt` (never shortening an entry) and publishes it. */
  #denylist(jti: string, expiresAt: number, now: number): void {
    const existing = live(this.#denied, jti, now);
    if (existing === undefined) this.#denied.set(jti, { expiresAt });
    else existing.expiresAt = Math.max(existing.expiresAt, expiresAt);
    this.#hub.publish({ type: 'jti', jti });
  }

  #assertOpen(): void {
    if (this.#closed) throw storeClosed();
  }
}
