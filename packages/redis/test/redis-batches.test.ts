import { describe, expect, it } from 'vitest';
import type { OpaqueTokenRecord } from '@tessera/core';
import { RedisTokenStore } from '@tessera/redis';
import { hasCommand, systemPeer } from '../../../test/support/system-peer.js';
import { newHash, refreshRecord, useRedisServers } from './helpers.js';

const opaque = (subject: string): OpaqueTokenRecord => ({ subject, clientId: 'api', scope: ['read'], expiresAt: Math.floor(Date.now() / 1000) + 600 });

if (systemPeer('redis-server', hasCommand('redis-server') && hasCommand('redis-cli'))) {
  describe('RedisTokenStore on a single Redis: the per-request operations of one turn leave as one command', () => {
    const servers = useRedisServers();
    const store = servers.store;

    /** What `run` sent: commands and round trips, after the scripts are cached (a first call may add a NOSCRIPT). */
    async function sent(s: RedisTokenStore, run: () => Promise<unknown>): Promise<{ commands: number; roundTrips: number }> {
      const before = s.stats;
      await run();
      return { commands: s.stats.commands - before.commands, roundTrips: s.stats.roundTrips - before.roundTrips };
    }

    /** A family whose access tokens are tracked: an opaque one (`hash`) and a JWT one (`jti`). */
    async function family(s: RedisTokenStore): Promise<{ familyId: string; hash: string; jti: string }> {
      const record = refreshRecord();
      const [hash, other] = [await newHash(), await newHash()];
      const jti = crypto.randomUUID();
      await s.issueRefreshToken(await newHash(), record, 3600, { accessToken: { hash, ttlSeconds: 600 } });
      await s.issueRefreshToken(other, record, 3600, { accessToken: { jti, ttlSeconds: 600 } });
      await s.putOpaqueToken(hash, opaque('in-family'), 600);
      return { familyId: record.familyId, hash, jti };
    }

    it('answers each of a turn\'s opaque look-ups with its own record (unknown, live family, revoked family) in one command', async () => {
      const s = store();
      const plain = await Promise.all([1, 2, 3].map(async () => newHash()));
      const records = plain.map((_, i) => opaque(`user-${i}`));
      await Promise.all(plain.map((h, i) => s.putOpaqueToken(h, records[i]!, 600)));
      const live = await family(s);
      const revoked = await family(s);
      await s.revokeFamily(revoked.familyId);
      const unknown = await newHash();
      await s.getOpaqueToken(unknown); // the script is cached from here on

      const hashes = [...plain, unknown, live.hash, revoked.hash];
      let answers: Array<OpaqueTokenRecord | undefined> = [];
      expect(await sent(s, async () => { answers = await Promise.all(hashes.map((h) => s.getOpaqueToken(h))); }))
        .toStrictEqual({ commands: 1, roundTrips: 1 });
      expect(answers.map((a) => a?.subject)).toStrictEqual(['user-0', 'user-1', 'user-2', undefined, 'in-family', undefined]);
      expect(answers[0]).toStrictEqual(records[0]);
    });

    it('answers each of a turn\'s revocation checks (denylisted, unknown, live family, revoked family) in one command', async () => {
      const s = store();
      await s.revoke('denied', 60);
      const live = await family(s);
      const revoked = await family(s);
      await s.revokeFamily(revoked.familyId);
      await s.isRevoked('warm-up');

      let answers: boolean[] = [];
      expect(await sent(s, async () => { answers = await Promise.all(['denied', 'unknown', live.jti, revoked.jti].map((j) => s.isRevoked(j))); }))
        .toStrictEqual({ commands: 1, roundTrips: 1 });
      expect(answers).toStrictEqual([true, false, false, true]);
    });

    it('writes a turn\'s opaque records and cached claims in one command, each with its own expiry', async () => {
      const s = store();
      await s.putOpaqueToken(await newHash(), opaque('warm-up'), 60);
      const [a, b] = [await newHash(), await newHash()];
      expect(await sent(s, () => Promise.all([
        s.putOpaqueToken(a, opaque('a'), 600),
        s.putOpaqueToken(b, opaque('b'), 30),
        s.cacheClaims('fp-1', { sub: 'c' }, 90),
      ]))).toStrictEqual({ commands: 1, roundTrips: 1 });

      expect((await s.getOpaqueToken(a))?.subject).toBe('a');
      expect((await s.getOpaqueToken(b))?.subject).toBe('b');
      const ttls = await Promise.all(['o:{' + a + '}', 'o:{' + b + '}', 'c:{fp-1}'].map((k) => servers.raw.pttl(`tessera:${k}`)));
      expect(ttls[0]).toBeGreaterThan(590_000);
      expect(ttls[0]).toBeLessThanOrEqual(600_000);
      expect(ttls[1]).toBeGreaterThan(20_000);
      expect(ttls[1]).toBeLessThanOrEqual(30_000);
      expect(ttls[2]).toBeGreaterThan(80_000);
      expect(ttls[2]).toBeLessThanOrEqual(90_000);
    });

    it('reads a turn\'s cached claims with one MGET', async () => {
      const s = store();
      await s.cacheClaims('fp-a', { sub: 'a' }, 60);
      await s.cacheClaims('fp-b', { sub: 'b', scope: 'read' }, 60);
      let answers: unknown[] = [];
      expect(await sent(s, async () => { answers = await Promise.all(['fp-a', 'fp-missing', 'fp-b'].map((f) => s.getCachedClaims(f))); }))
        .toStrictEqual({ commands: 1, roundTrips: 1 });
      expect(answers).toStrictEqual([{ sub: 'a' }, undefined, { sub: 'b', scope: 'read' }]);
    });

    it('marks a turn\'s replay markers in one command: exactly one of two uses of one key in a turn is the first', async () => {
      const s = store();
      await s.markUsed('warm-up', 60);
      await s.markUsed('seen', 60);
      let answers: boolean[] = [];
      expect(await sent(s, async () => { answers = await Promise.all(['a', 'seen', 'b', 'a'].map((k) => s.markUsed(k, 30))); }))
        .toStrictEqual({ commands: 1, roundTrips: 1 });
      expect(answers).toStrictEqual([true, false, true, false]);
      const ttl = await servers.raw.pttl('tessera:u:{b}');
      expect(ttl).toBeGreaterThan(20_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
    });

    it('reads a turn\'s session checks and cached claims with one MGET', async () => {
      const s = store();
      await s.putSession('live', 60);
      await s.cacheClaims('fp-s', { sub: 's' }, 60);
      let answers: unknown[] = [];
      expect(await sent(s, async () => {
        answers = await Promise.all([s.hasSession('live'), s.hasSession('ended'), s.getCachedClaims('fp-s')]);
      })).toStrictEqual({ commands: 1, roundTrips: 1 });
      expect(answers).toStrictEqual([true, false, { sub: 's' }]);
    });

    it('runs a turn\'s operations of every kind as one command, in call order (a record written is read back in the same turn)', async () => {
      const s = store();
      await s.revoke('denied-too', 60);
      await s.putSession('session', 60);
      await s.increment('warm-up', 60);
      const hash = await newHash();
      const record = opaque('written');
      let answers: unknown[] = [];
      expect(await sent(s, async () => {
        answers = await Promise.all([
          s.putOpaqueToken(hash, record, 600),
          s.getOpaqueToken(hash),
          s.isRevoked('denied-too'),
          s.markUsed('proof', 60),
          s.increment('client-1', 60, 3),
          s.hasSession('session'),
          s.getCachedClaims('nothing'),
          s.cacheClaims('fp-t', { sub: 't' }, 60),
        ]);
      })).toStrictEqual({ commands: 1, roundTrips: 1 });
      expect(answers).toStrictEqual([undefined, record, true, true, { count: 3, resetSeconds: 60 }, true, undefined, undefined]);
      expect(await s.getCachedClaims('fp-t')).toStrictEqual({ sub: 't' });
    });

    it('counts every hit of a turn exactly: two counts of one counter in a turn get consecutive counts, in call order', async () => {
      const s = store();
      const key = `counter-${crypto.randomUUID()}`;
      let answers: Array<{ count: number }> = [];
      expect(await sent(s, async () => { answers = await Promise.all([s.increment(key, 60), s.increment(key, 60, 2), s.increment(key, 60)]); }))
        .toStrictEqual({ commands: 1, roundTrips: 1 });
      expect(answers.map((a) => a.count)).toStrictEqual([1, 3, 4]);
      const ttl = await servers.raw.pttl(`tessera:n:{${key}}`);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('sends calls of different turns apart, and splits a turn of more than 256 look-ups so one script stays short', async () => {
      const s = store();
      const hash = await newHash();
      await s.putOpaqueToken(hash, opaque('x'), 600);
      expect(await sent(s, async () => {
        await s.getOpaqueToken(hash);
        await s.getOpaqueToken(hash);
      })).toStrictEqual({ commands: 2, roundTrips: 2 });
      let answers: Array<OpaqueTokenRecord | undefined> = [];
      expect(await sent(s, async () => { answers = await Promise.all(Array.from({ length: 300 }, () => s.getOpaqueToken(hash))); }))
        .toStrictEqual({ commands: 2, roundTrips: 2 });
      expect(answers.every((a) => a?.subject === 'x')).toBe(true);
    });

    it('fails only the operations Redis refuses (writes while out of memory): the turn\'s reads still answer', async () => {
      const s = store();
      const [hash, other] = [await newHash(), await newHash()];
      const record = opaque('x');
      await s.putOpaqueToken(hash, record, 600);
      await s.getOpaqueToken(hash); // the script is cached from here on
      await servers.raw.config('SET', 'maxmemory', '1');
      await servers.raw.config('SET', 'maxmemory-policy', 'noeviction');
      let outcomes: PromiseSettledResult<unknown>[];
      try {
        outcomes = await Promise.allSettled([
          s.putOpaqueToken(other, opaque('y'), 60),
          s.getOpaqueToken(hash),
          s.markUsed(`marker-${other}`, 60),
          s.isRevoked('not-revoked'),
        ]);
      } finally {
        await servers.raw.config('SET', 'maxmemory', '0');
      }
      for (const refused of [outcomes[0], outcomes[2]]) {
        expect(refused).toMatchObject({ status: 'rejected', reason: { code: 'store_unavailable', status: 503, message: 'token store is unavailable' } });
        expect(((refused as PromiseRejectedResult).reason as Error).cause).toMatchObject({ message: expect.stringMatching(/^OOM /) });
      }
      expect(outcomes[1]).toStrictEqual({ status: 'fulfilled', value: record });
      expect(outcomes[3]).toStrictEqual({ status: 'fulfilled', value: false });
      // Nothing was written, and the next turn writes.
      expect(await s.getOpaqueToken(other)).toBeUndefined();
      await s.putOpaqueToken(other, opaque('y'), 60);
      expect((await s.getOpaqueToken(other))?.subject).toBe('y');
    });

    it('fails every call of a batch at once once the store is closed', async () => {
      const s = store();
      const hash = await newHash();
      const calls = Promise.allSettled([s.getOpaqueToken(hash), s.isRevoked('j'), s.getCachedClaims('fp')]);
      await s.close();
      for (const outcome of await calls) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'store_unavailable', message: 'token store is closed' } });
      }
    });

    it('sends one command per look-up on a Cluster, where a turn\'s keys live in many slots', async () => {
      const s = store({ cluster: { nodes: [...servers.cluster.startupNodes] } });
      const hashes = await Promise.all([1, 2, 3].map(async () => newHash()));
      await Promise.all(hashes.map((h, i) => s.putOpaqueToken(h, opaque(`c-${i}`), 600)));
      for (const h of hashes) await s.getOpaqueToken(h); // each master caches the script
      let answers: Array<OpaqueTokenRecord | undefined> = [];
      expect((await sent(s, async () => { answers = await Promise.all(hashes.map((h) => s.getOpaqueToken(h))); })).commands).toBe(3);
      expect(answers.map((a) => a?.subject)).toStrictEqual(['c-0', 'c-1', 'c-2']);
    });
  });
}
