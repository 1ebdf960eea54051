import { TesseraArgumentError } from '../errors.js';

/** Seconds per unit of a duration string. */
const UNIT_SECONDS: Readonly<Record<string, number>> = Object.freeze({ s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 });

const DURATION = /^(\d{1,15})([smhdw])$/;

/** Options of {@link parseDuration}. */
export interface ParseDurationOptions {
  /**
   * Accept only whole seconds (what a NumericDate written into a token needs). Verify-side options such as
   * `clockTolerance` accept fractions.
   * @default true
   */
  wholeSeconds?: boolean;
}

/**
 * Parses a duration given as seconds (`900`) or as a whole number with one unit (`'30s'`, `'15m'`, `'2h'`, `'7d'`,
 * `'1w'`) into seconds. One implementation for the issuing and the verifying side, used at construction time.
 *
 * Deliberately small: one unit, no spaces, no negatives — a duration that reads ambiguously is a bug in the caller's
 * configuration, so it fails at once instead of being guessed at.
 *
 * @param value The duration: a number of seconds `>= 0`, or a string such as `'15m'`.
 * @param name The option's name, used in the error message (e.g. `'expiresIn'`).
 * @param options `wholeSeconds` (default true) refuses fractional numbers.
 * @returns The duration in seconds.
 * @throws {TesseraArgumentError} `invalid_argument` naming the option when `value` is neither form.
 * @example
 * ```ts
 * parseDuration('15m', 'expiresIn') // 900
 * parseDuration(0.5, 'clockTolerance', { wholeSeconds: false }) // 0.5
 * ```
 */
export function parseDuration(value: unknown, name: string, options?: ParseDurationOptions): number {
  const whole = options?.wholeSeconds ?? true;
  if (typeof value === 'number') {
    if (whole ? Number.isSafeInteger(value) && value >= 0 : Number.isFinite(value) && value >= 0) return value;
  } else if (typeof value === 'string') {
    const match = DURATION.exec(value);
    if (match !== null) {
      const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
      if (Number.isSafeInteger(seconds)) return seconds;
    }
  }
  throw new TesseraArgumentError(
    whole
      ? `"${name}" must be a whole number of seconds or a duration such as "30s", "15m", "2h", "7d"`
      : `"${name}" must be a number of seconds >= 0 or a duration such as "30s", "15m", "2h"`,
  );
}
