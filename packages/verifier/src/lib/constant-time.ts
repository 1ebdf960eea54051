/**
 * Compares two strings in time that depends only on their lengths, not on where they first differ (thumbprints,
 * `ath` values, nonces). Strings of different lengths are unequal at once: lengths are not secret here.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
