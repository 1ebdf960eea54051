import { expect, it } from 'vitest';
import type { JsonObject } from '../token-store.js';
import { expectError, newJti, type ConformanceHarness } from './harness.js';

const newKey = (kind: string): string => `${kind}:${newJti()}`;

/** Fixed-window counters (`increment`). */
export function defineCounterTests(h: ConformanceHarness): void {
  it('counts hits in a fixed window and starts again from one when the window ends', async () => {
    const key = newKey('rate');
    const first = await h.store().increment(key, h.ttlSeconds);
    expect(first.count).toBe(1);
    expect(first.resetSeconds).toBeGreaterThan(0);
    expect(first.resetSeconds).toBeLessThanOrEqual(h.ttlSeconds);
    expect((await h.store().increment(key, h.ttlSeconds)).count).toBe(2);
    await h.elapse(h.stillThereMs);
    const third = await h.store().increment(key, h.ttlSeconds);
    expect(third.count).toBe(3);
    // The window is fixed: hits inside it do not push its end back.
    expect(third.resetSeconds).toBeLessThanOrEqual(h.ttlSeconds - h.stillThereMs / 1000 + 0.001);
    await h.elapse(h.goneAfterMs);
    const fresh = await h.store().increment(key, h.ttlSeconds);
    expect(fresh.count).toBe(1);
    expect(fresh.resetSeconds).toBeGreaterThan(h.ttlSeconds / 2);
  });

  it('keeps counters apart by key', async () => {
    const [a, b] = [newKey('rate'), newKey('rate')];
    await h.store().increment(a, 60);
    await h.store().increment(a, 60);
    expect((await h.store().increment(b, 60)).count).toBe(1);
    expect((await h.store().increment(a, 60)).count).toBe(3);
  });

  it('counts 100 concurrent hits once each', async () => {
    const key = newKey('rate');
    const states = await Promise.all(Array.from({ length: 100 }, () => h.store().increment(key, 60)));
    expect(states.map((s) => s.count).sort((x, y) => x - y)).toStrictEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('counts several hits in one step (a coalesced burst), opening the window like one hit', async () => {
    const key = newKey('rate');
    const burst = await h.store().increment(key, 60, 5);
    expect(burst.count).toBe(5);
    expect(burst.resetSeconds).toBeGreaterThan(59);
    expect(burst.resetSeconds).toBeLessThanOrEqual(60);
    expect((await h.store().increment(key, 60)).count).toBe(6);
    expect((await h.store().increment(key, 60, 2)).count).toBe(8);
  });

  it('rejects a window of zero or less, a bad key or a number of hits that is not a positive integer, with invalid_argument', async () => {
    await expectError(h.store().increment(newKey('rate'), 0), 'invalid_argument', /windowSeconds/);
    await expectError(h.store().increment('', 60), 'invalid_argument', /"key"/);
    for (const hits of [0, -1, 1.5, Number.NaN]) {
      await expectError(h.store().increment(newKey('rate'), 60, hits), 'invalid_argument', /"hits"/);
    }
  });
}

/** Replay markers (`markUsed`). */
export function defineReplayMarkerTests(h: ConformanceHarness): void {
  it('reports a key as new the first time, as seen while remembered, and as new again after its TTL', async () => {
    const key = newKey('dpop');
    expect(await h.store().markUsed(key, h.ttlSeconds)).toBe(true);
    expect(await h.store().markUsed(key, h.ttlSeconds)).toBe(false);
    await h.elapse(h.stillThereMs);
    expect(await h.store().markUsed(key, h.ttlSeconds)).toBe(false);
    await h.elapse(h.goneAfterMs);
    expect(await h.store().markUsed(key, h.ttlSeconds)).toBe(true);
  });

  it('lets exactly one of 100 concurrent marks of one key be the first', async () => {
    const key = newKey('dpop');
    const firsts = await Promise.all(Array.from({ length: 100 }, () => h.store().markUsed(key, 60)));
    expect(firsts.filter(Boolean)).toHaveLength(1);
  });

  it('rejects a TTL of zero or less with invalid_argument', async () => {
    await expectError(h.store().markUsed(newKey('dpop'), 0), 'invalid_argument', /ttlSeconds/);
  });
}

/** One-time values (`putOneTime` / `takeOneTime`). */
export function defineOneTimeTests(h: ConformanceHarness): void {
  const value: JsonObject = { clientId: 'web', redirectUri: 'https://app.example/cb', scope: ['openid', 'ü'], pkce: { m: 'S256' } };

  it('hands a value out exactly once, unchanged; an unknown key gives undefined', async () => {
    const key = newKey('code');
    await h.store().putOneTime(key, value, 60);
    expect(await h.store().takeOneTime(key)).toStrictEqual(value);
    expect(await h.store().takeOneTime(key)).toBeUndefined();
    expect(await h.store().takeOneTime(newKey('code'))).toBeUndefined();
  });

  it('gives the value to exactly one of 100 concurrent takes', async () => {
    const key = newKey('code');
    await h.store().putOneTime(key, value, 60);
    const taken = await Promise.all(Array.from({ length: 100 }, () => h.store().takeOneTime(key)));
    expect(taken.filter((v) => v !== undefined)).toStrictEqual([value]);
  });

  it('replaces a value put again under the same key, and forgets it when its TTL ends', async () => {
    const key = newKey('code');
    await h.store().putOneTime(key, { n: 1 }, 60);
    await h.store().putOneTime(key, { n: 2 }, h.ttlSeconds);
    await h.elapse(h.stillThereMs + h.goneAfterMs);
    expect(await h.store().takeOneTime(key)).toBeUndefined();
    const other = newKey('code');
    await h.store().putOneTime(other, { n: 3 }, h.ttlSeconds);
    await h.elapse(h.stillThereMs);
    expect(await h.store().takeOneTime(other)).toStrictEqual({ n: 3 });
  });

  it('rejects a value that is not a JSON object, or a TTL of zero or less, with invalid_argument', async () => {
    const key = newKey('code');
    await expectError(h.store().putOneTime(key, [] as never, 60), 'invalid_argument', /"value" must be an object/);
    await expectError(h.store().putOneTime(key, value, 0), 'invalid_argument', /ttlSeconds/);
    expect(await h.store().takeOneTime(key)).toBeUndefined();
  });
}

/** Sessions (`putSession` / `hasSession` / `deleteSession`) and `ping`. */
export function defineSessionTests(h: ConformanceHarness): void {
  it('knows a session from put until deleted; deleting an unknown session is fine', async () => {
    const jti = newJti();
    expect(await h.store().hasSession(jti)).toBe(false);
    await h.store().putSession(jti, 60);
    expect(await h.store().hasSession(jti)).toBe(true);
    await h.store().deleteSession(jti);
    expect(await h.store().hasSession(jti)).toBe(false);
    await expect(h.store().deleteSession(newJti())).resolves.toBeUndefined();
  });

  it('ends a session when its TTL ends', async () => {
    const jti = newJti();
    await h.store().putSession(jti, h.ttlSeconds);
    await h.elapse(h.stillThereMs);
    expect(await h.store().hasSession(jti)).toBe(true);
    await h.elapse(h.goneAfterMs);
    expect(await h.store().hasSession(jti)).toBe(false);
  });

  it('rejects a session TTL of zero or less with invalid_argument', async () => {
    const jti = newJti();
    await expectError(h.store().putSession(jti, 0), 'invalid_argument', /ttlSeconds/);
    expect(await h.store().hasSession(jti)).toBe(false);
  });

  it('answers ping while open', async () => {
    await expect(h.store().ping()).resolves.toBeUndefined();
  });
}
