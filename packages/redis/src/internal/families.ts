import {
  TesseraArgumentError,
  tokenStoreErrors,
  type CheckedRotation,
  type FamilyAccessToken,
  type RefreshRotateResult,
  type RefreshTokenRecord,
  type StoredRefreshToken,
} from '@tessera/core';
import { Connection, Script, isNoScript, unavailable, type RedisClient } from './connection.js';
import { KeySpace, familyKeys } from './keys.js';
import { GET_REFRESH, ISSUE, REVOKE_FAMILY, ROTATE } from './lua.js';

const issueScript = new Script(ISSUE);
const rotateScript = new Script(ROTATE);
const revokeScript = new Script(REVOKE_FAMILY);
const getScript = new Script(GET_REFRESH);

/**
 * How much longer than its longest-lived member a family is kept (ms): on a Cluster the access-token pointers are
 * written by their own command a moment after the family script extended the family, so the family must not expire
 * first (a pointer to a missing family reads as revoked: fail closed).
 */
const FAMILY_MARGIN_MS = 5000;

const ROTATED: RefreshRotateResult = Object.freeze({ outcome: 'rotated' });

/** Seconds → whole milliseconds, at least 1 (Redis' PX). */
export function ms(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}

const alreadyStored = (name: string): TesseraArgumentError =>
  new TesseraArgumentError(`"${name}" is already stored; every refresh token must be new`);
const familyMismatch = (): TesseraArgumentError =>
  new TesseraArgumentError('"next.record.familyId" must equal the rotated token\'s family');

/** The access-token part of a family script's arguments, and the pointer keys it needs. */
function access(keys: KeySpace, token: FamilyAccessToken | undefined): { args: string[]; pointers: string[] } {
  if (token === undefined) return { args: ['', '', '0'], pointers: [] };
  const pointers: string[] = [];
  if (token.jti !== undefined) pointers.push(keys.jtiPointer(token.jti));
  if (token.hash !== undefined) pointers.push(keys.opaquePointer(token.hash));
  return { args: [token.jti ?? '', token.hash ?? '', String(ms(token.ttlSeconds))], pointers };
}

/**
 * Refresh-token families on Redis: issue, read, rotate, revoke. On a single Redis each operation is one script that
 * also writes the pointers; on a Cluster the script touches the family's slot only and the pointers (other slots) go
 * as separate commands in the same round trip.
 */
export class RedisFamilies {
  readonly #conn: Connection;
  readonly #keys: KeySpace;

  constructor(conn: Connection, keys: KeySpace) {
    this.#conn = conn;
    this.#keys = keys;
  }

  async issue(hash: string, json: string, familyId: string, ttlSeconds: number, token: FamilyAccessToken | undefined): Promise<void> {
    const family = this.#keys.family(familyId);
    const { token: tokenKey, access: accessKey } = familyKeys(family, hash);
    const pointer = this.#keys.refreshPointer(hash);
    const ttl = ms(ttlSeconds);
    const a = access(this.#keys, token);
    const argv = (withPointers: boolean): Array<string | number> => [
      json, ttl, familyId, ...a.args, FAMILY_MARGIN_MS, withPointers ? '1' : '0',
    ];
    if (!this.#conn.cluster) {
      const reply = await this.#conn.script(issueScript, [family, tokenKey, accessKey, pointer, ...a.pointers], argv(true));
      return issued(reply);
    }
    // Cluster: claim the pointer first (its slot is the hash's), then the family script with the access pointers.
    const claimed = await this.#conn.run(1, (c) => c.set(pointer, family, 'PX', ttl, 'NX'));
    if (claimed === null) throw alreadyStored('hash');
    const [reply] = await this.#batch(issueScript, [family, tokenKey, accessKey], argv(false), (c) =>
      a.pointers.map((key) => c.set(key, family, 'PX', Number(a.args[2]))),
    );
    try {
      issued(reply);
    } catch (error) {
      await this.#forget([pointer, ...a.pointers]);
      throw error;
    }
  }

  async get(hash: string): Promise<StoredRefreshToken | undefined> {
    let reply: unknown;
    if (!this.#conn.cluster) {
      reply = await this.#conn.script(getScript, [this.#keys.refreshPointer(hash)], [hash, '1']);
    } else {
      const family = await this.#conn.run(1, (c) => c.get(this.#keys.refreshPointer(hash)));
      if (family === null) return undefined;
      reply = await this.#conn.script(getScript, [family], [hash, '0']);
    }
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') return undefined;
    return { record: JSON.parse(reply[0]) as RefreshTokenRecord, rotated: reply[1] === '1' };
  }

