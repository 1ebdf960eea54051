import { randomFillSync } from 'node:crypto';
import { sha256Base64url } from './sha256.js';

/**
 * Random bytes drawn from a pool refilled 8 KiB at a time: one call into OpenSSL per 256 tokens instead of one per
 * token (the issuer's hot path makes two or three per request). Every byte is handed out once.
 */
const POOL = Buffer.allocUnsafe(8192);
let offset = POOL.length;

function take(size: number): Buffer {
  if (offset + size > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = POOL.subarray(offset, offset + size);
  offset += size;
  return bytes;
}

/** A 256-bit random token (opaque access tokens, refresh tokens, authorization codes), base64url: 43 characters. */
export function randomToken(): string {
  return take(32).toString('base64url');
}

/** A random 128-bit identifier (opaque tokens' `jti`), base64url: 22 characters. */
export function randomId(): string {
  return take(16).toString('base64url');
}

/**
 * base64url(SHA-256(token)): the same value as core's `tokenFingerprint`, computed synchronously with node:crypto on
 * the issuer's hot path. Tokens are only ever stored under it.
 */
export function fingerprint(token: string): string {
  return sha256Base64url(token);
}
