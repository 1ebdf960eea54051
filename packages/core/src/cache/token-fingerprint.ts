import { base64url } from 'jose';
import { TesseraArgumentError } from '../errors.js';

const encoder = new TextEncoder();

/**
 * A collision-safe cache key for a token: base64url(SHA-256(the whole token)), 43 characters.
 *
 * Use it wherever a token would otherwise be a key: the verified-claims cache, single-flight groups, the
 * `TokenStore` (opaque and refresh tokens are stored under it, so a leak of the store does not leak usable
 * tokens; they are 256-bit random values, so an unsalted fast hash is enough).
 *
 * Never key a cache by a prefix or a truncation of the token. JWTs issued by one issuer share long prefixes (the
 * same header, often the same leading claims), so a prefix key makes different tokens collide: a forged or expired
 * token would be answered from the cache entry of a valid one, skipping signature and expiry checks entirely. The
 * digest covers every byte, including the signature, so two tokens share a key only if SHA-256 collides.
 *
 * Async because it uses WebCrypto (`globalThis.crypto.subtle`), the one hash available in every runtime core targets.
 *
 * @param token - the token exactly as received
 * @returns the fingerprint, base64url without padding
 * @throws TesseraArgumentError (`invalid_argument`) when `token` is not a string
 * @see RFC 6234 (SHA-256), RFC 4648 §5 (base64url)
 * @example
 * ```ts
 * const key = await tokenFingerprint(token);
 * const claims = claimsCache.get(key);
 * ```
 */
export async function tokenFingerprint(token: string): Promise<string> {
  if (typeof token !== 'string') throw new TesseraArgumentError('"token" must be a string');
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(token));
  return base64url.encode(new Uint8Array(digest));
}
