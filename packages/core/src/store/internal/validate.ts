import { TesseraArgumentError } from '../../errors.js';
import type { JwtClaims } from '../../types.js';
import type { OpaqueTokenRecord, RefreshTokenRecord } from '../token-store.js';

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