  async rotate(oldHash: string, next: CheckedRotation): Promise<RefreshRotateResult> {
    const family = this.#keys.family(next.familyId);
    const { token: oldKey, access: accessKey } = familyKeys(family, oldHash);
    const { token: nextKey } = familyKeys(family, next.hash);
    const pointer = this.#keys.refreshPointer(next.hash);
    const ttl = ms(next.ttlSeconds);
    const a = access(this.#keys, next.accessToken);
    const argv = (withPointers: boolean): Array<string | number> => [
      next.json, ttl, next.hash, ...a.args, FAMILY_MARGIN_MS, withPointers ? '1' : '0',
      next.graceSeconds > 0 ? ms(next.graceSeconds) : 0, next.successor ?? '', this.#keys.channel,
    ];
    let reply: unknown;
    let claimed: unknown = 'OK';
    if (!this.#conn.cluster) {
      reply = await this.#conn.script(rotateScript, [family, oldKey, nextKey, accessKey, pointer, ...a.pointers], argv(true));
    } else {
      // One round trip: the family script, and the pointers of the new tokens (other slots) written alongside.
      [reply, claimed] = await this.#batch(rotateScript, [family, oldKey, nextKey, accessKey], argv(false), (c) => [
        c.set(pointer, family, 'PX', ttl, 'NX'),
        ...a.pointers.map((key) => c.set(key, family, 'PX', Number(a.args[2]))),
      ]);
    }
    const [outcome, successor] = Array.isArray(reply) ? (reply as unknown[]) : [];
    // Cluster: a rotation that did not happen leaves no pointer behind (the caller may retry with the same token).
    if (outcome !== 'rotated' && claimed === 'OK' && this.#conn.cluster) await this.#forget([pointer, ...a.pointers]);
    switch (outcome) {
      case 'rotated':
        if (claimed === null && (await this.#pointerOf(next.hash)) !== family) throw alreadyStored('next.hash');
        return ROTATED;
      case 'grace':
        return { outcome: 'grace', successor: String(successor) };
      case 'reused':
        throw tokenStoreErrors.reused();
      case 'exists':
        throw alreadyStored('next.hash');
      case 'invalid': {
        // Not in this family: either unknown, or the caller named the wrong family (a bug, told apart only here).
        const actual = await this.#pointerOf(oldHash);
        if (actual !== null && actual !== family) throw familyMismatch();
        throw tokenStoreErrors.invalid();
      }
      default:
        throw unavailable(new Error(`unexpected rotate reply ${JSON.stringify(reply)}`));
    }
  }

  async revoke(familyId: string): Promise<void> {
    const family = this.#keys.family(familyId);
    await this.#conn.script(revokeScript, [family, `${family}:a`], [this.#keys.channel]);
  }

  /** Cluster: deletes pointers this call wrote (each in its own slot), best effort: a stale pointer only dangles. */
  async #forget(keys: string[]): Promise<void> {
    await this.#conn.run(keys.length, (c) => Promise.all(keys.map((key) => c.del(key)))).catch(() => undefined);
  }

  #pointerOf(hash: string): Promise<string | null> {
    return this.#conn.run(1, (c) => c.get(this.#keys.refreshPointer(hash)));
  }

  /**
   * A family script and the commands `others` sends for other slots, in one round trip. Returns the script's reply
   * followed by the others' results. A NOSCRIPT re-runs the script alone (EVAL); the others are not sent again.
   */
  async #batch(
    script: Script,
    keys: string[],
    args: Array<string | number>,
    others: (client: RedisClient) => Array<Promise<unknown>>,
  ): Promise<unknown[]> {
    const client = this.#conn.client;
    let sent: Array<Promise<unknown>> = [];
    const settled = await this.#conn.run(0, () => {
      sent = [Connection.evalsha(client, script, keys, args), ...others(client)];
      return Promise.allSettled(sent);
    });
    this.#conn.count(sent.length);
    const results: unknown[] = [];
    for (const [i, outcome] of settled.entries()) {
      if (outcome.status === 'fulfilled') results.push(outcome.value);
      else if (i === 0 && isNoScript(outcome.reason)) results.push(await this.#conn.script(script, keys, args));
      else throw unavailable(outcome.reason);
    }
    return results;
  }
}

function issued(reply: unknown): void {
  if (reply === 'ok') return;
  if (reply === 'exists') throw alreadyStored('hash');
  if (reply === 'revoked') throw tokenStoreErrors.invalid();
  throw unavailable(new Error(`unexpected issue reply ${JSON.stringify(reply)}`));
}
