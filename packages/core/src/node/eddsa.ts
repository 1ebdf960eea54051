import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { SignatureCheck } from './signature-check.js';

/**
 * A check of JWS EdDSA signatures over Ed25519 (RFC 8037 §3.1): pure Ed25519, so no pre-hash (`null` algorithm).
 *
 * @param key - The Ed25519 public key.
 * @returns A function answering whether `signatureB64` signs `signingInput`.
 */
export function eddsaCheck(key: KeyObject): SignatureCheck {
  return (signingInput, signatureB64) =>
    cryptoVerify(null, Buffer.from(signingInput, 'latin1'), key, Buffer.from(signatureB64, 'base64url'));
}
