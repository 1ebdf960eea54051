/**
 * Random identifiers for the issuing hot path. `crypto.getRandomValues` costs several microseconds per call whatever
 * the size (≈ 5–8 µs on Node 20 for 16 bytes, more than an HMAC-SHA256 of a whole token), so the bytes are drawn from
 * a pool it refills 4 KiB at a time: one call per 256 ids. Every byte is handed out once and then overwritten by the
 * next refill; nothing else reads the pool.
 */
const POOL = new Uint8Array(4096);
let offset = POOL.length;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url (RFC 4648 §5) of `POOL[start, start + length)`. */
function encode(start: number, length: number): string {
  let out = '';
  const end = start + length;
  let i = start;
  for (; i + 3 <= end; i += 3) {
    const n = ((POOL[i] as number) << 16) | ((POOL[i + 1] as number) << 8) | (POOL[i + 2] as number);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = end - i;
  if (rest === 1) {
    const n = POOL[i] as number;
    out += ALPHABET[n >> 2]! + ALPHABET[(n & 3) << 4]!;
  } else if (rest === 2) {
    const n = ((POOL[i] as number) << 8) | (POOL[i + 1] as number);
    out += ALPHABET[n >> 10]! + ALPHABET[(n >> 4) & 63]! + ALPHABET[(n & 15) << 2]!;
  }
  return out;
}

/**
 * `bytes` random bytes (at most 4096) from the CSPRNG, base64url without padding.
 *
 * @param bytes - How many random bytes: 16 for a 128-bit `jti` (22 characters).
 * @returns The encoded bytes.
 */
export function randomBase64url(bytes: number): string {
  if (offset + bytes > POOL.length) {
    globalThis.crypto.getRandomValues(POOL);
    offset = 0;
  }
  const start = offset;
  offset += bytes;
  return encode(start, bytes);
}
