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
import { RevocationHub } from './internal/revocation-hub.js';
import type {
  CounterState,
  FamilyAccessToken,
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
  /** Set by the rotation of this token: its successor and, with a grace window, what a replay gets back. */
  successorHash?: string;
  sealedSuccessor?: string;
  graceUntil?: number;
}
interface TrackedAccessToken extends Expiring {
  readonly jti?: string;
  readonly hash?: string;
}
interface FamilyEntry extends Expiring {
  revoked: boolean;
  accessTokens: TrackedAccessToken[];
}
interface CounterEntry extends Expiring {
  count: number;
}
interface OneTimeEntry extends Expiring {
  readonly json: string;
}

const ROTATED: RefreshRotateResult = Object.freeze({ outcome: 'rotated' });

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

/** Throws unless `value` is absent or a {@link FamilyAccessToken}. */
function assertAccessToken(name: string, value: FamilyAccessToken | undefined): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null) throw new TesseraArgumentError(`"${name}" must be an object`);
  if (value.jti === undefined && value.hash === undefined) {
    throw new TesseraArgumentError(`"${name}" needs a "jti" or a "hash"`);
  }
  if (value.jti !== undefined) assertKey(`${name}.jti`, value.jti);
  if (value.hash !== undefined) assertKey(`${name}.hash`, value.hash);
  assertPositiveTtl(`${name}.ttlSeconds`, value.ttlSeconds);
}

