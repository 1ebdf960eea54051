import { createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { JweContentAlgorithm } from '../algorithms.js';
import type { CompactJwe } from '../lib/engine.js';
import type { KeyManager } from './key-manager.js';

/** RFC 3394 §2.2.3.1's default initial value, which AES Key Wrap checks on unwrap. */
const DEFAULT_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

/**
 * AES Key Unwrap (RFC 3394; `id-aes128-wrap` … in OpenSSL) of `wrapped` under `kek`: the unwrapped key, or
 * `undefined` when the integrity check fails or the result is not `expectedBytes` long.
 *
 * @param kek - The key-encryption key (16, 24 or 32 bytes).
 * @param kekBytes - Its size, which picks the cipher.
 * @param wrapped - The JWE Encrypted Key.
 * @param expectedBytes - The content-key size the token's `enc` needs.
 * @returns The content key, or `undefined`.
 */
export function unwrapAesKw(kek: KeyObject | Buffer, kekBytes: number, wrapped: Buffer, expectedBytes: number): Buffer | undefined {
  // RFC 3394 wraps n ≥ 2 64-bit blocks into n + 1; anything else cannot hold this key.
  if (wrapped.length !== expectedBytes + 8) return undefined;
  try {
    const decipher = createDecipheriv(`id-aes${kekBytes * 8}-wrap`, kek, DEFAULT_IV);
    const cek = decipher.update(wrapped);
    decipher.final();
    return cek.length === expectedBytes ? cek : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Key management A128KW / A192KW / A256KW (RFC 7518 §4.4): the Encrypted Key is the content key wrapped with AES Key
 * Wrap under the shared key.
 *
 * @param secret - The shared key (16, 24 or 32 bytes, as the alg says: checked at import).
 * @returns The key manager.
 */
export function aesKwManager(secret: Uint8Array): KeyManager {
  const kek = createSecretKey(secret);
  const kekBytes = secret.length;
  return Object.freeze({
    contentKey(jwe: CompactJwe, _enc: JweContentAlgorithm, cekBytes: number): Buffer | undefined {
      return unwrapAesKw(kek, kekBytes, Buffer.from(jwe.encryptedKeyB64, 'base64url'), cekBytes);
    },
  });
}
