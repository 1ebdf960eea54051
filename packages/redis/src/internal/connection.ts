import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { UnavailableError, tokenStoreErrors } from '@tessera/core';

/** A standalone client or a Cluster: the commands the store uses exist on both. */
export type RedisClient = Redis | Cluster;

/** Counters of what the store sent to Redis (see `RedisTokenStore.stats`). */
export interface RedisStoreStats {
  /** Commands sent (a script call is one command; so is a turn's gathered operations on a single Redis). */
  readonly commands: number;
  /** Round trips waited for: commands sent together and awaited together count once. */
  readonly roundTrips: number;
}

/** A Lua script with its SHA-1, called by EVALSHA (EVAL once after a NOSCRIPT, e.g. after a restart or failover). */
export class Script {
  readonly lua: string;
  readonly sha: string;
  constructor(lua: string) {
    this.lua = lua;
    this.sha = createHash('sha1').update(lua).digest('hex');
  }
}

/** The error every Redis failure becomes: the caller answers 503 and fails closed. The cause stays for logs. */
export function unavailable(cause?: unknown, message = 'token store is unavailable'): UnavailableError {
  return new UnavailableError('store_unavailable', message, cause === undefined ? undefined : { cause });
}

/**
 * Resolves once `client` is ready (connecting it when it waits for a lazy connect), or rejects with
 * `store_unavailable` after `timeoutMs`.
 */
export function waitReady(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onReady = (): void => done();
    const onEnd = (): void => done(unavailable(undefined, 'token store connection ended'));
    const timer = setTimeout(
      () => done(unavailable(undefined, `token store did not become ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.once('ready', onReady);
    client.once('end', onEnd);
    if (client.status === 'wait') client.connect().catch(() => undefined);
  });
}

const timeoutMessage = (ms: number): string => `token store did not answer within ${ms} ms`;

/** Settles like `promise`, or rejects with `store_unavailable` after `ms`; every Redis error becomes `store_unavailable`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(unavailable(undefined, timeoutMessage(ms))), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (error instanceof UnavailableError) reject(error);
        // ioredis' own `commandTimeout` (set on the connections the store opens) may fire first: the same event.
        else if (error instanceof Error && error.message === 'Command timed out') reject(unavailable(error, timeoutMessage(ms)));
        else reject(unavailable(error));
      },
    );
  });
}

/**
 * The store's command path: refuses to send while the client is not ready (so no command waits in an offline queue to
 * run later, after its caller was told 503), bounds every round trip by a timeout, maps every failure to
 * `store_unavailable`, and counts commands and round trips.
 */
export class Connection {
  readonly client: RedisClient;
  readonly cluster: boolean;
  readonly #commandTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  #everReady: boolean;
  #initial: Promise<void> | undefined;
  #closed = false;
  #commands = 0;
  #roundTrips = 0;

  constructor(client: RedisClient, commandTimeoutMs: number, connectTimeoutMs: number) {
    this.client = client;
    this.cluster = client.isCluster;
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#everReady = client.status === 'ready';
    if (!this.#everReady) {
      client.once('ready', () => {
        this.#everReady = true;
      });
    }
  }

  get stats(): RedisStoreStats {
    return { commands: this.#commands, roundTrips: this.#roundTrips };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Counts commands sent inside a {@link Connection.run} that declared 0 (their number known only once sent). */
  count(commands: number): void {
    this.#commands += commands;
  }

  markClosed(): void {
    this.#closed = true;
  }

  /**
   * One round trip: `send` issues `commands` commands at once (e.g. a script and, on a Cluster, the pointer writes
   * for other slots) and returns what they resolve to.
   */
  async run<T>(commands: number, send: (client: RedisClient) => Promise<T>): Promise<T> {
    await this.#ready();
    this.#commands += commands;
    this.#roundTrips++;
    let sent: Promise<T>;
    try {
      sent = send(this.client);
    } catch (error) {
      throw unavailable(error);
    }
    return withTimeout(sent, this.#commandTimeoutMs);
  }

  /** Calls a script: EVALSHA, and EVAL when the server does not have it cached (one more round trip). */
  async script(script: Script, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await this.run(1, (c) => c.evalsha(script.sha, keys.length, ...keys, ...args));
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return this.run(1, (c) => c.eval(script.lua, keys.length, ...keys, ...args));
    }
  }

  /** The promise of a script call for `run` batches (the caller handles NOSCRIPT through {@link Connection.script}). */
  static evalsha(client: RedisClient, script: Script, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    return client.evalsha(script.sha, keys.length, ...keys, ...args);
  }

  async #ready(): Promise<void> {
    if (this.#closed) throw tokenStoreErrors.closed();
    const { status } = this.client;
    if (status === 'ready') return;
    // Before the first connection completes, callers wait for it (bounded); after that, a client that is not ready is
    // reconnecting and the answer is an immediate 503.
    if (!this.#everReady && (status === 'wait' || status === 'connecting' || status === 'connect')) {
      this.#initial ??= waitReady(this.client, this.#connectTimeoutMs).finally(() => {
        this.#initial = undefined;
      });
      await this.#initial;
      return;
    }
    throw unavailable(undefined, `token store connection is ${status}`);
  }
}

/** Whether `error` (or the error it wraps) is Redis' NOSCRIPT. */
export function isNoScript(error: unknown): boolean {
  const cause = error instanceof UnavailableError ? error.cause : error;
  return cause instanceof Error && cause.message.startsWith('NOSCRIPT');
}
