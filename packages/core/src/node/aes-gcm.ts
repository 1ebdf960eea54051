import { createDecipheriv, type CipherGCMTypes, type KeyObject } from 'node:crypto';
import { joinUnpooled, type ContentDecrypter } from './content-decrypter.js';

/** The AES-GCM content encryptions (RFC 7518 §5.3). */
export type GcmEncryption = 'A128GCM' | 'A192GCM' | 'A256GCM';

const CIPHER: Readonly<Record<GcmEncryption, CipherGCMTypes>> = Object.freeze({
  A128GCM: 'aes-128-gcm',
  A192GCM: 'aes-192-gcm',
  A256GCM: 'aes-256-gcm',
});

/**
 * AES-GCM decryption with a 128-bit tag: the plaintext, or `undefined` when the tag does not verify. OpenSSL checks
 * the tag in `final()`; the output of `update()` is discarded unless it passes.
 *
 * @param cipher - `aes-128-gcm`, `aes-192-gcm` or `aes-256-gcm`, matching the key's size.
 * @param key - The AES key.
 * @param aad - Additional authenticated data (empty for AES-GCM key wrap).
 * @param iv - The IV, of a length the caller checked.
 * @param ciphertext - The ciphertext.
 * @param tag - The 16-byte tag.
 * @returns The plaintext, or `undefined`.
 */
export function openGcm(cipher: CipherGCMTypes, key: KeyObject | Buffer, aad: Buffer | undefined, iv: Buffer,
  ciphertext: Buffer, tag: Buffer): Uint8Array | undefined {
  const decipher = createDecipheriv(cipher, key, iv, { authTagLength: 16 });
  if (aad !== undefined) decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const head = decipher.update(ciphertext);
  let tail: Buffer;
  try {
    tail = decipher.final();
  } catch {
    return undefined;
  }
  return joinUnpooled(head, tail);
}

/** The OpenSSL cipher name of an AES-GCM key of `bytes` bytes (16, 24 or 32). */
export function gcmCipher(bytes: number): CipherGCMTypes {
  return `aes-${bytes * 8}-gcm` as CipherGCMTypes;
}

/**
 * AES-GCM content decryption (RFC 7518 §5.3): 96-bit IV, 128-bit tag, AAD = the ASCII protected header segment.
 *
 * @param enc - `A128GCM`, `A192GCM` or `A256GCM`.
 * @param key - The content key (exactly the size `enc` needs): a secret `KeyObject` prepared once, or the bytes of a
 *   content key recovered for one token.
 * @returns The decrypter.
 */
export function gcmDecrypter(enc: GcmEncryption, key: KeyObject | Buffer): ContentDecrypter {
  const cipher = CIPHER[enc];
  return Object.freeze({
    ivBytes: 12,
    tagBytes: 16,
    open(aad: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Uint8Array | undefined {
      return openGcm(cipher, key, aad, iv, ciphertext, tag);
    },
  });
}
