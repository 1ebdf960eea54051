import type { Cluster } from 'ioredis';
import {
  tokenStoreArguments as check,
  tokenStoreErrors,
  type CounterState,
  type IssueRefreshTokenOptions,
  type JsonObject,
  type JwtClaims,
  type OpaqueTokenRecord,
  type RefreshRotateOptions,
  type RefreshRotateResult,
  type RefreshTokenRecord,
  type RefreshTokenRotation,
  type RevocationListener,
  type StoredRefreshToken,
  type TokenStore,
} from '@tessera/core';
import { Connection, Script, unavailable, withTimeout, type RedisClient, type RedisStoreStats } from './internal/connection.js';
import { RedisFamilies, ms } from './internal/families.js';
import { KeySpace } from './internal/keys.js';
import { SingleServerBatches } from './internal/single-server-batches.js';
import { DELETE_AND_PUBLISH, GET_OPAQUE, INCREMENT, IS_REVOKED, REVOKE_JTI } from './internal/lua.js';
import { RevocationSubscriber, formatEvents } from './internal/subscriber.js';
import { resolveOptions, type RedisTokenStoreOptions } from './redis-token-store-options.js';

const isRevokedScript = new Script(IS_REVOKED);
const getOpaqueScript = new Script(GET_OPAQUE);
const revokeJtiScript = new Script(REVOKE_JTI);
const deleteScript = new Script(DELETE_AND_PUBLISH);
const incrementScript = new Script(INCREMENT);

/**
 * Core's {@link TokenStore} on Redis or Redis Cluster, through ioredis: the store to use when more than one process
 * issues or verifies tokens. Every operation is atomic (one Lua script or one command); a refresh-token rotation is
 * one script and one round trip, and revocation and rotation of one family never interleave. Revocations are
 * published on a pub/sub channel, so every store's `subscribeRevocations` listeners hear of them within milliseconds.
 * On a single Redis the operations made for each request (opaque tokens, revocation and session checks, cached claims,
 * replay markers, rate-limit counts) are gathered per turn of the event loop into one script call.
 *
 * Fails closed: while Redis cannot be reached every operation rejects with `UnavailableError` (`store_unavailable`,
 * 503) within `commandTimeoutMs`, and the store recovers by itself when Redis is back.
 *
 * Tokens are never stored: only their fingerprints (`tokenFingerprint`) and records, and the grace window's sealed
 * successor. Requires Redis ≥ 6.2.
 *
 * @throws TesseraArgumentError (`invalid_argument`) from the constructor when an option is invalid
 * @example
 * ```ts
 * const store = new RedisTokenStore({ url: 'redis://127.0.0.1:6379', keyPrefix: 'myapp:' });
 * await store.revoke(claims.jti, claims.exp - Math.floor(Date.now() / 1000));
 * await store.isRevoked(claims.jti); // true, in every process sharing this Redis
 * await store.close();
 * ```
 */
export class RedisTokenStore implements TokenStore {
  readonly #conn: Connection;
  readonly #keys: KeySpace;
  readonly #families: RedisFamilies;
  readonly #subscriber: RevocationSubscriber;
  readonly #owned: boolean;
  /** On a single Redis, the per-request operations of one turn gathered into one command. */
  readonly #batches: SingleServerBatches | undefined;

