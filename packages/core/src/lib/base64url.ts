/**
 * Strict base64url (RFC 4648 §5, unpadded as RFC 7515 §2 requires) for token segments.
 *
 * jose's decoder is lenient (it accepts `=` padding, whitespace and non-zero trailing bits), so one token could be
 * spelled several ways and still verify. The policy checks every segment with {@link isCanonicalSegment} before
 * anything is decoded, which makes the encoding of a valid token unique.
 */

/** Value of each base64url character, or -1 for any other code unit below 128. */
const VALUES: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/**
 * Every character a compact token may contain: the base64url alphabet and the segment separator. One anchored regex
 * scan is the fastest check measured on Node 20 (about 1 ns per character, as fast as searching for a negated
 * class, and about half the cost of a `charCodeAt` loop over a lookup table).
 */
const TOKEN_CHARACTERS = /^[A-Za-z0-9_.-]*$/;

/** True when `token` holds only base64url characters and dots (no padding, whitespace or other characters). */
export function hasOnlyTokenCharacters(token: string): boolean {
  return TOKEN_CHARACTERS.test(token);
}

/**
 * True when `segment`, already known to hold only base64url characters, is the canonical encoding of its bytes:
 * its length is not 1 mod 4 (no byte needs a single character) and the unused low bits of its last character are
 * zero (RFC 4648 §3.5), so no other spelling decodes to the same bytes.
 */
export function isCanonicalSegment(segment: string): boolean {
  const rest = segment.length & 3;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = VALUES[segment.charCodeAt(segment.length - 1)] as number;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Decodes a segment that {@link isCanonicalSegment} accepted. A table-driven loop: headers are tens of bytes, where
 * this beats `atob` plus the character translation it needs.
 */
export function decodeSegment(segment: string): Uint8Array {
  const length = segment.length;
  const out = new Uint8Array((length * 3) >> 2);
  let o = 0;
  let i = 0;
  for (const full = length - (length & 3); i < full; i += 4) {
    const n =
      ((VALUES[segment.charCodeAt(i)] as number) << 18) |
      ((VALUES[segment.charCodeAt(i + 1)] as number) << 12) |
      ((VALUES[segment.charCodeAt(i + 2)] as number) << 6) |
      (VALUES[segment.charCodeAt(i + 3)] as number);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  const rest = length - i;
  if (rest >= 2) {
    const n =
      ((VALUES[segment.charCodeAt(i)] as number) << 18) |
      ((VALUES[segment.charCodeAt(i + 1)] as number) << 12) |
      (rest === 3 ? (VALUES[segment.charCodeAt(i + 2)] as number) << 6 : 0);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = (n >> 8) & 0xff;
  }
  return out;
}
