import type { JoseHeader, JwtClaims, TesseraKey } from '../types.js';

/**
 * What a successful verification returns: the claims, the header they were signed under, and the keys that proved
 * them.
 *
 * | format | `header` | `key` | `encryptionHeader` / `decryptionKey` |
 * | --- | --- | --- | --- |
 * | `jws` | JWS header | key that checked the signature | absent |
 * | `nested` | inner JWS header | key that checked the inner signature | JWE header / key that decrypted |
 * | `jwe` (claims encrypted under `dir`, unsigned) | JWE header | key that decrypted | JWE header / same key |
 *
 * @example
 * ```ts
 * const { payload, format } = await verifier.verify(token)
 * ```
 */
export interface VerifiedToken {
  /** The JWT claims set. */
  payload: JwtClaims;
  /** The JWS protected header, or the JWE header for an unsigned JWE. Deeply frozen (shared between tokens). */
  header: JoseHeader;
  /** How the token was protected. */
  format: 'jws' | 'jwe' | 'nested';
  /** The JWE protected header, when the token was encrypted. Deeply frozen. */
  encryptionHeader?: JoseHeader;
  /** The key that checked the signature, or the decryption key of an unsigned JWE. */
  key: TesseraKey;
  /** The key that decrypted the token, when it was encrypted. */
  decryptionKey?: TesseraKey;
}
