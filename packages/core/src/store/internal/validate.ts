import { TesseraArgumentError } from '../../errors.js';
import type { JwtClaims } from '../../types.js';
import type {
  FamilyAccessToken,
  OpaqueTokenRecord,
  RefreshRotateOptions,
  RefreshTokenRecord,
  RefreshTokenRotation,
  RevocationListener,
} from '../token-store.js';

/** Throws unless `value` is a non-empty string (hashes, family ids, `jti`s). */
export function assertKey(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TesseraArgumentError(`"${name}" must be a non-empty string`);
  }
}

/** Throws unless `ttl` is a positive finite number: storing a token that is already expired is a caller bug. */
export function assertPositiveTtl(name: string, ttl: unknown): asserts ttl is number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
    throw new TesseraArgumentError(`"${name}" must be a positive finite number of seconds`);
  }
}

/** Throws unless `hits` (a counter increment) is a positive safe integer. */
export function assertHits(name: string, hits: unknown): asserts hits is number {
  if (typeof hits !== 'number' || !Number.isSafeInteger(hits) || hits < 1) {
    throw new TesseraArgumentError(`"${name}" must be a positive integer`);
  }
}

/** Throws unless `ttl` is a finite number; zero or less is allowed and means "nothing to keep". */
export function assertTtl(name: string, ttl: unknown): asserts ttl is number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl)) {
    throw new TesseraArgumentError(`"${name}" must be a finite number of seconds`);
  }
}

function assertObject(name: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TesseraArgumentError(`"${name}" must be an object`);
  }
}

function toJson(name: string, value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (cause) {
    throw new TesseraArgumentError(`"${name}" must be JSON-serialisable`, { cause });
  }
}

function checkCommon(name: string, record: Record<string, unknown>): void {
  if (typeof record.subject !== 'string') throw new TesseraArgumentError(`"${name}.subject" must be a string`);
  if (typeof record.expiresAt !== 'number' || !Number.isFinite(record.expiresAt)) {
    throw new TesseraArgumentError(`"${name}.expiresAt" must be a finite number of seconds since the epoch`);
  }
}

/**
 * Validates an opaque token record and serialises it. Stores keep the JSON text, as Redis does, so a memory store
 * hands back a fresh, equal object on every read and no caller can mutate what is stored.
 */
export function serialiseOpaqueRecord(name: string, record: OpaqueTokenRecord): string {
  assertObject(name, record);
  checkCommon(name, record);
  return toJson(name, record);
}

/** Validates a refresh token record (which must name its family) and serialises it. */
export function serialiseRefreshRecord(name: string, record: RefreshTokenRecord): string {
  assertObject(name, record);
  checkCommon(name, record);
  assertKey(`${name}.familyId`, record.familyId);
  return toJson(name, record);
}

/** Validates verified claims and serialises them. */
export function serialiseClaims(name: string, claims: JwtClaims): string {
  assertObject(name, claims);
  return toJson(name, claims);
}

/** Throws unless `value` is a JSON object (one-time values); returns its JSON text. */
export function serialiseJsonObject(name: string, value: unknown): string {
  assertObject(name, value);
  return toJson(name, value);
}

/** Throws unless `value` is an object (an options bag). */
export function assertOptions(name: string, value: unknown): asserts value is object {
  if (typeof value !== 'object' || value === null) throw new TesseraArgumentError(`"${name}" must be an object`);
}

/** Throws unless `value` is absent or a {@link FamilyAccessToken} (a `jti` or a `hash`, and a positive TTL). */
export function assertAccessToken(name: string, value: unknown): asserts value is FamilyAccessToken | undefined {
  if (value === undefined) return;
  assertOptions(name, value);
  const { jti, hash, ttlSeconds } = value as Partial<Record<keyof FamilyAccessToken, unknown>>;
  if (jti === undefined && hash === undefined) throw new TesseraArgumentError(`"${name}" needs a "jti" or a "hash"`);
  if (jti !== undefined) assertKey(`${name}.jti`, jti);
  if (hash !== undefined) assertKey(`${name}.hash`, hash);
  assertPositiveTtl(`${name}.ttlSeconds`, ttlSeconds);
}

/** A {@link RefreshTokenRotation} checked, with its record's JSON. */
export interface CheckedRotation {
  readonly hash: string;
  readonly familyId: string;
  readonly json: string;
  readonly ttlSeconds: number;
  readonly accessToken: FamilyAccessToken | undefined;
  /** 0 when the grace window is off. */
  readonly graceSeconds: number;
  /** Set whenever `graceSeconds > 0`. */
  readonly successor: string | undefined;
}

/**
 * Validates the arguments of `TokenStore.rotate` (everything that can be checked without the store's state, so a bad
 * call changes nothing) and serialises the new record.
 */
export function checkRotation(oldHash: unknown, next: unknown, options: unknown): CheckedRotation {
  assertKey('oldHash', oldHash);
  if (typeof next !== 'object' || next === null) throw new TesseraArgumentError('"next" must be an object');
  const { hash, record, ttlSeconds, accessToken } = next as RefreshTokenRotation;
  assertKey('next.hash', hash);
  assertPositiveTtl('next.ttlSeconds', ttlSeconds);
  const json = serialiseRefreshRecord('next.record', record);
  if (hash === oldHash) throw new TesseraArgumentError('"next.hash" must differ from "oldHash"');
  assertAccessToken('next.accessToken', accessToken);
  assertOptions('options', options);
  const { graceSeconds = 0, successor } = options as RefreshRotateOptions;
  if (typeof graceSeconds !== 'number' || !Number.isFinite(graceSeconds) || graceSeconds < 0) {
    throw new TesseraArgumentError('"options.graceSeconds" must be a non-negative finite number of seconds');
  }
  if (graceSeconds > 0) assertKey('options.successor', successor);
  return {
    hash,
    familyId: record.familyId,
    json,
    ttlSeconds,
    accessToken,
    graceSeconds,
    successor: graceSeconds > 0 ? successor : undefined,
  };
}

/** Throws unless `listener` is a function. */
export function assertListener(listener: unknown): asserts listener is RevocationListener {
  if (typeof listener !== 'function') throw new TesseraArgumentError('"listener" must be a function');
}
