import { expect, it, vi } from 'vitest';
import type { RevocationEvent } from '../token-store.js';
import {
  DAY,
  REUSED,
  expectError,
  expectEvents,
  newFamily,
  newHash,
  newHashes,
  newJti,
  opaqueRecord,
  recordEvents,
  refreshRecord,
  type ConformanceHarness,
} from './harness.js';

/** `subscribeRevocations`: one event per revocation, of each kind, to every subscriber. */
export function defineRevocationEventTests(h: ConformanceHarness): void {
  it('publishes a jti event when a jti is revoked', async () => {
    const log = await recordEvents(h.store());
    const jti = newJti();
    await h.store().revoke(jti, 60);
    await expectEvents(log, [{ type: 'jti', jti }]);
    await log.stop();
  });

  it('publishes an opaque event when an opaque token is deleted', async () => {
    const log = await recordEvents(h.store());
    const hash = await newHash();
    await h.store().putOpaqueToken(hash, opaqueRecord(), 60);
    await h.store().deleteOpaqueToken(hash);
    await expectEvents(log, [{ type: 'opaque', hash }]);
    await log.stop();
  });

  it('publishes a session event when a session ends', async () => {
    const log = await recordEvents(h.store());
    const jti = newJti();
    await h.store().putSession(jti, 60);
    await h.store().deleteSession(jti);
    await expectEvents(log, [{ type: 'session', jti }]);
    await log.stop();
  });

  it('publishes a family event and one event per live access token when a family is revoked', async () => {
    const log = await recordEvents(h.store());
    const [hash, next, opaque] = await newHashes(3);
    const jti = newJti();
    const record = refreshRecord(newFamily());
    await h.store().issueRefreshToken(hash as string, record, DAY, { accessToken: { jti, ttlSeconds: 60 } });
    await h.store().rotate(hash as string, { hash: next as string, record, ttlSeconds: DAY, accessToken: { hash: opaque as string, ttlSeconds: 60 } });
    await h.store().revokeFamily(record.familyId);
    await expectEvents(log, [
      { type: 'family', familyId: record.familyId },
      { type: 'jti', jti },
      { type: 'opaque', hash: opaque as string },
    ]);
    await log.stop();
  });

  it('publishes the family revocation that reuse detection triggers', async () => {
    const log = await recordEvents(h.store());
    const [hash, next, spare] = (await newHashes(3)) as [string, string, string];
    const jti = newJti();
    const record = refreshRecord(newFamily());
    await h.store().issueRefreshToken(hash, record, DAY, { accessToken: { jti, ttlSeconds: 60 } });
    await h.store().rotate(hash, { hash: next, record, ttlSeconds: DAY });
    await expectError(h.store().rotate(hash, { hash: spare, record, ttlSeconds: DAY }), 'refresh_token_reused', REUSED);
    await expectEvents(log, [
      { type: 'family', familyId: record.familyId },
      { type: 'jti', jti },
    ]);
    await log.stop();
  });

  it('delivers to every subscriber, survives a throwing listener, and stops delivering after unsubscribe', async () => {
    const throwing = vi.fn(() => {
      throw new Error('listener bug');
    });
    const stopThrowing = await h.store().subscribeRevocations(throwing);
    const first = await recordEvents(h.store());
    const second = await recordEvents(h.store());
    const jti = newJti();
    await h.store().revoke(jti, 60);
    await expectEvents(first, [{ type: 'jti', jti }]);
    await expectEvents(second, [{ type: 'jti', jti }]);
    expect(throwing).toHaveBeenCalledWith({ type: 'jti', jti });

    await first.stop();
    await stopThrowing();
    const later = newJti();
    await h.store().revoke(later, 60);
    await expectEvents(second, [{ type: 'jti', jti: later }]);
    const seen = (log: RevocationEvent[]): boolean => log.some((e) => e.type === 'jti' && e.jti === later);
    expect(seen(first.events)).toBe(false);
    expect(throwing).not.toHaveBeenCalledWith({ type: 'jti', jti: later });
    await second.stop();
    await second.stop(); // ending a subscription twice is fine
  });

  it('rejects a listener that is not a function with invalid_argument', async () => {
    await expectError(h.store().subscribeRevocations('nope' as never), 'invalid_argument', /"listener" must be a function/);
  });
}
