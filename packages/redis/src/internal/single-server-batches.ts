import type { CounterState, OpaqueTokenRecord } from '@tessera/core';
import { Script, unavailable, type Connection } from './connection.js';
import type { KeySpace } from './keys.js';
import { TURN } from './lua.js';
import { TurnBatch } from './turn-batch.js';

const turnScript = new Script(TURN);

/**
 * One operation of a turn, as the turn script reads it: its kind (see `TURN` in `lua.ts`), its keys and its arguments.
 */
interface Operation {
  readonly kind: 'o' | 'r' | 'g' | 'm' | 's' | 'c';
  readonly keys: readonly [string] | readonly [string, string];
  readonly args: ReadonlyArray<string | number>;
}

const NO_ARGS: readonly never[] = [];

/**
 * The store's per-request operations on a single Redis — opaque-token look-ups and writes, revocation and session
 * checks, cached claims, replay markers and rate-limit counts — gathered per turn of the event loop
 * ({@link TurnBatch}) into **one** script call, run in call order: a server answering a burst of requests sends one
 * command per turn (its count, look-ups and writes together) instead of one or more per request. Each operation
 * answers as when sent alone (two uses of one replay marker in a turn: exactly one is the first), and fails alone (a
 * write refused while Redis is out of memory fails that write, not the turn's reads); a failed call (timeout,
 * connection lost) fails the whole turn. (On a Cluster a turn's keys live in many slots: the store sends those
 * operations one by one there.)
 */
export class SingleServerBatches {
  readonly #turn: TurnBatch<Operation, unknown>;
  readonly #keys: KeySpace;

  constructor(conn: Connection, keys: KeySpace) {
    this.#keys = keys;
    this.#turn = new TurnBatch(async (operations) => {
      const scriptKeys: string[] = [];
      const args: Array<string | number> = [operations.length];
      for (const { kind, keys: opKeys, args: opArgs } of operations) {
        scriptKeys.push(...opKeys);
        args.push(kind, ...opArgs);
      }
      const reply = await conn.script(turnScript, scriptKeys, args);
      if (!Array.isArray(reply) || reply.length !== operations.length) {
        throw unavailable(undefined, 'token store sent an unexpected reply');
      }
      return reply;
    });
  }

  /** Adds `operation` to this turn's script call: its own answer, or `store_unavailable` when it alone failed. */
  async #run(operation: Operation): Promise<unknown> {
    const answer = await this.#turn.add(operation);
    if (answer instanceof Error) throw unavailable(answer);
    return answer;
  }

  /** Opaque token `hash`'s record, unless it is unknown or its family is revoked. */
  async getOpaque(hash: string): Promise<OpaqueTokenRecord | undefined> {
    const found = await this.#run({ kind: 'o', keys: [this.#keys.opaque(hash), this.#keys.opaquePointer(hash)], args: NO_ARGS });
    return Array.isArray(found) && typeof found[0] === 'string' ? (JSON.parse(found[0]) as OpaqueTokenRecord) : undefined;
  }

  /** Whether `jti` is denylisted or tracked with a revoked (or vanished) family. */
  async isRevoked(jti: string): Promise<boolean> {
    return (await this.#run({ kind: 'r', keys: [this.#keys.denied(jti), this.#keys.jtiPointer(jti)], args: NO_ARGS })) !== 0;
  }

  /** The string at `key`, or undefined. */
  async get(key: string): Promise<string | undefined> {
    const value = await this.#run({ kind: 'g', keys: [key], args: NO_ARGS });
    return typeof value === 'string' ? value : undefined;
  }

  /** Sets the replay marker `key` for `ttlMs` unless it exists: whether this is its first use. */
  async markUsed(key: string, ttlMs: number): Promise<boolean> {
    return (await this.#run({ kind: 'm', keys: [key], args: [ttlMs] })) === 1;
  }

  /** Sets `key` to `value` for `ttlMs`. */
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#run({ kind: 's', keys: [key], args: [value, ttlMs] });
  }

  /** Counts `hits` on the fixed-window counter `key` (window `windowMs`). */
  async count(key: string, windowMs: number, hits: number): Promise<CounterState> {
    const reply = (await this.#run({ kind: 'c', keys: [key], args: [windowMs, hits] })) as [number, number];
    return { count: reply[0], resetSeconds: reply[1] / 1000 };
  }
}
