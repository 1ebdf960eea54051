import { describe, expect, it } from 'vitest';
import { TtlCache } from '@tessera/core';

function clocked(options: { max?: number; ttl?: number } = {}) {
  const clock = { now: 1_000 };
  const cache = new TtlCache<string, number>({ max: options.max ?? 10, ttl: options.ttl ?? 1_000, now: () => clock.now });
  return { cache, clock };
}

describe('TtlCache', () => {
  it('runs the documented example', () => {
    const cache = new TtlCache<string, number>({ max: 100, ttl: 60_000 });
    cache.set('a', 1);
    cache.set('b', 2, 5_000);
    cache.set('c', 3, 0);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBe(2);
    expect(cache.has('c')).toBe(false);
  });

  it('serves an entry until its default TTL ends and never at or after it', () => {
    const { cache, clock } = clocked({ ttl: 1_000 });
    cache.set('k', 1);
    clock.now += 999;
    expect(cache.get('k')).toBe(1);
    expect(cache.has('k')).toBe(true);
    clock.now += 1;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.has('k')).toBe(false);
  });

  it('honours a per-entry TTL longer or shorter than the default', () => {
    const { cache, clock } = clocked({ ttl: 1_000 });
    cache.set('short', 1, 10);
    cache.set('long', 2, 5_000);
    clock.now += 10;
    expect(cache.get('short')).toBeUndefined();
    clock.now += 4_000;
    expect(cache.get('long')).toBe(2);
    clock.now += 990;
    expect(cache.get('long')).toBeUndefined();
  });

  it('stores nothing for a TTL of zero or less, and drops the previous entry under that key', () => {
    const { cache } = clocked();
    cache.set('k', 1);
    cache.set('k', 2, 0);
    expect(cache.get('k')).toBeUndefined();
    cache.set('n', 3, -1);
    expect(cache.has('n')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('restarts the TTL when a key is set again', () => {
    const { cache, clock } = clocked({ ttl: 1_000 });
    cache.set('k', 1);
    clock.now += 900;
    cache.set('k', 2);
    clock.now += 900;
    expect(cache.get('k')).toBe(2);
  });

  it('evicts the least recently used entry past max', () => {
    const { cache } = clocked({ max: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('counts only live entries in size and purges expired ones', () => {
    const { cache, clock } = clocked({ ttl: 1_000 });
    cache.set('a', 1);
    cache.set('b', 2, 5_000);
    expect(cache.size).toBe(2);
    clock.now += 1_000;
    expect(cache.size).toBe(1);
    clock.now += 3_999;
    expect(cache.purgeExpired()).toBe(0);
    clock.now += 1;
    expect(cache.purgeExpired()).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('deletes and clears, reporting whether a live entry was deleted', () => {
    const { cache, clock } = clocked({ ttl: 1_000 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('old', 3, 10);
    clock.now += 10;
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    expect(cache.delete('old')).toBe(false);
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps falsy values such as 0 and empty strings', () => {
    const cache = new TtlCache<string, unknown>({ ttl: 1_000 });
    cache.set('zero', 0).set('empty', '').set('null', null);
    expect(cache.get('zero')).toBe(0);
    expect(cache.get('empty')).toBe('');
    expect(cache.get('null')).toBeNull();
    expect(cache.has('null')).toBe(true);
  });

  it('uses a real clock by default', async () => {
    const cache = new TtlCache<string, number>({ ttl: 20 });
    cache.set('k', 1);
    expect(cache.get('k')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(cache.get('k')).toBeUndefined();
  });

  it.each([
    [{ ttl: 0 }, '"options.ttl" must be a positive finite number of milliseconds'],
    [{ ttl: Number.POSITIVE_INFINITY }, '"options.ttl" must be a positive finite number of milliseconds'],
    [{ ttl: '10' }, '"options.ttl" must be a positive finite number of milliseconds'],
    [{ ttl: 10, max: 0 }, '"options.max" must be a positive integer'],
    [{ ttl: 10, max: 1.5 }, '"options.max" must be a positive integer'],
    [{ ttl: 10, now: 1 }, '"options.now" must be a function'],
    [null, '"options" must be an object'],
  ])('rejects invalid options %j at construction', (options, message) => {
    expect(() => new TtlCache(options as never)).toThrow(
      expect.objectContaining({ name: 'TesseraArgumentError', code: 'invalid_argument', message }),
    );
  });

  it('rejects a per-entry TTL that is not a number', () => {
    const { cache } = clocked();
    expect(() => cache.set('k', 1, Number.NaN)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"ttlMs" must be a number of milliseconds' }),
    );
    expect(cache.has('k')).toBe(false);
  });
});
