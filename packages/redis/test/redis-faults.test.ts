import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTesseraError, type RevocationEvent } from '@tessera/core';
import { RedisTokenStore } from '@tessera/redis';
import { freePort, startRedisCluster, startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { hasCommand, systemPeer } from '../../../test/support/system-peer.js';
import { newHash, refreshRecord, watchUnhandledRejections } from './helpers.js';

const COMMAND_TIMEOUT_MS = 300;
/** Generous bound on "quickly": the timeout plus scheduling slack on a busy machine. Never a hang. */
const BOUND_MS = 2000;

/** Runs `operation` and returns the error it rejects with and how long that took. */
async function failure(operation: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await operation();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('expected the operation to fail');
}

/** Asserts a fast `store_unavailable` with a message that says so and gives away nothing. */
async function expectUnavailable(operation: () => Promise<unknown>): Promise<void> {
  const { error, ms } = await failure(operation);
  expect(isTesseraError(error, 'store_unavailable')).toBe(true);
  expect(error).toMatchObject({ status: 503, message: expect.stringMatching(/^token store [a-z ]+/) });
  expect(ms).toBeLessThan(BOUND_MS);
}

/** Polls `ping()` until the store answers again (or fails after `ms`). */
async function recovered(store: RedisTokenStore, ms = 10_000): Promise<void> {
  await vi.waitFor(() => store.ping(), { timeout: ms, interval: 50 });
}

if (systemPeer('redis-server', hasCommand('redis-server') && hasCommand('redis-cli'))) {
  describe('RedisTokenStore when Redis fails', () => {
    const cleanup: Array<() => Promise<unknown>> = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0).reverse()) await step();
    });
    async function server(): Promise<RedisServer> {
      const started = await startRedisServer();
      cleanup.push(() => started.destroy());
      return started;
    }
    function store(url: string): RedisTokenStore {
      const created = new RedisTokenStore({ url, commandTimeoutMs: COMMAND_TIMEOUT_MS, connectTimeoutMs: 500 });
      cleanup.push(() => created.close());
      return created;
    }

    it('answers store_unavailable quickly on every operation once Redis is stopped mid-run, and recovers when it returns', async () => {
      const rejections = watchUnhandledRejections();
      const redis = await server();
      const s = store(redis.url);
      const hash = await newHash();
      const record = refreshRecord();
      await s.issueRefreshToken(hash, record, 3600);
      await s.revoke('j-1', 60);

      await redis.kill();
      const next = { hash: await newHash(), record, ttlSeconds: 3600 };
      await expectUnavailable(() => s.rotate(hash, next));
      await expectUnavailable(() => s.getRefreshToken(hash));
      await expectUnavailable(() => s.isRevoked('j-1'));
      await expectUnavailable(() => s.getOpaqueToken(hash));
      await expectUnavailable(() => s.revokeFamily(record.familyId));
      await expectUnavailable(() => s.increment('rate', 60));
      await expectUnavailable(() => s.markUsed('dpop', 60));
      await expectUnavailable(() => s.takeOneTime('code'));
      await expectUnavailable(() => s.hasSession('j-1'));
      await expectUnavailable(() => s.ping());

      await redis.restart();
      await recovered(s);
      // No persistence: the restarted server is empty, and the store works on it.
      const fresh = await newHash();
      await s.issueRefreshToken(fresh, record, 3600);
      expect(await s.rotate(fresh, next)).toStrictEqual({ outcome: 'rotated' });
      expect(rejections.stop()).toStrictEqual([]);
    });

    it('settles every operation in flight when Redis dies under them: each succeeds or is store_unavailable, none hangs', async () => {
      const rejections = watchUnhandledRejections();
      const redis = await server();
      const s = store(redis.url);
      await s.ping();
      const started = performance.now();
      const hash = await newHash();
      // One command each (markUsed) and batched per turn (the look-ups and writes): all must settle.
      const operations = [
        (i: number) => s.markUsed(`k-${i}`, 60),
        (i: number) => s.isRevoked(`j-${i}`),
        () => s.getOpaqueToken(hash),
        () => s.putOpaqueToken(hash, { subject: 's', expiresAt: Math.floor(Date.now() / 1000) + 60 }, 60),
      ];
      const inFlight = Array.from({ length: 200 }, (_, i) => operations[i % operations.length]!(i));
      const killed = redis.kill();
      const settled = await Promise.allSettled(inFlight);
      await killed;
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
      for (const outcome of settled) {
        if (outcome.status === 'rejected') expect(isTesseraError(outcome.reason, 'store_unavailable')).toBe(true);
      }
      expect(rejections.stop()).toStrictEqual([]);
    });

    it('times out instead of hanging when Redis stops answering but keeps the connection open', async () => {
      const redis = await server();
      const s = store(redis.url);
      await s.ping();
      process.kill(redis.pid as number, 'SIGSTOP');
      cleanup.push(async () => process.kill(redis.pid as number, 'SIGCONT'));
      // A turn's revocation checks leave as one command: each times out with it.
      const outcomes = await Promise.all(['j', 'k', 'l'].map((jti) => failure(() => s.isRevoked(jti))));
      for (const { error, ms } of outcomes) {
        expect(error).toMatchObject({ code: 'store_unavailable', message: `token store did not answer within ${COMMAND_TIMEOUT_MS} ms` });
        expect(ms).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 5);
        expect(ms).toBeLessThan(BOUND_MS);
      }
      process.kill(redis.pid as number, 'SIGCONT');
      await recovered(s);
      expect(await s.isRevoked('j')).toBe(false);
    });

    it('answers store_unavailable within the connect timeout when Redis is down from the start, and connects once it is up', async () => {
      const port = await freePort();
      const s = store(`redis://127.0.0.1:${port}`);
      await expectUnavailable(() => s.ping());
      await expectUnavailable(() => s.subscribeRevocations(() => undefined));
      const redis = await startRedisServer({ port }).catch(() => undefined);
      if (redis === undefined) return; // the port was taken meanwhile: nothing more to learn here
      cleanup.push(() => redis.destroy());
      await recovered(s);
    });

    it('resumes delivering revocation events after Redis restarts', async () => {
      const redis = await server();
      const [subscriber, publisher] = [store(redis.url), store(redis.url)];
      const events: RevocationEvent[] = [];
      await subscriber.subscribeRevocations((event) => events.push(event));
      await redis.kill();
      await redis.restart();
      await recovered(publisher);
      // The subscriber connection resubscribes on its own; publish until it hears again.
      await vi.waitFor(
        async () => {
          await publisher.revoke('after-restart', 60);
          expect(events).toContainEqual({ type: 'jti', jti: 'after-restart' });
        },
        { timeout: 10_000, interval: 100 },
      );
    });

    it('on a Cluster, answers store_unavailable for a master that is down and recovers when it rejoins', async () => {
      const rejections = watchUnhandledRejections();
      const cluster = await startRedisCluster(3);
      cleanup.push(() => cluster.stop());
      const s = new RedisTokenStore({ cluster: { nodes: [...cluster.startupNodes] }, commandTimeoutMs: COMMAND_TIMEOUT_MS });
      cleanup.push(() => s.close());
      await s.ping();
      // Keys in every slot range (slots are split evenly in node order): jti-3, -7, -8, -10 live on the master we stop.
      const jtis = Array.from({ length: 12 }, (_, i) => `jti-${i}`);
      await Promise.all(jtis.map((jti) => s.revoke(jti, 60)));

      await cluster.nodes[1]?.kill();
      await expectUnavailable(() => s.ping());
      const answered = new Set<string>();
      await Promise.all(
        jtis.map(async (jti) => {
          const started = performance.now();
          try {
            // Until the cluster marks the master failed, the other masters answer for their slots.
            expect(await s.isRevoked(jti)).toBe(true);
            answered.add(jti);
          } catch (error) {
            expect(isTesseraError(error, 'store_unavailable')).toBe(true);
            expect(performance.now() - started).toBeLessThan(BOUND_MS);
          }
        }),
      );
      expect(answered.size).toBeLessThan(jtis.length);

      await cluster.nodes[1]?.restart();
      await cluster.waitUntilOk();
      await recovered(s, 20_000);
      const after = await Promise.all(jtis.map((jti) => s.isRevoked(jti)));
      for (const [i, jti] of jtis.entries()) if (answered.has(jti)) expect(after[i]).toBe(true);
      // A master without replicas or persistence comes back empty: what it held is forgotten (see the README).
      expect(after.filter((revoked) => !revoked).length).toBeGreaterThan(0);
      expect(rejections.stop()).toStrictEqual([]);
    });
  });
}
