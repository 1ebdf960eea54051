import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { TesseraArgumentError } from '@tessera/core';
import type { RedisClient } from './internal/connection.js';

/**
 * Options of {@link RedisTokenStore}. Give exactly one way to reach Redis: `client`, `url` and/or `redis`, or
 * `cluster`. Validated once, by the constructor.
 */
export interface RedisTokenStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` you created. The store uses it as it is and does not close it; it opens one more
   * connection for pub/sub with `client.duplicate()`. Create it with `enableOfflineQueue: false` and
   * `autoResendUnfulfilledCommands: false` (see the README: otherwise a command that timed out for the store may still
   * run after Redis comes back), and without ioredis' `keyPrefix` (use {@link RedisTokenStoreOptions.keyPrefix}).
   */
  client?: RedisClient;
  /**
   * A connection URL: `redis://[[username]:password@]host[:port][/db]`, or `rediss://…` for TLS. Combined with
   * `redis` when both are given (what the URL says wins on conflicts).
   */
  url?: string;
  /**
   * ioredis options for the connection the store opens: `host`, `port`, `username`, `password`, `db`, `tls`,
   * `family`, `keepAlive`, `retryStrategy`… The store forces `enableOfflineQueue: false` and
   * `autoResendUnfulfilledCommands: false`, and sets `connectTimeout`/`commandTimeout` from its own options. It gathers
   * its per-request operations itself (one command per turn of the event loop), so it leaves ioredis'
   * `enableAutoPipelining` off: measured, that costs an issuer 3–11 % less CPU per request than with it on (yours to
   * turn on).
   */
  redis?: RedisOptions;
  /**
   * A Redis Cluster to connect to: its startup nodes and ioredis `ClusterOptions` (TLS and auth go in
   * `options.redisOptions`). The store forces `enableOfflineQueue: false` (and leaves ioredis' auto-pipelining off
   * on a Cluster: with it, ioredis did not recover from a master going down and coming back).
   */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
  /**
   * Prepended to every key, so several applications (or environments) can share one Redis. Must not contain `{` or
   * `}` (the store's Cluster hash tags come after it).
   * @default 'tessera:'
   */
  keyPrefix?: string;
  /**
   * The pub/sub channel revocations are published on; every store that should see one another's revocations uses the
   * same one.
   * @default `${keyPrefix}revocations`
   */
  channel?: string;
  /**
   * Longest wait for one round trip to Redis, in ms; past it the operation rejects with `store_unavailable`.
   * @default 1000
   */
  commandTimeoutMs?: number;
  /**
   * Longest wait for the first connection (and for the pub/sub connection), in ms. Operations started while the
   * store connects for the first time wait for it up to this long; after that, while Redis is unreachable, they
   * reject at once.
   * @default 2000
   */
  connectTimeoutMs?: number;
  /**
   * Receives connection errors of the connections the store opened (for logs; they never hold a token). Without it
   * they are dropped: every operation reports its own failure as `store_unavailable`.
   */
  onError?: (error: Error) => void;
}

/** Options once validated. */
export interface ResolvedOptions {
  readonly client: RedisClient;
  readonly owned: boolean;
  readonly keyPrefix: string;
  readonly channel: string;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly onError: (error: Error) => void;
}

const RECONNECT = (times: number): number => Math.min(100 * times, 2000);

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new TesseraArgumentError(`"options.${name}" must be a positive integer number of milliseconds`);
  }
  return value as number;
}

function clientKeyPrefix(client: RedisClient): unknown {
  if (client instanceof Cluster) return client.options.keyPrefix ?? client.options.redisOptions?.keyPrefix;
  return client.options.keyPrefix;
}

/** Validates the options and opens the connection the store owns, if it is to own one. */
export function resolveOptions(options: RedisTokenStoreOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('"options" must be an object');
  const { client, url, redis, cluster, onError = () => undefined } = options;
  const ways = [client !== undefined, url !== undefined || redis !== undefined, cluster !== undefined];
  if (ways.filter(Boolean).length !== 1) {
    throw new TesseraArgumentError('give exactly one of "options.client", "options.url"/"options.redis" or "options.cluster"');
  }
  const keyPrefix = options.keyPrefix ?? 'tessera:';
  if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix)) {
    throw new TesseraArgumentError('"options.keyPrefix" must be a string without "{" or "}"');
  }
  const channel = options.channel ?? `${keyPrefix}revocations`;
  if (typeof channel !== 'string' || channel.length === 0) {
    throw new TesseraArgumentError('"options.channel" must be a non-empty string');
  }
  const commandTimeoutMs = positiveInteger('commandTimeoutMs', options.commandTimeoutMs, 1000);
  const connectTimeoutMs = positiveInteger('connectTimeoutMs', options.connectTimeoutMs, 2000);
  if (typeof onError !== 'function') throw new TesseraArgumentError('"options.onError" must be a function');
  const common = { keyPrefix, channel, commandTimeoutMs, connectTimeoutMs, onError };

  if (client !== undefined) {
    if (!(client instanceof Redis) && !(client instanceof Cluster)) {
      throw new TesseraArgumentError('"options.client" must be an ioredis Redis or Cluster instance');
    }
    if (clientKeyPrefix(client)) {
      throw new TesseraArgumentError('"options.client" must not have an ioredis keyPrefix; use "options.keyPrefix"');
    }
    return { client, owned: false, ...common };
  }
  const nodeOptions = {
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 0,
  };
  if (cluster !== undefined) {
    if (typeof cluster !== 'object' || cluster === null || !Array.isArray(cluster.nodes) || cluster.nodes.length === 0) {
      throw new TesseraArgumentError('"options.cluster.nodes" must be a non-empty array of startup nodes');
    }
    const clusterOptions = cluster.options ?? {};
    if (clusterOptions.keyPrefix || clusterOptions.redisOptions?.keyPrefix) {
      throw new TesseraArgumentError('"options.cluster.options" must not set an ioredis keyPrefix; use "options.keyPrefix"');
    }
    const created = new Cluster(cluster.nodes, {
      clusterRetryStrategy: RECONNECT,
      ...clusterOptions,
      enableOfflineQueue: false,
      redisOptions: { ...nodeOptions, ...clusterOptions.redisOptions, autoResendUnfulfilledCommands: false },
    });
    created.on('error', onError);
    return { client: created, owned: true, ...common };
  }
  if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) {
    throw new TesseraArgumentError('"options.url" must be a redis:// or rediss:// URL');
  }
  if (redis !== undefined && (typeof redis !== 'object' || redis === null)) {
    throw new TesseraArgumentError('"options.redis" must be an object of ioredis options');
  }
  if (redis?.keyPrefix) throw new TesseraArgumentError('"options.redis" must not set keyPrefix; use "options.keyPrefix"');
  const redisOptions: RedisOptions = {
    ...nodeOptions,
    retryStrategy: RECONNECT,
    ...redis,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
  };
  const created = url === undefined ? new Redis(redisOptions) : new Redis(url, redisOptions);
  created.on('error', onError);
  return { client: created, owned: true, ...common };
}
