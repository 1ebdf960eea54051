import { expect, it } from 'vitest';
import type { RefreshTokenRecord } from '../token-store.js';
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



/** Refresh-token families: issue, rotate exactly once, reuse detection, family revocation, TTL. */
export function defineRefreshTokenTests(h: ConformanceHarness): void {
  /** Issues a token starting a new family; returns its hash and record. */
  async function start(): Promise<{ hash: string; record: RefreshTokenRecord }> {
    const hash = await newHash();
    const record = refreshRecord(newFamily());
    await h.store().issueRefreshToken(hash, record, DAY);
    return { hash, record };
  }

  it('returns an issued refresh token, not rotated, with its record unchanged', async () => {
    const { hash, record } = await start();
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: false });
  });

  it('returns undefined for an unknown refresh token and rejects rotating it as refresh_token_invalid', async () => {
    const unknown = await newHash();
    expect(await h.store().getRefreshToken(unknown)).toBeUndefined();
    const next = { hash: await newHash(), record: refreshRecord(newFamily()), ttlSeconds: DAY };
    await expectError(h.store().rotate(unknown, next), 'refresh_token_invalid', INVALID);
    expect(await h.store().getRefreshToken(next.hash)).toBeUndefined();
  });

  it('rotates a refresh token: the old one is marked rotated, the new one is live in the same family', async () => {
    const { hash, record } = await start();
    const nextRecord = refreshRecord(record.familyId, { scope: ['read'] });
    const nextHash = await newHash();
    await h.store().rotate(hash, { hash: nextHash, record: nextRecord, ttlSeconds: DAY });
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: true });
    expect(await h.store().getRefreshToken(nextHash)).toStrictEqual({ record: nextRecord, rotated: false });
    const thirdHash = await newHash();
    await h.store().rotate(nextHash, { hash: thirdHash, record: nextRecord, ttlSeconds: DAY });
    expect((await h.store().getRefreshToken(thirdHash))?.rotated).toBe(false);
  });

  it('lets exactly one of 100 concurrent rotations of one token win; the 99 others are reuse and revoke the family', async () => {
    const { hash, record } = await start();
    const nexts = await newHashes(100);
    const results = await Promise.allSettled(
      nexts.map((next) => h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY })),
    );
    const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [nexts[i] as string] : []));
    expect(winners).toHaveLength(1);
    const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    expect(losers).toHaveLength(99);
    for (const reason of losers) {
      expect(reason).toMatchObject({ name: 'RefreshTokenError', code: 'refresh_token_reused' });
      expect((reason as Error).message).toMatch(REUSED);
    }
    // The store cannot tell a race from a stolen token replayed, so the family is gone, winner's token included.
    const winner = winners[0] as string;
    expect(await h.store().getRefreshToken(winner)).toBeUndefined();
    const after = { hash: await newHash(), record, ttlSeconds: DAY };
    await expectError(h.store().rotate(winner, after), 'refresh_token_invalid', INVALID);
    for (const loser of nexts.filter((next) => next !== winner)) {
      expect(await h.store().getRefreshToken(loser)).toBeUndefined();
    }
  });

  it('treats presenting a rotated token again as reuse: the family is revoked and its newest token stops working', async () => {
    const { hash: first, record } = await start();
    const [second, third, fourth] = (await newHashes(3)) as [string, string, string];
    await h.store().rotate(first, { hash: second, record, ttlSeconds: DAY });
    await h.store().rotate(second, { hash: third, record, ttlSeconds: DAY });
    await expectError(h.store().rotate(first, { hash: fourth, record, ttlSeconds: DAY }), 'refresh_token_reused', REUSED);
    expect(await h.store().getRefreshToken(third)).toBeUndefined();
    expect(await h.store().getRefreshToken(fourth)).toBeUndefined();
    await expectError(h.store().rotate(third, { hash: fourth, record, ttlSeconds: DAY }), 'refresh_token_invalid', INVALID);
    // Still reuse, however often it is replayed.
    await expectError(h.store().rotate(second, { hash: fourth, record, ttlSeconds: DAY }), 'refresh_token_reused', REUSED);
  });

  it('revokes every token of a family with revokeFamily and leaves other families alone', async () => {
    const a = await start();
    const b = await start();
    const aNext = await newHash();
    await h.store().rotate(a.hash, { hash: aNext, record: a.record, ttlSeconds: DAY });
    await h.store().revokeFamily(a.record.familyId);
    await h.store().revokeFamily(a.record.familyId);
    expect(await h.store().getRefreshToken(aNext)).toBeUndefined();
    expect(await h.store().getRefreshToken(a.hash)).toBeUndefined();
    const next = { hash: await newHash(), record: a.record, ttlSeconds: DAY };
    await expectError(h.store().rotate(aNext, next), 'refresh_token_invalid', INVALID);
    expect(await h.store().getRefreshToken(b.hash)).toStrictEqual({ record: b.record, rotated: false });
    await expect(h.store().revokeFamily(newFamily())).resolves.toBeUndefined();
  });

  it('lets a second refresh token join an existing family, and revokeFamily revokes both', async () => {
    const { hash, record } = await start();
    const sibling = await newHash();
    await h.store().issueRefreshToken(sibling, record, DAY);
    expect((await h.store().getRefreshToken(sibling))?.record).toStrictEqual(record);
    await h.store().revokeFamily(record.familyId);
    expect(await h.store().getRefreshToken(hash)).toBeUndefined();
    expect(await h.store().getRefreshToken(sibling)).toBeUndefined();
  });

  it('refuses to issue a refresh token into a revoked family', async () => {
    const { record } = await start();
    await h.store().revokeFamily(record.familyId);
    const late = await newHash();
    await expectError(h.store().issueRefreshToken(late, record, DAY), 'refresh_token_invalid', INVALID);
    expect(await h.store().getRefreshToken(late)).toBeUndefined();
  });

  it('rejects a rotation whose new record names another family, and changes nothing', async () => {
    const { hash, record } = await start();
    const next = { hash: await newHash(), record: refreshRecord(newFamily()), ttlSeconds: DAY };
    await expectError(h.store().rotate(hash, next), 'invalid_argument', /familyId/);
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: false });
    expect(await h.store().getRefreshToken(next.hash)).toBeUndefined();
    await h.store().rotate(hash, { ...next, record });
    expect((await h.store().getRefreshToken(next.hash))?.rotated).toBe(false);
    // Also for a token rotated already: a caller bug is not reuse, and the family lives on.
    const wrong = { hash: await newHash(), record: refreshRecord(newFamily()), ttlSeconds: DAY };
    await expectError(h.store().rotate(hash, wrong), 'invalid_argument', /familyId/);
    expect(await h.store().getRefreshToken(next.hash)).toStrictEqual({ record, rotated: false });
  });

  it('rejects a rotation to the same hash, to a hash stored in the family, or with a TTL of zero or less, and changes nothing', async () => {
    const { hash, record } = await start();
    const sibling = await newHash();
    await h.store().issueRefreshToken(sibling, record, DAY);
    await expectError(h.store().rotate(hash, { hash, record, ttlSeconds: DAY }), 'invalid_argument', /hash/);
    await expectError(h.store().rotate(hash, { hash: sibling, record, ttlSeconds: DAY }), 'invalid_argument', /hash/);
    const next = await newHash();
    await expectError(h.store().rotate(hash, { hash: next, record, ttlSeconds: 0 }), 'invalid_argument', /ttlSeconds/);
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: false });
    expect(await h.store().getRefreshToken(sibling)).toStrictEqual({ record, rotated: false });
    expect(await h.store().getRefreshToken(next)).toBeUndefined();
  });

  it('never lets a rotation take over a refresh token of another family: rejects it, that token stays as it was', async () => {
    const { hash, record } = await start();
    const other = await start();
    await expectError(h.store().rotate(hash, { hash: other.hash, record, ttlSeconds: DAY }), 'invalid_argument', /hash/);
    expect(await h.store().getRefreshToken(other.hash)).toStrictEqual({ record: other.record, rotated: false });
    const after = { hash: await newHash(), record: other.record, ttlSeconds: DAY };
    await h.store().rotate(other.hash, after);
    expect(await h.store().getRefreshToken(after.hash)).toStrictEqual({ record: other.record, rotated: false });
  });

  it('rejects issuing a hash that is already stored, or with a TTL of zero or less', async () => {
    const { hash, record } = await start();
    await expectError(h.store().issueRefreshToken(hash, record, DAY), 'invalid_argument', /hash/);
    await expectError(h.store().issueRefreshToken(await newHash(), record, 0), 'invalid_argument', /ttlSeconds/);
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: false });
  });

  it('expires a refresh token when its TTL ends; rotating it is then refresh_token_invalid', async () => {
    const hash = await newHash();
    const record = refreshRecord(newFamily());
    await h.store().issueRefreshToken(hash, record, h.ttlSeconds);
    await h.elapse(h.stillThereMs);
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: false });
    await h.elapse(h.goneAfterMs);
    expect(await h.store().getRefreshToken(hash)).toBeUndefined();
    const next = { hash: await newHash(), record, ttlSeconds: DAY };
    await expectError(h.store().rotate(hash, next), 'refresh_token_invalid', INVALID);
  });

  it('keeps a rotated token as reuse evidence until its own TTL ends, then treats it as unknown', async () => {
    const hash = await newHash();
    const record = refreshRecord(newFamily());
    await h.store().issueRefreshToken(hash, record, h.ttlSeconds);
    const [next, later] = (await newHashes(2)) as [string, string];
    await h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY });
    await h.elapse(h.stillThereMs);
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: true });
    await h.elapse(h.goneAfterMs);
    expect(await h.store().getRefreshToken(hash)).toBeUndefined();
    await expectError(h.store().rotate(hash, { hash: later, record, ttlSeconds: DAY }), 'refresh_token_invalid', INVALID);
    // An expired old token says nothing about theft: the family lives on.
    expect(await h.store().getRefreshToken(next)).toStrictEqual({ record, rotated: false });
  });
}
