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
  newJti,
  opaqueRecord,
  refreshRecord,
  type ConformanceHarness,
} from './harness.js';

/** Access tokens tracked with their refresh-token family, and revoked with it in the same step. */
export function defineFamilyAccessTests(h: ConformanceHarness): void {
  /** Starts a family whose first refresh token was issued together with a JWT access token `jti`. */
  async function start(jti: string, ttlSeconds = 3600): Promise<{ hash: string; record: RefreshTokenRecord }> {
    const hash = await newHash();
    const record = refreshRecord(newFamily());
    await h.store().issueRefreshToken(hash, record, DAY, { accessToken: { jti, ttlSeconds } });
    return { hash, record };
  }

  it('revokes the family\'s access tokens with it: jtis go on the denylist, opaque tokens are deleted', async () => {
    const [jti, otherJti] = [newJti(), newJti()];
    const { hash, record } = await start(jti);
    const opaque = await newHash();
    const opaqueToken = opaqueRecord();
    await h.store().putOpaqueToken(opaque, opaqueToken, 3600);
    const next = await newHash();
    await h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY, accessToken: { hash: opaque, ttlSeconds: 3600 } });
    const other = await start(otherJti);
    expect(await h.store().isRevoked(jti)).toBe(false);
    expect(await h.store().getOpaqueToken(opaque)).toStrictEqual(opaqueToken);

    await h.store().revokeFamily(record.familyId);
    expect(await h.store().isRevoked(jti)).toBe(true);
    expect(await h.store().getOpaqueToken(opaque)).toBeUndefined();
    expect(await h.store().isRevoked(otherJti)).toBe(false);
    expect(await h.store().getRefreshToken(other.hash)).toStrictEqual({ record: other.record, rotated: false });
  });

  it('revokes every access token of the family on reuse, those of earlier rotations included', async () => {
    const [first, second, third] = [newJti(), newJti(), newJti()];
    const { hash, record } = await start(first);
    const [next, last, spare] = (await newHashes(3)) as [string, string, string];
    await h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY, accessToken: { jti: second, ttlSeconds: 3600 } });
    await h.store().rotate(next, { hash: last, record, ttlSeconds: DAY, accessToken: { jti: third, ttlSeconds: 3600 } });
    await expectError(h.store().rotate(hash, { hash: spare, record, ttlSeconds: DAY }), 'refresh_token_reused', REUSED);
    expect(await h.store().isRevoked(first)).toBe(true);
    expect(await h.store().isRevoked(second)).toBe(true);
    expect(await h.store().isRevoked(third)).toBe(true);
  });

  it('tracks both a jti and a hash given for one access token', async () => {
    const jti = newJti();
    const opaque = await newHash();
    await h.store().putOpaqueToken(opaque, opaqueRecord(), 3600);
    const hash = await newHash();
    const record = refreshRecord(newFamily());
    await h.store().issueRefreshToken(hash, record, DAY, { accessToken: { jti, hash: opaque, ttlSeconds: 3600 } });
    await h.store().revokeFamily(record.familyId);
    expect(await h.store().isRevoked(jti)).toBe(true);
    expect(await h.store().getOpaqueToken(opaque)).toBeUndefined();
  });

  it('keeps a family-revoked jti on the denylist for the access token\'s remaining lifetime only', async () => {
    const jti = newJti();
    const { hash, record } = await start(jti, h.ttlSeconds);
    await h.store().revokeFamily(record.familyId);
    await h.elapse(h.stillThereMs);
    expect(await h.store().isRevoked(jti)).toBe(true);
    await h.elapse(h.goneAfterMs);
    expect(await h.store().isRevoked(jti)).toBe(false);
    // The family's refresh token outlives the access token, and stays revoked.
    expect(await h.store().getRefreshToken(hash)).toBeUndefined();
    await expectError(h.store().rotate(hash, { hash: await newHash(), record, ttlSeconds: DAY }), 'refresh_token_invalid', INVALID);
  });

  it('never shortens a revocation: a jti revoked for longer stays revoked after its family\'s revocation ends', async () => {
    const jti = newJti();
    const { record } = await start(jti, h.ttlSeconds);
    await h.store().revoke(jti, DAY);
    await h.store().revokeFamily(record.familyId);
    await h.elapse(h.stillThereMs + h.goneAfterMs);
    expect(await h.store().isRevoked(jti)).toBe(true);
  });

  it('ends the family whatever the order when a rotation races a revocation', async () => {
    for (let round = 0; round < 10; round++) {
      const jti = newJti();
      const { hash, record } = await start(newJti());
      const next = await newHash();
      const [rotation] = await Promise.allSettled([
        h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY, accessToken: { jti, ttlSeconds: 3600 } }),
        h.store().revokeFamily(record.familyId),
      ]);
      expect(await h.store().getRefreshToken(next)).toBeUndefined();
      await expectError(h.store().rotate(next, { hash: await newHash(), record, ttlSeconds: DAY }), 'refresh_token_invalid', INVALID);
      if (rotation.status === 'fulfilled') {
        // The rotation went first: the access token it tracked was revoked with the family.
        expect(await h.store().isRevoked(jti)).toBe(true);
      } else {
        expect(rotation.reason).toMatchObject({ code: 'refresh_token_invalid', message: expect.stringMatching(INVALID) });
      }
    }
  });

  it('rejects an access token without a jti or hash, or with a TTL of zero or less, and stores nothing', async () => {
    const hash = await newHash();
    const record = refreshRecord(newFamily());
    await expectError(
      h.store().issueRefreshToken(hash, record, DAY, { accessToken: { ttlSeconds: 60 } }),
      'invalid_argument',
      /"options\.accessToken" needs a "jti" or a "hash"/,
    );
    await expectError(
      h.store().issueRefreshToken(hash, record, DAY, { accessToken: { jti: 'j', ttlSeconds: 0 } }),
      'invalid_argument',
      /options\.accessToken\.ttlSeconds/,
    );
    await expectError(
      h.store().issueRefreshToken(hash, record, DAY, { accessToken: { jti: '', ttlSeconds: 60 } }),
      'invalid_argument',
      /options\.accessToken\.jti/,
    );
    expect(await h.store().getRefreshToken(hash)).toBeUndefined();
    await h.store().issueRefreshToken(hash, record, DAY);
    const next = { hash: await newHash(), record, ttlSeconds: DAY, accessToken: { hash: 42 as unknown as string, ttlSeconds: 60 } };
    await expectError(h.store().rotate(hash, next), 'invalid_argument', /next\.accessToken\.hash/);
    expect(await h.store().getRefreshToken(hash)).toStrictEqual({ record, rotated: false });
  });
}
