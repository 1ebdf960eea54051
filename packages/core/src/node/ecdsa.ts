import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { SignatureCheck } from './signature-check.js';

/** The ECDSA curves JWS uses (RFC 7518 §3.4), with the hash each `alg` pairs with. */
export type EcdsaAlgorithm = 'ES256' | 'ES384' | 'ES512';

interface Curve {
  /** WebCrypto / JWK curve name, as jose checks it on the key. */
  readonly name: 'P-256' | 'P-384' | 'P-521';
  /** The curve's name as node:crypto reports it (`asymmetricKeyDetails.namedCurve`). */
  readonly openssl: string;
  readonly hash: string;
  /** Bytes per coordinate: an IEEE P1363 signature is exactly twice this. */
  readonly size: number;
  /** The group order n, big-endian, `size` bytes long (SEC 2 §2.4.2, §2.5.1, §2.6.1). */
  readonly order: Buffer;
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** Curve parameters per `alg`. */
export const ECDSA_CURVES: Readonly<Record<EcdsaAlgorithm, Curve>> = Object.freeze({
  ES256: {
    name: 'P-256', openssl: 'prime256v1', hash: 'sha256', size: 32,
    order: hex('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  },
  ES384: {
    name: 'P-384', openssl: 'secp384r1', hash: 'sha384', size: 48,
    order: hex('ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
  },
  ES512: {
    name: 'P-521', openssl: 'secp521r1', hash: 'sha512', size: 66,
    order: hex(
      '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff'
      + 'fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    ),
  },
});

/**
 * True when the fixed-size big-endian integer at `sig[start, start + size)` lies in [1, n − 1]. Equal-length
 * big-endian byte strings compare like the integers they encode, so no big-number arithmetic is needed.
 */
function inRange(sig: Buffer, start: number, size: number, order: Buffer): boolean {
  const value = sig.subarray(start, start + size);
  let nonZero = 0;
  for (let i = 0; i < size; i++) nonZero |= value[i] ?? 0;
  return nonZero !== 0 && Buffer.compare(value, order) < 0;
}

/**
 * A check of JWS ECDSA signatures (RFC 7518 §3.4): the signature must be the IEEE P1363 concatenation R ‖ S of exactly
 * two coordinate sizes, with r and s in [1, n − 1] (high S is accepted, as WebCrypto does), then OpenSSL verifies it.
 *
 * @param alg - `ES256`, `ES384` or `ES512`.
 * @param key - The public key, on the curve `alg` names.
 * @returns A function answering whether `signatureB64` signs `signingInput`.
 */
export function ecdsaCheck(alg: EcdsaAlgorithm, key: KeyObject): SignatureCheck {
  const { hash, size, order } = ECDSA_CURVES[alg];
  const options = Object.freeze({ key, dsaEncoding: 'ieee-p1363' as const });
  return (signingInput, signatureB64) => {
    const signature = Buffer.from(signatureB64, 'base64url');
    return signature.length === 2 * size
      && inRange(signature, 0, size, order)
      && inRange(signature, size, size, order)
      && cryptoVerify(hash, Buffer.from(signingInput, 'latin1'), options, signature);
  };
}
