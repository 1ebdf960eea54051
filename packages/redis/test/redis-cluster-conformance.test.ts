import { afterAll, beforeAll } from 'vitest';
import { describeTokenStoreConformance } from '@tessera/core/testing';
import { RedisTokenStore } from '@tessera/redis';
import { startRedisCluster, type RedisCluster } from '../../../test/support/redis-server.js';
import { hasCommand, systemPeer } from '../../../test/support/system-peer.js';

if (systemPeer('redis-server', hasCommand('redis-server') && hasCommand('redis-cli'))) {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  describeTokenStoreConformance(
    'RedisTokenStore (3-master Redis Cluster)',
    () => new RedisTokenStore({ cluster: { nodes: [...cluster.startupNodes] } }),
  );
}