  /**
   * @param options - how to reach Redis, key prefix, channel, timeouts
   * @throws TesseraArgumentError (`invalid_argument`) when an option is invalid
   */
  constructor(options: RedisTokenStoreOptions) {
    const resolved = resolveOptions(options);
    this.#owned = resolved.owned;
    this.#conn = new Connection(resolved.client, resolved.commandTimeoutMs, resolved.connectTimeoutMs);
    this.#keys = new KeySpace(resolved.keyPrefix, resolved.channel);
    this.#families = new RedisFamilies(this.#conn, this.#keys);
    this.#batches = this.#conn.cluster ? undefined : new SingleServerBatches(this.#conn, this.#keys);
    const client = resolved.client;
    this.#subscriber = new RevocationSubscriber(
      () => client.duplicate(),
      resolved.channel,
      resolved.connectTimeoutMs,
      resolved.onError,
    );
  }

  /** The ioredis client the store sends commands through (yours, when you passed `client`). */
  get client(): RedisClient {
    return this.#conn.client;
  }

  /**
   * What this store has sent to Redis since it was created: commands, and round trips waited for. A rotation is one
   * round trip (two or more commands on a Cluster, sent at once: the family script and the new tokens' pointers). A
   * script the server has not cached yet costs one more, once per server (after a restart or failover too).
   */
  get stats(): RedisStoreStats {
    return this.#conn.stats;
  }

  /** {@inheritDoc @tessera/core#TokenStore.putOpaqueToken} */
  async putOpaqueToken(hash: string, record: OpaqueTokenRecord, ttlSeconds: number): Promise<void> {
    check.key('hash', hash);
    check.positiveTtl('ttlSeconds', ttlSeconds);
    const json = check.opaqueRecord('record', record);
    await this.#set(this.#keys.opaque(hash), json, ms(ttlSeconds));
  }

  /** {@inheritDoc @tessera/core#TokenStore.getOpaqueToken} */
  async getOpaqueToken(hash: string): Promise<OpaqueTokenRecord | undefined> {
    check.key('hash', hash);
    if (this.#batches !== undefined) return this.#batched().getOpaque(hash);
    const keys = [this.#keys.opaque(hash), this.#keys.opaquePointer(hash)];
    const reply = await this.#conn.script(getOpaqueScript, keys, []); // a Cluster: a single Redis batches it
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
    if (typeof reply[1] === 'string' && !(await this.#familyLive(reply[1]))) return undefined;
    return JSON.parse(reply[0]) as OpaqueTokenRecord;
  }

  /** {@inheritDoc @tessera/core#TokenStore.deleteOpaqueToken} */
  async deleteOpaqueToken(hash: string): Promise<void> {
    check.key('hash', hash);
    await this.#publishing(this.#keys.opaque(hash), formatEvents([{ type: 'opaque', hash }]));
  }

  /** {@inheritDoc @tessera/core#TokenStore.issueRefreshToken} */
  async issueRefreshToken(
    hash: string,
    record: RefreshTokenRecord,
    ttlSeconds: number,
    options: IssueRefreshTokenOptions = {},
  ): Promise<void> {
    check.key('hash', hash);
    check.positiveTtl('ttlSeconds', ttlSeconds);
    const json = check.refreshRecord('record', record);
    check.options('options', options);
    check.accessToken('options.accessToken', options.accessToken);
    await this.#families.issue(hash, json, record.familyId, ttlSeconds, options.accessToken);
  }

  /** {@inheritDoc @tessera/core#TokenStore.getRefreshToken} */
  async getRefreshToken(hash: string): Promise<StoredRefreshToken | undefined> {
    check.key('hash', hash);
    return this.#families.get(hash);
  }

  /** {@inheritDoc @tessera/core#TokenStore.rotate} */
  async rotate(oldHash: string, next: RefreshTokenRotation, options: RefreshRotateOptions = {}): Promise<RefreshRotateResult> {
    const checked = check.rotation(oldHash, next, options);
    return this.#families.rotate(oldHash, checked);
  }

  /** {@inheritDoc @tessera/core#TokenStore.revokeFamily} */
  async revokeFamily(familyId: string): Promise<void> {
    check.key('familyId', familyId);
    await this.#families.revoke(familyId);
  }

  /** {@inheritDoc @tessera/core#TokenStore.revoke} */
  async revoke(jti: string, ttlSeconds: number): Promise<void> {
    check.key('jti', jti);
    check.ttl('ttlSeconds', ttlSeconds);
    if (this.#conn.closed) throw tokenStoreErrors.closed();
    if (ttlSeconds <= 0) return;
    const event = formatEvents([{ type: 'jti', jti }]);
    await this.#conn.script(revokeJtiScript, [this.#keys.denied(jti)], [ms(ttlSeconds), this.#keys.channel, event]);
  }

  /** {@inheritDoc @tessera/core#TokenStore.isRevoked} */
  async isRevoked(jti: string): Promise<boolean> {
    check.key('jti', jti);
    if (this.#batches !== undefined) return this.#batched().isRevoked(jti);
    const keys = [this.#keys.denied(jti), this.#keys.jtiPointer(jti)];
    const reply = await this.#conn.script(isRevokedScript, keys, []); // a Cluster: a single Redis batches it
    if (typeof reply === 'string') return !(await this.#familyLive(reply));
    return reply === 1;
  }

  /** {@inheritDoc @tessera/core#TokenStore.cacheClaims} */
  async cacheClaims(fingerprint: string, claims: JwtClaims, ttlSeconds: number): Promise<void> {
    check.key('fingerprint', fingerprint);
    check.ttl('ttlSeconds', ttlSeconds);
    const json = check.claims('claims', claims);
    if (this.#conn.closed) throw tokenStoreErrors.closed();
    if (ttlSeconds <= 0) return;
    await this.#set(this.#keys.claims(fingerprint), json, ms(ttlSeconds));
  }

  /** {@inheritDoc @tessera/core#TokenStore.getCachedClaims} */
  async getCachedClaims(fingerprint: string): Promise<JwtClaims | undefined> {
    check.key('fingerprint', fingerprint);
    const key = this.#keys.claims(fingerprint);
    const json = this.#batches !== undefined ? await this.#batched().get(key) : ((await this.#conn.run(1, (c) => c.get(key))) ?? undefined);
    return json === undefined ? undefined : (JSON.parse(json) as JwtClaims);
  }

  /** {@inheritDoc @tessera/core#TokenStore.subscribeRevocations} */
  async subscribeRevocations(listener: RevocationListener): Promise<() => Promise<void>> {
    check.listener(listener);
    if (this.#conn.closed) throw tokenStoreErrors.closed();
    return this.#subscriber.subscribe(listener);
  }

  /** {@inheritDoc @tessera/core#TokenStore.increment} */
  async increment(key: string, windowSeconds: number, hits = 1): Promise<CounterState> {
    check.key('key', key);
    check.positiveTtl('windowSeconds', windowSeconds);
    check.hits('hits', hits);
    if (this.#batches !== undefined) return this.#batched().count(this.#keys.counter(key), ms(windowSeconds), hits);
    const reply = (await this.#conn.script(incrementScript, [this.#keys.counter(key)], [ms(windowSeconds), hits])) as [number, number];
    return { count: reply[0], resetSeconds: reply[1] / 1000 };
  }

  /** {@inheritDoc @tessera/core#TokenStore.markUsed} */
  async markUsed(key: string, ttlSeconds: number): Promise<boolean> {
    check.key('key', key);
    check.positiveTtl('ttlSeconds', ttlSeconds);
    if (this.#batches !== undefined) return this.#batched().markUsed(this.#keys.used(key), ms(ttlSeconds));
    const reply = await this.#conn.run(1, (c) => c.set(this.#keys.used(key), '1', 'PX', ms(ttlSeconds), 'NX'));
    return reply === 'OK';
  }

  /** {@inheritDoc @tessera/core#TokenStore.putOneTime} */
  async putOneTime(key: string, value: JsonObject, ttlSeconds: number): Promise<void> {
    check.key('key', key);
    check.positiveTtl('ttlSeconds', ttlSeconds);
    const json = check.jsonObject('value', value);
    await this.#conn.run(1, (c) => c.set(this.#keys.oneTime(key), json, 'PX', ms(ttlSeconds)));
  }

  /** {@inheritDoc @tessera/core#TokenStore.takeOneTime} */
  async takeOneTime(key: string): Promise<JsonObject | undefined> {
    check.key('key', key);
    const json = await this.#conn.run(1, (c) => c.getdel(this.#keys.oneTime(key)));
    return json === null ? undefined : (JSON.parse(json) as JsonObject);
  }

  /** {@inheritDoc @tessera/core#TokenStore.putSession} */
  async putSession(jti: string, ttlSeconds: number): Promise<void> {
    check.key('jti', jti);
    check.positiveTtl('ttlSeconds', ttlSeconds);
    await this.#conn.run(1, (c) => c.set(this.#keys.session(jti), '1', 'PX', ms(ttlSeconds)));
  }

  /** {@inheritDoc @tessera/core#TokenStore.hasSession} */
  async hasSession(jti: string): Promise<boolean> {
    check.key('jti', jti);
    const key = this.#keys.session(jti);
    if (this.#batches !== undefined) return (await this.#batched().get(key)) !== undefined; // its value is always '1'
    return (await this.#conn.run(1, (c) => c.exists(key))) === 1;
  }

  /** {@inheritDoc @tessera/core#TokenStore.deleteSession} */
  async deleteSession(jti: string): Promise<void> {
    check.key('jti', jti);
    await this.#publishing(this.#keys.session(jti), formatEvents([{ type: 'session', jti }]));
  }

  /**
   * Resolves when Redis answers: on a Cluster, when every slot has a master and every master answers PING.
   * @throws UnavailableError (`store_unavailable`)
   */
  async ping(): Promise<void> {
    const client = this.#conn.client;
    if (!client.isCluster) {
      await this.#conn.run(1, (c) => c.ping());
      return;
    }
    const cluster = client as Cluster;
    await this.#conn.run(0, async () => {
      const masters = new Map(cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
      const owners = new Set<string>();
      for (let slot = 0; slot < 16384; slot++) {
        const owner = cluster.slots[slot]?.[0];
        if (owner === undefined) throw unavailable(undefined, 'token store cluster has slots without a master');
        owners.add(owner);
      }
      for (const owner of owners) {
        if (!masters.has(owner)) throw unavailable(undefined, 'token store cluster master is unreachable');
      }
      await Promise.all([...owners].map((owner) => masters.get(owner)?.ping()));
    });
  }

  /**
   * Closes the pub/sub connection and, unless you passed `client`, the command connection. Idempotent; every other
   * method rejects with `store_unavailable` afterwards.
   */
  async close(): Promise<void> {
    if (this.#conn.closed) return;
    this.#conn.markClosed();
    this.#subscriber.close();
    if (!this.#owned) return;
    const client = this.#conn.client;
    const ended = new Promise<void>((resolve) => {
      if (client.status === 'end') resolve();
      else client.once('end', () => resolve());
    });
    try {
      await withTimeout(client.quit(), 1000);
    } catch {
      // Redis unreachable: drop the connection instead.
    }
    client.disconnect();
    await withTimeout(ended, 1000).catch(() => undefined);
  }

  /** Deletes `key` and publishes `message` in one script. */
  async #publishing(key: string, message: string): Promise<void> {
    await this.#conn.script(deleteScript, [key], [this.#keys.channel, message]);
  }

  /**
   * The batches, for a call about to join one; throws at once after `close()`, as every unbatched operation does (a
   * batch sent later would fail it too, but only once the turn is over).
   */
  #batched(): SingleServerBatches {
    if (this.#conn.closed) throw tokenStoreErrors.closed();
    return this.#batches!;
  }

  /** Sets a string key with an expiry: gathered with the turn's other writes on a single Redis, a `SET … PX` on a Cluster. */
  async #set(key: string, json: string, ttlMs: number): Promise<void> {
    if (this.#batches !== undefined) await this.#batched().set(key, json, ttlMs);
    else await this.#conn.run(1, (c) => c.set(key, json, 'PX', ttlMs));
  }

  /** Cluster only: whether the family at `familyKey` is live (a missing family counts as revoked: fail closed). */
  async #familyLive(familyKey: string): Promise<boolean> {
    return (await this.#conn.run(1, (c) => c.hget(familyKey, 'v'))) === '0';
  }
}
