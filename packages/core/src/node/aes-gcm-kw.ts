import { createSecretKey } from 'node:crypto';
import type { JweContentAlgorithm } from '../algorithms.js';
import type { CompactJwe } from '../lib/engine.js';
import { gcmCipher, openGcm } from './aes-gcm.js';
import { canonicalMember, DELEGATE, type KeyManager } from './key-manager.js';

/**
 * Key management A128GCMKW / A192GCMKW / A256GCMKW (RFC 7518 §4.7): the Encrypted Key is the content key encrypted
 * with AES-GCM under the shared key, with the 96-bit IV and the 128-bit tag in the `iv` and `tag` header members
 * (no AAD).
 *
 * @param secret - The shared key (16, 24 or 32 bytes, as the alg says: checked at import).
 * @returns The key manager.
 */
export function aesGcmKwManager(secret: Uint8Array): KeyManager {
  const key = createSecretKey(secret);
  const cipher = gcmCipher(secret.length);
  return Object.freeze({
    contentKey(jwe: CompactJwe, _enc: JweContentAlgorithm, cekBytes: number): Buffer | undefined | typeof DELEGATE {
      const { iv: ivText, tag: tagText } = jwe.header;
      // jose: 'JOSE Header "iv" (Initialization Vector) missing or invalid' — the token fails.
      if (typeof ivText !== 'string' || typeof tagText !== 'string') return undefined;
      const iv = canonicalMember(ivText);
      const tag = canonicalMember(tagText);
      if (iv === DELEGATE || tag === DELEGATE || iv === undefined || tag === undefined) return DELEGATE;
      // jose: "Invalid Initialization Vector length" / "Invalid Authentication Tag length" — the token fails.
      if (iv.length !== 12 || tag.length !== 16) return undefined;
      const cek = openGcm(cipher, key, undefined, iv, Buffer.from(jwe.encryptedKeyB64, 'base64url'), tag);
      return cek !== undefined && cek.length === cekBytes ? Buffer.from(cek.buffer, cek.byteOffset, cek.byteLength) : undefined;
    },
  });
}
