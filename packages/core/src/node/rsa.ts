import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { SignatureCheck } from './signature-check.js';

/** The RSA JWS algorithms: PKCS #1 v1.5 (RFC 7518 §3.3) and PSS (§3.5). */
export type RsaAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512';

const BITS: Readonly<Record<RsaAlgorithm, 256 | 384 | 512>> = Object.freeze({
  RS256: 256, RS384: 384, RS512: 512, PS256: 256, PS384: 384, PS512: 512,
});

/**
 * The hash and node:crypto key options of an RSA JWS `alg`, for signing and verifying alike: PKCS #1 v1.5, or PSS with
 * MGF1 on the same hash and a salt exactly as long as the hash (RFC 7518 §3.5) — what jose asks WebCrypto for.
 *
 * @param alg - `RS256`…`RS512` or `PS256`…`PS512`.
 * @param key - The private key (to sign) or public key (to verify).
 * @returns The hash name and the frozen key options.
 */
export function rsaParameters(alg: RsaAlgorithm, key: KeyObject): {
  hash: string;
  options: { key: KeyObject; padding: number; saltLength?: number };
} {
  const bits = BITS[alg];
  const options = alg.startsWith('PS')
    ? Object.freeze({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: bits / 8 })
    : Object.freeze({ key, padding: constants.RSA_PKCS1_PADDING });
  return { hash: `sha${bits}`, options };
}

/**
 * A check of JWS RSA signatures. PSS uses MGF1 with the same hash and a salt exactly as long as the hash (RFC 7518
 * §3.5), which is what jose asks WebCrypto for; node:crypto's own default when verifying would accept any salt length.
 *
 * @param alg - `RS256`…`RS512` or `PS256`…`PS512`.
 * @param key - The public key (at least 2048 bits, or 1024 for an `allowWeakRsa` key; {@link prepareNodeKey} checks).
 * @returns A function answering whether `signatureB64` signs `signingInput`.
 */
export function rsaCheck(alg: RsaAlgorithm, key: KeyObject): SignatureCheck {
  const { hash, options } = rsaParameters(alg, key);
  return (signingInput, signatureB64) =>
    cryptoVerify(hash, Buffer.from(signingInput, 'latin1'), options, Buffer.from(signatureB64, 'base64url'));
}
