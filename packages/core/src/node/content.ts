import type { JweContentAlgorithm } from '../algorithms.js';
import { cbcHmacDecrypter, type CbcHmacEncryption } from './aes-cbc-hmac.js';
import { gcmCipher, openGcm } from './aes-gcm.js';

/**
 * Opens a JWE's content under a content key recovered for this one token (RFC 7518 §5.2, §5.3): AES-GCM with a 96-bit
 * IV and a 128-bit tag, or AES-CBC + HMAC-SHA2 with a 128-bit IV and the tag checked first. The AAD is the ASCII
 * protected header segment. An IV or tag of another size fails, as in jose.
 *
 * @param enc - The content encryption.
 * @param cek - The content key, exactly the size `enc` needs.
 * @param aad - The protected header segment, as bytes.
 * @param iv - The decoded IV.
 * @param ciphertext - The decoded ciphertext.
 * @param tag - The decoded authentication tag.
 * @returns The plaintext, or `undefined` when the content does not open.
 */
export function openContent(enc: JweContentAlgorithm, cek: Buffer, aad: Buffer, iv: Buffer, ciphertext: Buffer,
  tag: Buffer): Uint8Array | undefined {
  if (enc.endsWith('GCM')) {
    if (iv.length !== 12 || tag.length !== 16) return undefined;
    return openGcm(gcmCipher(cek.length), cek, aad, iv, ciphertext, tag);
  }
  if (iv.length !== 16) return undefined;
  return cbcHmacDecrypter(enc as CbcHmacEncryption, cek, false).open(aad, iv, ciphertext, tag);
}
