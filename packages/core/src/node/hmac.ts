import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { SignatureCheck } from './signature-check.js';

/** The HMAC JWS algorithms (RFC 7518 §3.2). */
export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

const HASH: Readonly<Record<HmacAlgorithm, string>> = Object.freeze({ HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' });

/**
 * A check of JWS HMAC signatures (RFC 7518 §3.2): recomputes the full-length MAC and compares it in constant time. A
 * signature of any other length is invalid (checked first: `timingSafeEqual` needs equal lengths, and the length is
 * public anyway).
 *
 * @param alg - `HS256`, `HS384` or `HS512`.
 * @param key - The shared secret as a secret `KeyObject`.
 * @returns A function answering whether `signature` is the MAC of `data`.
 */
export function hmacCheck(alg: HmacAlgorithm, key: KeyObject): SignatureCheck {
  const hash = HASH[alg];
  return (data, signature) => {
    const expected = createHmac(hash, key).update(data).digest();
    return expected.length === signature.length && timingSafeEqual(expected, signature);
  };
}
