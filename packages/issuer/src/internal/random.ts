import { createHash, randomBytes } from 'node:crypto';

/** A 256-bit random token (opaque access tokens, refresh tokens, authorization codes), base64url: 43 characters. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * base64url(SHA-256(token)): the same value as core's `tokenFingerprint`, computed synchronously with node:crypto on
 * the issuer's hot path. Tokens are only ever stored under it.
 */
export function fingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** A random 128-bit identifier (opaque tokens' `jti`), base64url: 22 characters. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}
