import { describe, expect, it } from 'vitest';
import { createSingleFlight } from '@tessera/core';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createSingleFlight', () => {
  it('runs the documented example: concurrent calls for one key share one call', async () => {
    const flights = createSingleFlight<string, { sub: string }>();
    let calls = 0;
    const introspect = async () => {
      calls++;
      return { sub: 'u1' };
    };
    const [a, b] = await Promise.all([flights.run('fp', introspect), flights.run('fp', introspect)]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
  });

  it('shares one call among 100 concurrent callers and reports it in flight until it settles', async () => {
    const flights = createSingleFlight<string, number>();
    const gate = deferred<number>();
    let calls = 0;
    const results = Array.from({ length: 100 }, () =>
      flights.run('k', () => {
        calls++;
        return gate.promise;
      }),
    );
    expect(flights.inFlight('k')).toBe(true);
    gate.resolve(7);
    expect(await Promise.all(results)).toEqual(Array(100).fill(7));
    expect(calls).toBe(1);
    expect(flights.inFlight('k')).toBe(false);
  });

  it('keeps different keys apart', async () => {
    const flights = createSingleFlight<string, string>();
    const [a, b] = await Promise.all([
      flights.run('a', async () => 'A'),
      flights.run('b', async () => 'B'),
    ]);
    expect([a, b]).toEqual(['A', 'B']);
  });

  it('does not reuse a settled result: the next call runs again', async () => {
    const flights = createSingleFlight<string, number>();
    let calls = 0;
    const fn = async () => ++calls;
    expect(await flights.run('k', fn)).toBe(1);
    expect(await flights.run('k', fn)).toBe(2);
  });

  it('shares a failure with every concurrent caller but does not cache it', async () => {
    const flights = createSingleFlight<string, number>();
    const gate = deferred<number>();
    const first = flights.run('k', () => gate.promise);
    const second = flights.run('k', async () => 99);
    gate.reject(new Error('issuer down'));
    await expect(first).rejects.toThrow('issuer down');
    await expect(second).rejects.toThrow('issuer down');
    expect(flights.inFlight('k')).toBe(false);
    expect(await flights.run('k', async () => 5)).toBe(5);
  });

  it('turns a synchronous throw into a shared rejection and drops the entry', async () => {
    const flights = createSingleFlight<string, number>();
    const boom = (): Promise<number> => {
      throw new TypeError('sync boom');
    };
    const first = flights.run('k', boom);
    const second = flights.run('k', async () => 1);
    expect(flights.inFlight('k')).toBe(true);
    await expect(first).rejects.toMatchObject({ name: 'TypeError', message: 'sync boom' });
    await expect(second).rejects.toMatchObject({ name: 'TypeError', message: 'sync boom' });
    expect(flights.inFlight('k')).toBe(false);
  });

  it('has dropped the entry by the time a caller sees the result', async () => {
    const flights = createSingleFlight<string, boolean>();
    const seen = await flights.run('k', async () => true).then(() => flights.inFlight('k'));
    expect(seen).toBe(false);
  });
});
