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
 * AES-GCM content decryption (RFC 7518 §5.3): 96-bit IV, 128-bit tag, AAD = the ASCII protected header segment.
 * OpenSSL checks the tag in `final()`; the plaintext from `update()` is discarded unless it passes.
 *
 * @param enc - `A128GCM`, `A192GCM` or `A256GCM`.
 * @param key - The content key (exactly the size `enc` needs) as a secret `KeyObject`.
 * @returns The decrypter.
 */
export function gcmDecrypter(enc: GcmEncryption, key: KeyObject): ContentDecrypter {
  const cipher = CIPHER[enc];
  return Object.freeze({
    ivBytes: 12,
    tagBytes: 16,
    open(aad: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Uint8Array | undefined {
      const decipher = createDecipheriv(cipher, key, iv, { authTagLength: 16 });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      const head = decipher.update(ciphertext);
      let tail: Buffer;
      try {
        tail = decipher.final();
      } catch {
        return undefined;
      }
      return joinUnpooled(head, tail);
    },
  });
}
