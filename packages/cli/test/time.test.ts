import { describe, expect, it } from 'vitest';
import { describeTimes, relativeTime } from '../src/lib/time.js';

describe('relativeTime', () => {
  it.each([
    [0, 'in 0 seconds'],
    [1, 'in 1 second'],
    [59.9, 'in 59 seconds'],
    [60, 'in 1 minute'],
    [899.9, 'in 14 minutes'],
    [-10_800, '3 hours ago'],
    [-14_399, '3 hours ago'],
    [2 * 86_400 + 5, 'in 2 days'],
    [-400 * 86_400, '1 year ago'],
  ])('%d s → %s (largest whole unit, rounded toward zero)', (seconds, text) => {
    expect(relativeTime(seconds)).toBe(text);
  });
});

describe('describeTimes', () => {
  const now = 1_700_000_000_000;

  it('describes exp, nbf and iat against the clock', () => {
    const times = describeTimes({ exp: 1_700_000_900, nbf: 1_700_000_300, iat: 1_699_999_880 }, now);
    expect(times).toEqual({
      exp: { value: 1_700_000_900, at: '2023-11-14T22:28:20.000Z', text: 'expires in 15 minutes', past: false },
      nbf: { value: 1_700_000_300, at: '2023-11-14T22:18:20.000Z', text: 'valid from in 5 minutes', past: false },
      iat: { value: 1_699_999_880, at: '2023-11-14T22:11:20.000Z', text: 'issued 2 minutes ago', past: true },
      expiry: 'expires in 15 minutes',
    });
  });

  it('an exp equal to now has expired (as the verifier sees it)', () => {
    expect(describeTimes({ exp: now / 1000 }, now).expiry).toBe('expired 0 seconds ago');
  });

  it('says when there is no exp, or an exp that is not a number', () => {
    expect(describeTimes({}, now)).toEqual({ expiry: 'never expires (no "exp" claim)' });
    expect(describeTimes({ exp: '1700000000' }, now)).toEqual({ expiry: '"exp" is not a number' });
  });
});
