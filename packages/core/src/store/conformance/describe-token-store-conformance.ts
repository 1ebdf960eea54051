import { afterEach, beforeEach, describe, it } from 'vitest';
import { TesseraArgumentError } from '../../errors.js';
import type { TokenStore } from '../token-store.js';
import { DAY, expectError, newHash, opaqueRecord, refreshRecord, type ConformanceHarness } from './harness.js';
import { defineCounterTests, defineOneTimeTests, defineReplayMarkerTests, defineSessionTests } from './ephemeral-conformance.js';
import { defineFamilyAccessTests } from './family-access-conformance.js';
import { defineGraceWindowTests } from './grace-window-conformance.js';
import { defineOpaqueTokenTests } from './opaque-token-conformance.js';
import { defineRefreshTokenTests } from './refresh-token-conformance.js';
import { defineClaimsCacheTests, defineDenylistTests } from './revocation-conformance.js';
import { defineRevocationEventTests } from './revocation-events-conformance.js';

/** Options of {@link describeTokenStoreConformance}. */
export interface TokenStoreConformanceOptions {
  /**
   * Moves the store's clock forward by `ms` milliseconds (for a store built with an injected clock). TTL tests then
   * run instantly and check the exact expiry instant.
   * @default absent: TTL tests store entries for 250 ms and wait in real time (about 350 ms per test)
   */
  advanceTime?: (ms: number) => Promise<void> | void;
}

const REAL_TTL_SECONDS = 0.25;
const FAKE_TTL_SECONDS = 60;

/**
 * Declares the vitest suite every {@link TokenStore} must pass: records round-trip unchanged, TTLs end entries,
 * exactly one of 100 concurrent rotations of one refresh token wins and the 99 others are reuse (which revokes the
 * family), a rotated token presented again revokes its family, the reuse grace window (replays of the previous token
 * inside it get the same successor, concurrent ones included), access tokens revoked with their family, a rotation
 * racing a revocation, revocation events of every kind, `revokeFamily`, the `jti` denylist, the claims cache,
 * counters, replay markers and one-time values (exactly one of 100 concurrent callers wins), sessions, `ping`,
 * argument errors and `close()`. Every test uses fresh random keys, so a store backed by a shared server (Redis) can
 * run it without flushing. Events are awaited for up to 2 s, so a store may deliver them asynchronously.
 *
 * @param name - shown in the suite title
 * @param createStore - makes a fresh store for each test; the suite closes it afterwards
 * @param options - `advanceTime` for stores with an injected clock
 * @throws TesseraArgumentError (`invalid_argument`) when `name` or `createStore` is missing
 * @example
 * ```ts
 * import { MemoryTokenStore } from '@tessera/core';
 * import { describeTokenStoreConformance } from '@tessera/core/testing';
 *
 * let now = 0;
 * describeTokenStoreConformance('MemoryTokenStore', () => new MemoryTokenStore({ now: () => now }), {
 *   advanceTime: (ms) => { now += ms; },
 * });
 * ```
 */
export function describeTokenStoreConformance(
  name: string,
  createStore: () => Promise<TokenStore> | TokenStore,
  options: TokenStoreConformanceOptions = {},
): void {
  if (typeof name !== 'string' || name.length === 0) throw new TesseraArgumentError('"name" must be a non-empty string');
  if (typeof createStore !== 'function') throw new TesseraArgumentError('"createStore" must be a function');
  const { advanceTime } = options;
  if (advanceTime !== undefined && typeof advanceTime !== 'function') {
    throw new TesseraArgumentError('"options.advanceTime" must be a function');
  }

  let current: TokenStore | undefined;
  const ttlSeconds = advanceTime === undefined ? REAL_TTL_SECONDS : FAKE_TTL_SECONDS;
  const harness: ConformanceHarness = {
    store() {
      if (current === undefined) throw new Error('the store is only available inside a test');
      return current;
    },
    async elapse(ms) {
      if (advanceTime !== undefined) await advanceTime(ms);
      else await new Promise((resolve) => setTimeout(resolve, ms));
    },
    ttlSeconds,
    // Injected clock: one millisecond before the TTL ends, then exactly at it. Real time: leave room for latency.
    stillThereMs: advanceTime === undefined ? 100 : ttlSeconds * 1000 - 1,
    goneAfterMs: advanceTime === undefined ? 250 : 1,
  };

  describe(`TokenStore conformance: ${name}`, () => {
    beforeEach(async () => {
      current = await createStore();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    describe('opaque tokens', () => defineOpaqueTokenTests(harness));
    describe('refresh tokens', () => defineRefreshTokenTests(harness));
    describe('reuse grace window', () => defineGraceWindowTests(harness));
    describe('family access tokens', () => defineFamilyAccessTests(harness));
    describe('jti denylist', () => defineDenylistTests(harness));
    describe('revocation events', () => defineRevocationEventTests(harness));
    describe('verified-claims cache', () => defineClaimsCacheTests(harness));
    describe('counters', () => defineCounterTests(harness));
    describe('replay markers', () => defineReplayMarkerTests(harness));
    describe('one-time values', () => defineOneTimeTests(harness));
    describe('sessions and ping', () => defineSessionTests(harness));

    describe('close()', () => {
      it('rejects every operation after close() with store_unavailable, and closing twice is fine', async () => {
        const store = harness.store();
        const hash = await newHash();
        const record = refreshRecord('family');
        await store.close();
        await store.close();
        const closed = /closed|unavailable/i;
        const calls: Array<Promise<unknown>> = [
          store.putOpaqueToken(hash, opaqueRecord(), 60),
          store.getOpaqueToken(hash),
          store.deleteOpaqueToken(hash),
          store.issueRefreshToken(hash, record, DAY),
          store.getRefreshToken(hash),
          store.rotate(hash, { hash: `${hash}-next`, record, ttlSeconds: DAY }),
          store.revokeFamily('family'),
          store.revoke('jti', 60),
          store.isRevoked('jti'),
          store.cacheClaims(hash, { sub: 's' }, 60),
          store.getCachedClaims(hash),
          store.subscribeRevocations(() => undefined),
          store.increment('k', 60),
          store.markUsed('k', 60),
          store.putOneTime('k', { a: 1 }, 60),
          store.takeOneTime('k'),
          store.putSession('jti', 60),
          store.hasSession('jti'),
          store.deleteSession('jti'),
          store.ping(),
        ];
        for (const call of calls) await expectError(call, 'store_unavailable', closed);
      });
    });
  });
}
