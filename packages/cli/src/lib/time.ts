const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/**
 * A time difference in words, in the largest whole unit: `in 14 minutes`, `3 hours ago`. Rounds toward zero, so a
 * token with 14 min 59 s left "expires in 14 minutes".
 * @param seconds - the difference from now (positive: in the future)
 * @param past - word it as past ("… ago"); @default seconds < 0
 */
export function relativeTime(seconds: number, past = seconds < 0): string {
  const abs = Math.abs(seconds);
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === 'second') {
      const count = Math.floor(abs / size);
      return relative.format(past ? -count : count, unit);
    }
  }
  return relative.format(past ? -0 : 0, 'second');
}

/** One time claim described for people and for `--json`. */
export interface TimeClaim {
  /** The NumericDate from the token. */
  value: number;
  /** The same instant in ISO 8601 (UTC). */
  at: string;
  /** `expires in 14 minutes`, `expired 3 hours ago`, `issued 2 minutes ago`, `valid from 5 minutes ago`… */
  text: string;
  /** Whether the instant has passed. */
  past: boolean;
}

function isoOf(value: number): string {
  const date = new Date(value * 1000);
  return Number.isNaN(date.getTime()) ? 'an invalid date' : date.toISOString();
}

/**
 * Describes the `exp`, `iat` and `nbf` claims of a payload relative to `nowMs`; claims that are not finite numbers
 * are left out. A payload without `exp` gets an `exp` text saying it never expires.
 * @param payload - the claims
 * @param nowMs - the clock, in milliseconds
 */
export function describeTimes(payload: Record<string, unknown>, nowMs: number): {
  exp?: TimeClaim;
  iat?: TimeClaim;
  nbf?: TimeClaim;
  expiry: string;
} {
  const now = nowMs / 1000;
  const claim = (name: string, future: string, past: string): TimeClaim | undefined => {
    const value = payload[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    const diff = value - now;
    const isPast = diff <= 0;
    return { value, at: isoOf(value), text: `${isPast ? past : future} ${relativeTime(diff, isPast)}`, past: isPast };
  };
  const exp = claim('exp', 'expires', 'expired');
  const iat = claim('iat', 'issued', 'issued');
  const nbf = claim('nbf', 'valid from', 'valid from');
  const expiry = exp?.text ?? (payload['exp'] === undefined ? 'never expires (no "exp" claim)' : '"exp" is not a number');
  return { ...(exp && { exp }), ...(iat && { iat }), ...(nbf && { nbf }), expiry };
}
