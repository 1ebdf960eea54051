import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RevocationEvent, type TokenStore } from '@tessera/core';
import { RedisTokenStore, type RedisTokenStoreOptions } from '@tessera/redis';
import { startRedisCluster, startRedisServer, type RedisCluster, type RedisServer } from '../../../test/support/redis-server.js';
import { hasCommand, systemPeer } from '../../../test/support/system-peer.js';
import { newHash, refreshRecord } from './helpers.js';

/** Two stores on one backend, as two processes would have; closed after each test. */
function fanOutSuite(name: string, connect: () => RedisTokenStoreOptions): void {
  describe(`revocation fan-out between two stores: ${name}`, () => {
    const open: TokenStore[] = [];
    const store = (options: Partial<RedisTokenStoreOptions> = {}): RedisTokenStore => {
      const created = new RedisTokenStore({ ...connect(), ...options });
      open.push(created);
      return created;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    /** Subscribes on `subscriber`; `arrival(e)` waits at most 100 ms from the moment it is called for event `e`. */
    async function listen(subscriber: TokenStore): Promise<{ events: RevocationEvent[]; arrival: (e: RevocationEvent) => Promise<void> }> {
      const events: RevocationEvent[] = [];
      await subscriber.subscribeRevocations((event) => events.push(event));
      return {
        events,
        arrival: async (expected) => {
          await vi.waitFor(() => expect(events).toContainEqual(expected), { timeout: 100, interval: 2 });
        },
      };
    }

    it('delivers a family revocation made through one store to the other within 100 ms, with its access tokens', async () => {
      const [verifier, issuer] = [store(), store()];
      const { arrival } = await listen(verifier);
      const hash = await newHash();
      const record = refreshRecord();
      await issuer.issueRefreshToken(hash, record, 3600, { accessToken: { jti: 'at-1', ttlSeconds: 60 } });
      await issuer.revokeFamily(record.familyId);
      await arrival({ type: 'family', familyId: record.familyId });
      await arrival({ type: 'jti', jti: 'at-1' });
      expect(await verifier.isRevoked('at-1')).toBe(true);
    });

    it('delivers every kind of revocation to every subscribed store', async () => {
      const [a, b, c] = [store(), store(), store()];
      const [onA, onB] = [await listen(a), await listen(b)];
      const opaque = await newHash();
      await c.revoke('jti-1', 60);
      await c.putOpaqueToken(opaque, { subject: 's', expiresAt: 2_000_000_000 }, 60);
      await c.deleteOpaqueToken(opaque);
      await c.putSession('session-1', 60);
      await c.deleteSession('session-1');
      for (const listener of [onA, onB]) {
        await listener.arrival({ type: 'jti', jti: 'jti-1' });
        await listener.arrival({ type: 'opaque', hash: opaque });
        await listener.arrival({ type: 'session', jti: 'session-1' });
      }
    });

    it('keeps stores with another key prefix (and so another channel) out of each other\'s revocations', async () => {
      const [mine, theirs] = [store({ keyPrefix: 'app-a:' }), store({ keyPrefix: 'app-b:' })];
      const onMine = await listen(mine);
      const onTheirs = await listen(theirs);
      await theirs.revoke('shared-jti', 60);
      await onTheirs.arrival({ type: 'jti', jti: 'shared-jti' });
      await mine.revoke('mine-jti', 60);
      await onMine.arrival({ type: 'jti', jti: 'mine-jti' });
      expect(onMine.events).not.toContainEqual({ type: 'jti', jti: 'shared-jti' });
      expect(await mine.isRevoked('shared-jti')).toBe(false);
    });
  });
}

if (systemPeer('redis-server', hasCommand('redis-server') && hasCommand('redis-cli'))) {
  let redis: RedisServer;
  let cluster: RedisCluster;
  beforeAll(async () => {
    [redis, cluster] = await Promise.all([startRedisServer(), startRedisCluster(3)]);
  });
  afterAll(async () => {
    await Promise.all([redis?.destroy(), cluster?.stop()]);
  });

  fanOutSuite('redis-server', () => ({ url: redis.url }));
  fanOutSuite('3-master cluster', () => ({ cluster: { nodes: [...cluster.startupNodes] } }));

  describe('revocation channel input', () => {
    it('ignores messages on the channel that are not revocation events, and still delivers the next real one', async () => {
      const store = new RedisTokenStore({ url: redis.url, keyPrefix: 'garbage-test:' });
      const events: RevocationEvent[] = [];
      await store.subscribeRevocations((event) => events.push(event));
      const raw = new Redis(redis.url);
      for (const junk of ['not json', '{"type":"jti","jti":"x"}', '[1, null, {"type":"jti"}, {"type":"drop","jti":"x"}]', '[{"type":"jti","jti":""}]']) {
        await raw.publish('garbage-test:revocations', junk);
      }
      await store.revoke('real', 60);
      await vi.waitFor(() => expect(events).toContainEqual({ type: 'jti', jti: 'real' }), { timeout: 1000 });
      expect(events).toStrictEqual([{ type: 'jti', jti: 'real' }]);
      raw.disconnect();
      await store.close();
    });
  });
}
