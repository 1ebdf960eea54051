import { afterAll, beforeAll } from 'vitest';
import { describeTokenStoreConformance } from '@tessera/core/testing';
import { RedisTokenStore } from '@tessera/redis';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { hasCommand, systemPeer } from '../../../test/support/system-peer.js';

if (systemPeer('redis-server', hasCommand('redis-server'))) {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  describeTokenStoreConformance('RedisTokenStore (redis-server)', () => new RedisTokenStore({ url: redis.url }));
}