/** Validates {@link RefreshRotateOptions}. */
function rotateOptions(options: RefreshRotateOptions): { graceSeconds: number; successor: string | undefined } {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('"options" must be an object');
  const { graceSeconds = 0, successor } = options;
  if (typeof graceSeconds !== 'number' || !Number.isFinite(graceSeconds) || graceSeconds < 0) {
    throw new TesseraArgumentError('"options.graceSeconds" must be a non-negative finite number of seconds');
  }
  if (graceSeconds > 0) assertKey('options.successor', successor);
  return { graceSeconds, successor };
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
  readonly #denied = new Map<string, Expiring>();
  readonly #sessions = new Map<string, Expiring>();
  readonly #counters = new Map<string, CounterEntry>();
  readonly #used = new Map<string, Expiring>();
  readonly #oneTime = new Map<string, OneTimeEntry>();
  readonly #claims: TtlCache<string, string>;
  readonly #hub = new RevocationHub();
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
    this.#hub.publish({ type: 'opaque', hash });
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
    if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('"options" must be an object');
    assertAccessToken('options.accessToken', options.accessToken);
    const now = this.#now();
    if (live(this.#refresh, hash, now) !== undefined) {
      throw new TesseraArgumentError('"hash" is already stored; every refresh token must be new');
    }
    const family = live(this.#families, record.familyId, now);
    if (family?.revoked === true) throw refreshTokenInvalid();
    const stored = this.#store(hash, json, record.familyId, now + ttlSeconds * 1000, family);
    this.#track(stored, options.accessToken, now);
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

  async rotate(oldHash: string, next: RefreshTokenRotation, options: RefreshRotateOptions = {}): Promise<RefreshRotateResult> {
    this.#assertOpen();
    assertKey('oldHash', oldHash);
    if (typeof next !== 'object' || next === null) throw new TesseraArgumentError('"next" must be an object');
    assertKey('next.hash', next.hash);
    assertPositiveTtl('next.ttlSeconds', next.ttlSeconds);
    const json = serialiseRefreshRecord('next.record', next.record);
    if (next.hash === oldHash) throw new TesseraArgumentError('"next.hash" must differ from "oldHash"');
    assertAccessToken('next.accessToken', next.accessToken);
    const { graceSeconds, successor } = rotateOptions(options);

    // From here to the end nothing awaits: the check and the update are one step for every other caller.
    const now = this.#now();
    const old = live(this.#refresh, oldHash, now);
    if (old === undefined) throw refreshTokenInvalid();
    const family = live(this.#families, old.familyId, now);
    if (old.rotated) {
      const replay = this.#graceReplay(old, family, now);
      if (replay !== undefined) return { outcome: 'grace', successor: replay };
      if (family !== undefined) this.#revokeFamilyEntry(old.familyId, family, now);
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
    old.successorHash = next.hash;
    if (graceSeconds > 0) {
      old.sealedSuccessor = successor;
      old.graceUntil = now + graceSeconds * 1000;
    }
    this.#store(next.hash, json, old.familyId, now + next.ttlSeconds * 1000, family);
    this.#track(family, next.accessToken, now);
    return ROTATED;
  }

  async revokeFamily(familyId: string): Promise<void> {
    this.#assertOpen();
    assertKey('familyId', familyId);
    const now = this.#now();
    const family = live(this.#families, familyId, now);
    if (family !== undefined) this.#revokeFamilyEntry(familyId, family, now);
  }

  async revoke(jti: string, ttlSeconds: number): Promise<void> {
    this.#assertOpen();
    assertKey('jti', jti);
    assertTtl('ttlSeconds', ttlSeconds);
    if (ttlSeconds <= 0) return;
    const now = this.#now();
    const expiresAt = now + ttlSeconds * 1000;
    this.#denylist(jti, expiresAt, now);
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
    this.#refresh.clear();
    this.#families.clear();
    this.#denied.clear();
    this.#sessions.clear();
    this.#counters.clear();
    this.#used.clear();
    this.#oneTime.clear();
    this.#claims.clear();
    this.#hub.clear();
  }

  async subscribeRevocations(listener: RevocationListener): Promise<() => Promise<void>> {
    this.#assertOpen();
    if (typeof listener !== 'function') throw new TesseraArgumentError('"listener" must be a function');
    const unsubscribe = this.#hub.subscribe(listener);
    return async () => unsubscribe();
  }

  async increment(key: string, windowSeconds: number): Promise<CounterState> {
    this.#assertOpen();
    assertKey('key', key);
    assertPositiveTtl('windowSeconds', windowSeconds);
    const now = this.#now();
    let entry = live(this.#counters, key, now);
    if (entry === undefined) {
      entry = { count: 0, expiresAt: now + windowSeconds * 1000 };
      this.#counters.set(key, entry);
    }
    entry.count++;
    return { count: entry.count, resetSeconds: (entry.expiresAt - now) / 1000 };
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
    const json = serialiseClaims('value', value);
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

  /** Stores a refresh token and keeps its family alive at least as long as the token; returns the family. */
  #store(
    hash: string,
    json: string,
    familyId: string,
    expiresAt: number,
    family: FamilyEntry | undefined,
  ): FamilyEntry {
    this.#refresh.set(hash, { json, familyId, expiresAt, rotated: false });
    if (family === undefined) {
      const created: FamilyEntry = { revoked: false, expiresAt, accessTokens: [] };
      this.#families.set(familyId, created);
      return created;
    }
    family.expiresAt = Math.max(family.expiresAt, expiresAt);
    return family;
  }

  /** Remembers an access token with its family (dropping the family's expired ones) and keeps the family as long. */
  #track(family: FamilyEntry, accessToken: FamilyAccessToken | undefined, now: number): void {
    if (accessToken === undefined) return;
    const expiresAt = now + accessToken.ttlSeconds * 1000;
    family.accessTokens = family.accessTokens.filter((t) => t.expiresAt > now);
    family.accessTokens.push({ jti: accessToken.jti, hash: accessToken.hash, expiresAt });
    family.expiresAt = Math.max(family.expiresAt, expiresAt);
  }

  /** The successor a replay of `old` gets back: only inside its grace window, while the successor is unrotated. */
  #graceReplay(old: RefreshEntry, family: FamilyEntry | undefined, now: number): string | undefined {
    if (old.graceUntil === undefined || old.sealedSuccessor === undefined || now >= old.graceUntil) return undefined;
    if (family === undefined || family.revoked || old.successorHash === undefined) return undefined;
    const successor = live(this.#refresh, old.successorHash, now);
    if (successor === undefined || successor.rotated) return undefined;
    return old.sealedSuccessor;
  }

  /** Revokes a family and, in the same step, its live access tokens; publishes every revocation. */
  #revokeFamilyEntry(familyId: string, family: FamilyEntry, now: number): void {
    family.revoked = true;
    for (const token of family.accessTokens) {
      if (token.expiresAt <= now) continue;
      if (token.jti !== undefined) this.#denylist(token.jti, token.expiresAt, now);
      if (token.hash !== undefined) {
        this.#opaque.delete(token.hash);
        this.#hub.publish({ type: 'opaque', hash: token.hash });
      }
    }
    family.accessTokens = [];
    this.#hub.publish({ type: 'family', familyId });
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
