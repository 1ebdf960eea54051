import { TesseraArgumentError } from '../errors.js';

/** Seconds per unit of a duration string. */
const UNIT_SECONDS: Readonly<Record<string, number>> = Object.freeze({ s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 });

const DURATION = /^(\d{1,15})([smhdw])$/;

/**
 * Parses a duration given as whole seconds (`900`) or as a number with one unit (`'30s'`, `'15m'`, `'2h'`, `'7d'`,
 * `'1w'`) into whole seconds.
 *
 * Deliberately small: one unit, no fractions, no spaces, no negatives — a duration that reads ambiguously is a bug
 * in the caller's configuration, so it fails at once instead of being guessed at.
 *
 * @param value The duration: a non-negative safe integer of seconds, or a string such as `'15m'`.
 * @param name The option's name, used in the error message (e.g. `'expiresIn'`).
 * @returns The duration in whole seconds (`>= 0`).
 * @throws {TesseraArgumentError} `invalid_argument` when `value` is neither form.
 * @example
 * ```ts
 * parseDuration('15m', 'expiresIn') // 900
 * parseDuration(3600, 'expiresIn')  // 3600
 * ```
 */
export function parseDuration(value: unknown, name: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
  } else if (typeof value === 'string') {
    const match = DURATION.exec(value);
    if (match !== null) {
      const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
      if (Number.isSafeInteger(seconds)) return seconds;
    }
  }
  throw new TesseraArgumentError(
    `"${name}" must be a whole number of seconds or a duration such as "30s", "15m", "2h", "7d"`,
  );
}
