const PREFIX = 'application/';

/**
 * Normalizes a `typ`/`cty` value for comparison as RFC 7515 §4.1.9 asks: media types compare case-insensitively,
 * and `application/` may be left out (`JWT` and `application/jwt` are the same type).
 */
export function normalizeMediaType(value: string): string {
  const lower = value.toLowerCase();
  return lower.startsWith(PREFIX) ? lower.slice(PREFIX.length) : lower;
}
