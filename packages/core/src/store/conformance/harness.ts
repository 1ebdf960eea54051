import { base64url } from 'jose';
import { expect, vi } from 'vitest';
import { tokenFingerprint } from '../../cache/token-fingerprint.js';
import type { OpaqueTokenRecord, RefreshTokenRecord, RevocationEvent, TokenStore } from '../token-store.js';

/** What every group of conformance tests gets from {@link describeTokenStoreConformance}. */
export interface ConformanceHarness {
  /** The store under test (a fresh one per test). */
  store(): TokenStore;
  /** Lets `ms` milliseconds pass: the injected clock when `advanceTime` was given, real time otherwise. */
  elapse(ms: number): Promise<void>;
  /** TTL (seconds) the TTL tests store entries with. */
  readonly ttlSeconds: number;
  /** Time (ms) after storing at which an entry must still be there: well inside the TTL. */
  readonly stillThereMs: number;
  /** Further time (ms) after which the TTL has certainly elapsed (exactly at it with an injected clock). */
  readonly goneAfterMs: number;
}

/** The messages the `TokenStore` contract fixes for the two refresh-token error codes. */
export const REUSED = /^refresh token was already used; its family is revoked$/;
export const INVALID = /^refresh token is unknown, expired or revoked$/;

/** A fresh fingerprint of a fresh 256-bit token, so tests sharing one backend never collide. */
export async function newHash(): Promise<string> {
  return tokenFingerprint(base64url.encode(globalThis.crypto.getRandomValues(new Uint8Array(32))));
}

/** `count` fresh fingerprints. */
export function newHashes(count: number): Promise<string[]> {
  return Promise.all(Array.from({ length: count }, newHash));
}

/** A fresh family id. */
export function newFamily(): string {
  return globalThis.crypto.randomUUID();
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An opaque token record using every field, with non-ASCII text and nested claims to catch lossy serialisation. */
export function opaqueRecord(overrides: Partial<OpaqueTokenRecord> = {}): OpaqueTokenRecord {
  return {
    subject: 'usér-42 ✓',
    clientId: 'web-app',
    scope: ['read', 'write'],
    claims: { iss: 'https://issuer.example', aud: ['api://a', 'api://b'], tenant: { id: 7, tags: ['x', 'ü'] } },
    issuedAt: nowSeconds(),
    expiresAt: nowSeconds() + 3600,
    ...overrides,
  };
}

/** A refresh token record in `familyId` using every field. */
export function refreshRecord(familyId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    familyId,
    subject: 'usér-42 ✓',
    clientId: 'web-app',
    scope: ['read', 'offline_access'],
    claims: { device_id: 'dev-1', amr: ['pwd', 'otp'] },
    issuedAt: nowSeconds(),
    expiresAt: nowSeconds() + 14 * 86400,
    familyExpiresAt: nowSeconds() + 90 * 86400,
    ...overrides,
  };
}

/** Asserts that `promise` rejects with a Tessera error of `code` whose message matches `message`. */
export async function expectError(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
}

/** One day, in seconds: the TTL of entries that must not expire during a test. */
export const DAY = 86_400;

/** A fresh `jti`. */
export function newJti(): string {
  return globalThis.crypto.randomUUID();
}

/** Events received by a subscription, and the function that ends it. */
export interface EventLog {
  readonly events: RevocationEvent[];
  stop(): Promise<void>;
}

/** Subscribes to `store`'s revocations, recording every event. */
export async function recordEvents(store: TokenStore): Promise<EventLog> {
  const events: RevocationEvent[] = [];
  const stop = await store.subscribeRevocations((event) => events.push(event));
  return { events, stop };
}

/**
 * Waits until `log` holds every one of `expected` (delivery may be asynchronous: a networked store publishes through
 * its backend), for up to 2 s.
 */
export async function expectEvents(log: EventLog, expected: RevocationEvent[]): Promise<void> {
  await vi.waitFor(() => expect(log.events).toEqual(expect.arrayContaining(expected)), { timeout: 2000, interval: 5 });
}
