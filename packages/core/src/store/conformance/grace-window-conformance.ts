import { expect, it } from 'vitest';
import type { RefreshRotateResult, RefreshTokenRecord } from '../token-store.js';
import {
  DAY,
  INVALID,
  REUSED,
  expectError,
  newFamily,
  newHash,
  newHashes,
  refreshRecord,
  type ConformanceHarness,
} from './harness.js';

/** The reuse grace window of `rotate`: replays of the immediately previous token get the successor already issued. */
export function defineGraceWindowTests(h: ConformanceHarness): void {
  const WINDOW = 10; // seconds; long enough for every check that must land inside it, in real time too

  async function start(): Promise<{ hash: string; record: RefreshTokenRecord }> {
    const hash = await newHash();
    const record = refreshRecord(newFamily());
    await h.store().issueRefreshToken(hash, record, DAY);
    return { hash, record };
  }

  it('returns the successor already issued when the previous token is replayed inside the window; nothing new is stored', async () => {
    const { hash, record } = await start();
    const [next, replayNext] = (await newHashes(2)) as [string, string];
    const first = await h.store().rotate(
      hash,
      { hash: next, record, ttlSeconds: DAY },
      { graceSeconds: WINDOW, successor: 'sealed-1' },
    );
    expect(first).toStrictEqual({ outcome: 'rotated' });
    const replay = await h.store().rotate(
      hash,
      { hash: replayNext, record, ttlSeconds: DAY },
      { graceSeconds: WINDOW, successor: 'sealed-2' },
    );
    expect(replay).toStrictEqual({ outcome: 'grace', successor: 'sealed-1' });
    expect(await h.store().getRefreshToken(replayNext)).toBeUndefined();
    expect(await h.store().getRefreshToken(next)).toStrictEqual({ record, rotated: false });
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: true });
    // A replay without a window of its own still gets the successor: the window belongs to the rotation it repeats.
    expect(await h.store().rotate(hash, { hash: replayNext, record, ttlSeconds: DAY })).toStrictEqual({
      outcome: 'grace',
      successor: 'sealed-1',
    });
  });

  it('gives every one of 100 concurrent replays inside the window the same successor', async () => {
    const { hash, record } = await start();
    await h.store().rotate(hash, { hash: await newHash(), record, ttlSeconds: DAY }, { graceSeconds: WINDOW, successor: 's' });
    const nexts = await newHashes(100);
    const results = await Promise.all(
      nexts.map((next, i) =>
        h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY }, { graceSeconds: WINDOW, successor: `other-${i}` }),
      ),
    );
    expect(new Set(results.map((r) => JSON.stringify(r)))).toStrictEqual(new Set([JSON.stringify({ outcome: 'grace', successor: 's' })]));
  });

  it('lets exactly one of 100 concurrent rotations win with the window on; the 99 others get the winner\'s successor', async () => {
    const { hash, record } = await start();
    const nexts = await newHashes(100);
    const results = await Promise.all(
      nexts.map((next, i) =>
        h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY }, { graceSeconds: WINDOW, successor: `sealed-${i}` }),
      ),
    );
    const winners = results.flatMap((r: RefreshRotateResult, i) => (r.outcome === 'rotated' ? [i] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0] as number;
    for (const [i, result] of results.entries()) {
      if (i !== winner) expect(result).toStrictEqual({ outcome: 'grace', successor: `sealed-${winner}` });
    }
    expect(await h.store().getRefreshToken(nexts[winner] as string)).toStrictEqual({ record, rotated: false });
    for (const [i, next] of nexts.entries()) {
      if (i !== winner) expect(await h.store().getRefreshToken(next)).toBeUndefined();
    }
  });

  it('treats a replay after the window as reuse: the family is revoked', async () => {
    const { hash, record } = await start();
    const [next, later, latest] = (await newHashes(3)) as [string, string, string];
    await h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY }, { graceSeconds: h.ttlSeconds, successor: 's' });
    await h.elapse(h.stillThereMs);
    expect(await h.store().rotate(hash, { hash: later, record, ttlSeconds: DAY })).toStrictEqual({
      outcome: 'grace',
      successor: 's',
    });
    await h.elapse(h.goneAfterMs);
    await expectError(h.store().rotate(hash, { hash: later, record, ttlSeconds: DAY }), 'refresh_token_reused', REUSED);
    expect(await h.store().getRefreshToken(next)).toBeUndefined();
    await expectError(h.store().rotate(next, { hash: latest, record, ttlSeconds: DAY }), 'refresh_token_invalid', INVALID);
  });

  it('honours the window only for the immediately previous token: once the successor rotated, replaying it is reuse', async () => {
    const { hash: first, record } = await start();
    const [second, third, spare] = (await newHashes(3)) as [string, string, string];
    const grace = { graceSeconds: WINDOW, successor: 'sealed-second' };
    await h.store().rotate(first, { hash: second, record, ttlSeconds: DAY }, grace);
    await h.store().rotate(second, { hash: third, record, ttlSeconds: DAY }, { graceSeconds: WINDOW, successor: 'sealed-third' });
    // The previous token (second) is still inside its window…
    expect(await h.store().rotate(second, { hash: spare, record, ttlSeconds: DAY })).toStrictEqual({
      outcome: 'grace',
      successor: 'sealed-third',
    });
    // …but the one before (first) is not the previous one any more.
    await expectError(h.store().rotate(first, { hash: spare, record, ttlSeconds: DAY }), 'refresh_token_reused', REUSED);
    expect(await h.store().getRefreshToken(third)).toBeUndefined();
    await expectError(h.store().rotate(second, { hash: spare, record, ttlSeconds: DAY }), 'refresh_token_reused', REUSED);
  });

  it('gives nothing back inside the window once the family is revoked: the replay is reuse', async () => {
    const { hash, record } = await start();
    const [next, replay] = (await newHashes(2)) as [string, string];
    await h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY }, { graceSeconds: WINDOW, successor: 's' });
    await h.store().revokeFamily(record.familyId);
    await expectError(h.store().rotate(hash, { hash: replay, record, ttlSeconds: DAY }), 'refresh_token_reused', REUSED);
    expect(await h.store().getRefreshToken(next)).toBeUndefined();
  });

  it('rejects a window without a successor, or a negative or non-finite window, with invalid_argument, changing nothing', async () => {
    const { hash, record } = await start();
    const next = { hash: await newHash(), record, ttlSeconds: DAY };
    await expectError(h.store().rotate(hash, next, { graceSeconds: 5 }), 'invalid_argument', /options\.successor/);
    await expectError(h.store().rotate(hash, next, { graceSeconds: 5, successor: '' }), 'invalid_argument', /options\.successor/);
    await expectError(h.store().rotate(hash, next, { graceSeconds: -1, successor: 's' }), 'invalid_argument', /graceSeconds/);
    await expectError(h.store().rotate(hash, next, { graceSeconds: Number.NaN, successor: 's' }), 'invalid_argument', /graceSeconds/);
    await expectError(h.store().rotate(hash, next, null as never), 'invalid_argument', /options/);
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: false });
    expect(await h.store().getRefreshToken(next.hash)).toBeUndefined();
    // graceSeconds 0 is the window turned off: the successor is not needed, and a replay is reuse.
    await h.store().rotate(hash, next, { graceSeconds: 0 });
    await expectError(h.store().rotate(hash, { ...next, hash: await newHash() }), 'refresh_token_reused', REUSED);
  });
}
