import { describe, expect, it } from 'vitest';
import { parseDuration } from '../src/issue/index.js';

describe('parseDuration', () => {
  it.each([
    [900, 900],
    [0, 0],
    ['30s', 30],
    ['15m', 900],
    ['2h', 7200],
    ['7d', 604_800],
    ['1w', 604_800],
  ] as const)('reads %j as %d seconds', (input, seconds) => {
    expect(parseDuration(input, 'ttl')).toBe(seconds);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '15', '15 m', '1.5h', '-5m', '15M', '', '2y', null, {}])(
    'refuses %j, naming the option',
    (input) => {
      expect(() => parseDuration(input, 'ttl')).toThrow(
        expect.objectContaining({
          name: 'TesseraArgumentError',
          code: 'invalid_argument',
          message: '"ttl" must be a whole number of seconds or a duration such as "30s", "15m", "2h", "7d"',
        }),
      );
    },
  );
});
