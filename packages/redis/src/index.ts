/**
 * `@tessera/redis`: core's `TokenStore` on Redis and Redis Cluster (ioredis). Lua scripts make every operation atomic
 * (a refresh-token rotation is one script, one round trip); revocations fan out by pub/sub.
 *
 * @packageDocumentation
 */
export { RedisTokenStore } from './redis-token-store.js';
export type { RedisTokenStoreOptions } from './redis-token-store-options.js';
export type { RedisStoreStats, RedisClient } from './internal/connection.js';
