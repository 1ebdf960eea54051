import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { SignatureCheck } from './signature-check.js';

/** The HMAC JWS algorithms (RFC 7518 §3.2). */
export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** The node:crypto hash of each HMAC `alg`. */
export const HMAC_HASH: Readonly<Record<HmacAlgorithm, string>> = Object.freeze({ HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' });
const MAC_BYTES: Readonly<Record<HmacAlgorithm, number>> = Object.freeze({ HS256: 32, HS384: 48, HS512: 64 });

/**
 * A check of JWS HMAC signatures (RFC 7518 §3.2): recomputes the full-length MAC and compares it in constant time. A
 * signature of any other length is invalid (checked first: `timingSafeEqual` needs equal lengths, and the length is
 * public anyway).
 *
 * @param alg - `HS256`, `HS384` or `HS512`.
 * @param key - The shared secret as a secret `KeyObject`.
 * @returns A function answering whether `signatureB64` is the MAC of `signingInput`.
 */
export function hmacCheck(alg: HmacAlgorithm, key: KeyObject): SignatureCheck {
  const hash = HMAC_HASH[alg];
  const macBytes = MAC_BYTES[alg];
  // Unpadded base64url spells n bytes in exactly ceil(4n / 3) characters.
  const macChars = Math.ceil((macBytes * 4) / 3);
  // The received MAC is decoded here for every token instead of into a fresh Buffer: the check runs synchronously
  // from start to end, so no two calls ever share it, and nothing it holds leaves this function.
  const received = Buffer.alloc(macBytes);
  return (signingInput, signatureB64) => {
    // A length mismatch is decided on the text (the segment is canonical), before anything is decoded or hashed.
    // The count of bytes written is checked too: a character outside base64url would be skipped, leaving bytes of
    // an earlier token in `received`.
    if (signatureB64.length !== macChars || received.write(signatureB64, 'base64url') !== macBytes) return false;
    // The signing input is ASCII (the policy allows only base64url and dots), so latin1 hashes exactly its bytes.
    const expected = createHmac(hash, key).update(signingInput, 'latin1').digest();
    return timingSafeEqual(expected, received);
  };
}
