import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { tokenFingerprint, type RefreshTokenRecord } from '@tessera/core';
import { RedisTokenStore, type RedisTokenStoreOptions } from '@tessera/redis';
import { startRedisCluster, startRedisServer, type RedisCluster, type RedisServer } from '../../../test/support/redis-server.js';

/** The fingerprint of a fresh random token. */
export async function newHash(): Promise<string> {
  return tokenFingerprint(crypto.randomUUID() + crypto.randomUUID());
}

/** A refresh-token record in a fresh family (or `familyId`). */
export function refreshRecord(familyId: string = crypto.randomUUID()): RefreshTokenRecord {
  return { familyId, subject: 'user-1', clientId: 'web', expiresAt: Math.floor(Date.now() / 1000) + 3600 };
}

/** Collects unhandled rejections while a test runs; `stop()` returns them. */
export function watchUnhandledRejections(): { stop(): unknown[] } {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  return {
    stop() {
      process.off('unhandledRejection', onRejection);
      return seen;
    },
  };
}

/** What {@link useRedisServers} started for a test file. */
export interface RedisServers {
  /** A single redis-server. */
  readonly redis: RedisServer;
  /** A 3-master Redis Cluster. */
  readonly cluster: RedisCluster;
  /** A plain ioredis client on `redis`, to look at keys directly. */
  readonly raw: Redis;
  /** A store (on `redis` unless `options` say otherwise), closed after the test. */
  store(options?: RedisTokenStoreOptions): RedisTokenStore;
}

/**
 * Starts a redis-server and a 3-master cluster before a file's tests and stops them after; the stores `store()` makes
 * are closed after each test. Call it inside the file's top-level `describe` or `if`.
 */
export function useRedisServers(): RedisServers {
  let started: { redis: RedisServer; cluster: RedisCluster; raw: Redis } | undefined;
  const open: RedisTokenStore[] = [];
  const get = () => {
    if (started === undefined) throw new Error('useRedisServers: the servers start in beforeAll');
    return started;
  };
  beforeAll(async () => {
    const [redis, cluster] = await Promise.all([startRedisServer(), startRedisCluster(3)]);
    started = { redis, cluster, raw: new Redis(redis.url) };
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    started?.raw.disconnect();
    await Promise.all([started?.redis.destroy(), started?.cluster.stop()]);
  });
  return {
    get redis() { return get().redis; },
    get cluster() { return get().cluster; },
    get raw() { return get().raw; },
    store(options = { url: get().redis.url }) {
      const created = new RedisTokenStore(options);
      open.push(created);
      return created;
    },
  };
}
