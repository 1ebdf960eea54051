import type { OpaqueTokenRecord } from '@tessera/core';
import { Script, unavailable, type Connection } from './connection.js';
import type { KeySpace } from './keys.js';
import { GET_OPAQUE_MANY, IS_REVOKED_MANY, MARK_USED_MANY, SET_MANY } from './lua.js';
import { TurnBatch } from './turn-batch.js';

const getOpaqueManyScript = new Script(GET_OPAQUE_MANY);
const isRevokedManyScript = new Script(IS_REVOKED_MANY);
const setManyScript = new Script(SET_MANY);
const markUsedManyScript = new Script(MARK_USED_MANY);

/** A key to set: its value and its time to live in ms. */
type Write = readonly [key: string, value: string, ttlMs: number];

/** A batch reply must hold one entry per item; anything else is a broken store (fail closed). */
function perItem(reply: unknown, items: number): readonly unknown[] {
  if (!Array.isArray(reply) || reply.length !== items) throw unavailable(undefined, 'token store sent an unexpected reply');
  return reply;
}

/**
 * The store's per-request operations on a single Redis — opaque-token look-ups and writes, revocation and session
 * checks, cached claims, replay markers — gathered per turn of the event loop ({@link TurnBatch}): a turn's operations
 * of one kind are one command, so a server answering a burst of requests sends a few commands per turn instead of one
 * per request. Each operation stays atomic on its own, as when sent alone. (On a Cluster the keys of a batch live in
 * many slots: the store sends those operations one by one there.)
 */
export class SingleServerBatches {
  readonly #opaque: TurnBatch<string, unknown>;
  readonly #revoked: TurnBatch<string, unknown>;
  readonly #values: TurnBatch<string, unknown>;
  readonly #writes: TurnBatch<Write, undefined>;
  readonly #markers: TurnBatch<readonly [key: string, ttlMs: number], unknown>;

  constructor(conn: Connection, keys: KeySpace) {
    this.#opaque = new TurnBatch(async (hashes) => {
      const scriptKeys: string[] = [];
      for (const hash of hashes) scriptKeys.push(keys.opaque(hash), keys.opaquePointer(hash));
      return perItem(await conn.script(getOpaqueManyScript, scriptKeys, []), hashes.length);
    });
    this.#revoked = new TurnBatch(async (jtis) => {
      const scriptKeys: string[] = [];
      for (const jti of jtis) scriptKeys.push(keys.denied(jti), keys.jtiPointer(jti));
      return perItem(await conn.script(isRevokedManyScript, scriptKeys, []), jtis.length);
    });
    this.#values = new TurnBatch(async (valueKeys) => perItem(await conn.run(1, (c) => c.mget(valueKeys as string[])), valueKeys.length));
    this.#writes = new TurnBatch(async (writes) => {
      const scriptKeys: string[] = [];
      const args: Array<string | number> = [];
      for (const [key, value, ttlMs] of writes) {
        scriptKeys.push(key);
        args.push(value, ttlMs);
      }
      await conn.script(setManyScript, scriptKeys, args);
      return [];
    });
    this.#markers = new TurnBatch(async (markers) => {
      const scriptKeys = markers.map(([key]) => key);
      const ttls = markers.map(([, ttlMs]) => ttlMs);
      return perItem(await conn.script(markUsedManyScript, scriptKeys, ttls), markers.length);
    });
  }

  /** Opaque token `hash`'s record, unless it is unknown or its family is revoked. */
  async getOpaque(hash: string): Promise<OpaqueTokenRecord | undefined> {
    const found = await this.#opaque.add(hash);
    return Array.isArray(found) && typeof found[0] === 'string' ? (JSON.parse(found[0]) as OpaqueTokenRecord) : undefined;
  }

  /** Whether `jti` is denylisted or tracked with a revoked (or vanished) family. */
  async isRevoked(jti: string): Promise<boolean> {
    return (await this.#revoked.add(jti)) !== 0;
  }

  /** The string at `key`, or undefined. */
  async get(key: string): Promise<string | undefined> {
    const value = await this.#values.add(key);
    return typeof value === 'string' ? value : undefined;
  }

  /** Sets the replay marker `key` for `ttlMs` unless it exists: whether this is its first use. */
  async markUsed(key: string, ttlMs: number): Promise<boolean> {
    return (await this.#markers.add([key, ttlMs])) === 1;
  }

  /** Sets `key` to `value` for `ttlMs`. */
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#writes.add([key, value, ttlMs]);
  }
}
