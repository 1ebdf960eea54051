import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

const SALT = Buffer.from('tessera/issuer/refresh-grace/v1');
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function keyFor(refreshToken: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', refreshToken, SALT, 'successor token set', 32));
}

/**
 * Seals the token set a rotation produced under a key derived from the refresh token it replaced (HKDF-SHA256 →
 * A256GCM, a `dir` JWE). The store keeps only this: a replay inside the grace window must present the old token to
 * open it, and a leak of the store yields nothing usable.
 *
 * @param oldRefreshToken - the token presented to the rotation
 * @param tokenSet - the JSON answer the rotation sent
 * @returns a compact JWE
 */
export function sealSuccessor(oldRefreshToken: string, tokenSet: Record<string, unknown>): Promise<string> {
  return new CompactEncrypt(encoder.encode(JSON.stringify(tokenSet)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(keyFor(oldRefreshToken));
}

/**
 * Opens what {@link sealSuccessor} sealed.
 * @param oldRefreshToken - the token presented again
 * @param sealed - the store's `successor`
 * @returns the token set
 * @throws when the token is not the one the set was sealed under (jose's decryption error)
 */
export async function openSuccessor(oldRefreshToken: string, sealed: string): Promise<Record<string, unknown>> {
  const { plaintext } = await compactDecrypt(sealed, keyFor(oldRefreshToken), {
    keyManagementAlgorithms: ['dir'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  return JSON.parse(decoder.decode(plaintext)) as Record<string, unknown>;
}
