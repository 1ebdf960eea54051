import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisTokenStore } from '@tessera/redis';
import { hasCommand, systemPeer } from '../../../test/support/system-peer.js';
import { newHash, refreshRecord, useRedisServers } from './helpers.js';

if (systemPeer('redis-server', hasCommand('redis-server') && hasCommand('redis-cli'))) {
  const servers = useRedisServers();
  const store = servers.store;

  /** Issues a token starting a family; returns what a rotation needs. */
  async function family(s: RedisTokenStore, familyId?: string) {
    const hash = await newHash();
    const record = refreshRecord(familyId);
    await s.issueRefreshToken(hash, record, 3600, { accessToken: { jti: crypto.randomUUID(), ttlSeconds: 60 } });
    return { hash, record };
  }

  describe('round trips', () => {
    it('rotates a refresh token in one round trip and one command: the Lua script (proved with MONITOR)', async () => {
      const s = store();
      const warm = await family(s);
      // The first call of a script on a server may cost a NOSCRIPT round trip; after that it is cached.
      await s.rotate(warm.hash, { hash: await newHash(), record: warm.record, ttlSeconds: 3600 });
      const { hash, record } = await family(s);
      const next = { hash: await newHash(), record, ttlSeconds: 3600, accessToken: { jti: 'at-2', ttlSeconds: 60 } };

      const monitor = await servers.raw.monitor(); // a connection of its own
      const seen: Array<{ source: string; args: string[] }> = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ source, args }));
      const marker = `marker-${crypto.randomUUID()}`;
      const before = s.stats;
      await s.rotate(hash, next, { graceSeconds: 10, successor: 'sealed' });
      const after = s.stats;
      await servers.raw.echo(marker);
      await new Promise<void>((resolve) => {
        const check = (): void => (seen.some((c) => c.args[1] === marker) ? resolve() : void setTimeout(check, 5));
        check();
      });
      monitor.disconnect();

      expect({ commands: after.commands - before.commands, roundTrips: after.roundTrips - before.roundTrips }).toStrictEqual({
        commands: 1,
        roundTrips: 1,
      });
      const local = (s.client as Redis).stream;
      const fromStore = seen.filter((c) => c.source === `${local.localAddress}:${local.localPort}`);
      expect(fromStore.map((c) => c.args[0]?.toLowerCase())).toStrictEqual(['evalsha']);
    });

    it('rotates on a Cluster in one round trip: the family script and the new pointers, sent together', async () => {
      const s = store({ cluster: { nodes: [...servers.cluster.startupNodes] } });
      const { hash, record } = await family(s);
      // Each master caches scripts on its own: warm up the one that owns this family.
      const next = await newHash();
      await s.rotate(hash, { hash: next, record, ttlSeconds: 3600 });
      const before = s.stats;
      await s.rotate(next, { hash: await newHash(), record, ttlSeconds: 3600, accessToken: { jti: 'at-3', ttlSeconds: 60 } });
      expect(s.stats.roundTrips - before.roundTrips).toBe(1);
      expect(s.stats.commands - before.commands).toBe(3);
    });

    it('falls back to EVAL once when Redis lost its script cache (restart, failover, SCRIPT FLUSH)', async () => {
      const s = store();
      const first = await family(s);
      await s.rotate(first.hash, { hash: await newHash(), record: first.record, ttlSeconds: 3600 });
      await servers.raw.script('FLUSH');
      const { hash, record } = await family(s);
      const next = await newHash();
      const before = s.stats.roundTrips;
      expect(await s.rotate(hash, { hash: next, record, ttlSeconds: 3600 })).toStrictEqual({ outcome: 'rotated' });
      expect(s.stats.roundTrips - before).toBe(2);
      expect((await s.getRefreshToken(next))?.rotated).toBe(false);
    });
  });

  describe('keys and Cluster slots', () => {
    it('keeps every key of a family in one Cluster slot, even for ids holding {, } and %', async () => {
      const s = store({ cluster: { nodes: [...servers.cluster.startupNodes] }, keyPrefix: 'slots:' });
      const familyId = 'fam}{%7B{x}';
      const { hash, record } = await family(s, familyId);
      const next = await newHash();
      await s.rotate(hash, { hash: next, record, ttlSeconds: 3600, accessToken: { jti: '{jti}', ttlSeconds: 60 } });
      expect((await s.getRefreshToken(next))?.record.familyId).toBe(familyId);

      const admin = new Cluster([...servers.cluster.startupNodes]);
      await new Promise((resolve) => admin.once('ready', resolve));
      const keys = (await Promise.all(admin.nodes('master').map((n) => n.keys('slots:f:*')))).flat();
      expect(keys).toHaveLength(4); // the family, its two tokens, its access-token index
      const slots = new Set(await Promise.all(keys.map((key) => admin.cluster('KEYSLOT', key))));
      admin.disconnect();
      expect(slots.size).toBe(1);
      await s.revokeFamily(familyId);
      expect(await s.isRevoked('{jti}')).toBe(true);
      expect(await s.getRefreshToken(next)).toBeUndefined();
    });

    it('keeps stores with different key prefixes apart on one Redis', async () => {
      const [a, b] = [store({ url: servers.redis.url, keyPrefix: 'tenant-a:' }), store({ url: servers.redis.url, keyPrefix: 'tenant-b:' })];
      await a.revoke('same-jti', 60);
      const { hash, record } = await family(a);
      expect(await b.isRevoked('same-jti')).toBe(false);
      expect(await b.getRefreshToken(hash)).toBeUndefined();
      expect((await a.getRefreshToken(hash))?.record).toStrictEqual(record);
      expect((await servers.raw.keys('tenant-a:*')).length).toBeGreaterThan(0);
      expect((await servers.raw.keys('tenant-a:*')).every((key) => key.startsWith('tenant-a:'))).toBe(true);
    });

    it('fails closed when a family key has gone (evicted by a maxmemory policy): its tokens read as revoked', async () => {
      const s = store({ url: servers.redis.url, keyPrefix: 'evict-test:' });
      const hash = await newHash();
      const record = refreshRecord();
      await s.issueRefreshToken(hash, record, 3600, { accessToken: { jti: 'evicted-jti', ttlSeconds: 60 } });
      const opaque = await newHash();
      await s.putOpaqueToken(opaque, { subject: 's', expiresAt: 2_000_000_000 }, 60);
      await s.rotate(hash, { hash: await newHash(), record, ttlSeconds: 3600, accessToken: { hash: opaque, ttlSeconds: 60 } });
      expect(await s.isRevoked('evicted-jti')).toBe(false);
      await servers.raw.del(`evict-test:f:{${record.familyId}}`);
      expect(await s.isRevoked('evicted-jti')).toBe(true);
      expect(await s.getOpaqueToken(opaque)).toBeUndefined();
    });
  });

  describe('options', () => {
    it('rejects bad options at construction, naming the option', () => {
      const bad: Array<[unknown, RegExp]> = [
        [{}, /exactly one of/],
        [{ url: servers.redis.url, cluster: { nodes: [] } }, /exactly one of/],
        [{ url: 'http://127.0.0.1' }, /"options.url"/],
        [{ url: servers.redis.url, keyPrefix: 'a{b}:' }, /"options.keyPrefix"/],
        [{ url: servers.redis.url, commandTimeoutMs: 0 }, /"options.commandTimeoutMs"/],
        [{ url: servers.redis.url, connectTimeoutMs: 1.5 }, /"options.connectTimeoutMs"/],
        [{ url: servers.redis.url, channel: '' }, /"options.channel"/],
        [{ redis: { keyPrefix: 'x:' } }, /keyPrefix/],
        [{ cluster: { nodes: [] } }, /"options.cluster.nodes"/],
        [{ client: {} }, /"options.client"/],
        [{ url: servers.redis.url, onError: 'log' }, /"options.onError"/],
      ];
      for (const [options, message] of bad) {
        expect(() => new RedisTokenStore(options as never)).toThrow(
          expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(message) }),
        );
      }
      const prefixed = new Redis(servers.redis.url, { keyPrefix: 'x:', lazyConnect: true });
      expect(() => new RedisTokenStore({ client: prefixed })).toThrow(/keyPrefix/);
      prefixed.disconnect();
    });

    it('uses a client you pass without closing it, and closes the connections it opened itself', async () => {
      const mine = new Redis(servers.redis.url, { enableOfflineQueue: false, autoResendUnfulfilledCommands: false });
      const borrowed = store({ client: mine });
      await borrowed.revoke('borrowed', 60);
      await borrowed.subscribeRevocations(() => undefined);
      await borrowed.close();
      expect(await mine.ping()).toBe('PONG');
      mine.disconnect();

      const owning = store({ url: servers.redis.url });
      await owning.ping();
      await owning.close();
      expect(owning.client.status).toBe('end');
      await expect(owning.isRevoked('x')).rejects.toMatchObject({ code: 'store_unavailable', message: 'token store is closed' });
    });

    it('leaves ioredis\' auto-pipelining off (it batches what is frequent itself), and it can be turned on', async () => {
      const writesFor = async (s: RedisTokenStore): Promise<number> => {
        await s.ping();
        const stream = (s.client as Redis).stream;
        const write = stream.write.bind(stream);
        let writes = 0;
        stream.write = ((...args: Parameters<typeof write>) => {
          writes++;
          return write(...args);
        }) as typeof stream.write;
        // Sessions started: one command each (the per-request operations are gathered into one command per turn anyway).
        const jtis = Array.from({ length: 50 }, () => crypto.randomUUID());
        await Promise.all(jtis.map((jti) => s.putSession(jti, 60)));
        expect(await s.hasSession(jtis[49]!)).toBe(true);
        return writes - 1; // the session check
      };
      expect(await writesFor(store({ url: servers.redis.url }))).toBe(50);
      expect(await writesFor(store({ url: servers.redis.url, redis: { enableAutoPipelining: true } }))).toBeLessThan(5);
    });

    it('runs the README example: revoke and check a jti', async () => {
      const s = new RedisTokenStore({ url: servers.redis.url, keyPrefix: 'myapp:' });
      const claims = { jti: crypto.randomUUID(), exp: Math.floor(Date.now() / 1000) + 60 };
      await s.revoke(claims.jti, claims.exp - Math.floor(Date.now() / 1000));
      expect(await s.isRevoked(claims.jti)).toBe(true);
      await s.close();
    });
  });
}
