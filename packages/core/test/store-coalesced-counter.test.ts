import { createCoalescedCounter, MemoryTokenStore, UnavailableError, type CounterState } from '@tessera/core';
import { describe, expect, it, vi } from 'vitest';

const counts = (states: CounterState[]): number[] => states.map((s) => s.count);

describe('createCoalescedCounter', () => {
  it('sends the hits of one turn on one counter as one increment and gives each hit its own count, in order', async () => {
    const store = new MemoryTokenStore();
    const increment = vi.spyOn(store, 'increment');
    const count = createCoalescedCounter(store);
    expect(counts(await Promise.all(Array.from({ length: 5 }, () => count('token:a', 60))))).toEqual([1, 2, 3, 4, 5]);
    expect(increment.mock.calls).toEqual([['token:a', 60, 5]]);
    // A later turn: a batch of its own, counting on from the store's count.
    const [next] = await Promise.all([count('token:a', 60)]);
    expect(next).toMatchObject({ count: 6 });
    expect(next!.resetSeconds).toBeGreaterThan(59);
    expect(increment).toHaveBeenCalledTimes(2);
    await store.close();
  });

  it('refuses exactly the hits past a limit, as separate calls would', async () => {
    const store = new MemoryTokenStore();
    const count = createCoalescedCounter(store);
    await count('token:a', 60);
    const burst = await Promise.all(Array.from({ length: 4 }, () => count('token:a', 60)));
    expect(burst.map((s) => s.count <= 3)).toEqual([true, true, false, false]);
    await store.close();
  });

  it('keeps counters and windows apart', async () => {
    const store = new MemoryTokenStore();
    const increment = vi.spyOn(store, 'increment');
    const count = createCoalescedCounter(store);
    const [a1, b1, a2, a60] = await Promise.all([count('a', 10), count('b', 10), count('a', 10), count('a', 60)]);
    expect([a1, b1, a2].map((s) => s!.count)).toEqual([1, 1, 2]);
    expect(a60!.count).toBe(3); // the same counter in the store, sent as its own batch
    expect(increment.mock.calls.map((c) => c.slice(1))).toEqual([[10, 2], [10, 1], [60, 1]]);
    await store.close();
  });

  it('fails every hit of a batch when the store fails (also synchronously), and counts again afterwards', async () => {
    const down = new UnavailableError('store_unavailable', 'the token store is unavailable');
    let calls = 0;
    const count = createCoalescedCounter({
      increment: async (_key, _window, hits = 1) => {
        calls++;
        if (calls === 1) throw down;
        return { count: hits, resetSeconds: 60 };
      },
    });
    const failed = await Promise.allSettled([count('a', 60), count('a', 60)]);
    expect(failed).toEqual([{ status: 'rejected', reason: down }, { status: 'rejected', reason: down }]);
    expect(counts(await Promise.all([count('a', 60), count('a', 60)]))).toEqual([1, 2]);

    const throwing = createCoalescedCounter({ increment: () => { throw new TypeError('not a store'); } });
    await expect(throwing('a', 60)).rejects.toThrow(TypeError);
  });

  it('passes the store\'s argument errors to every hit', async () => {
    const store = new MemoryTokenStore();
    const count = createCoalescedCounter(store);
    const errors = await Promise.all([count('a', 0), count('a', 0)].map((p) => p.catch((e: unknown) => e)));
    for (const error of errors) expect(error).toMatchObject({ name: 'TesseraArgumentError', code: 'invalid_argument' });
    await store.close();
  });
});
