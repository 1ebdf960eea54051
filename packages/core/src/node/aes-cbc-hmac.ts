import { createDecipheriv, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { joinUnpooled, type ContentDecrypter } from './content-decrypter.js';

/** The AES-CBC + HMAC-SHA2 content encryptions (RFC 7518 §5.2). */
export type CbcHmacEncryption = 'A128CBC-HS256' | 'A192CBC-HS384' | 'A256CBC-HS512';

const HASH: Readonly<Record<CbcHmacEncryption, string>> = Object.freeze({
  'A128CBC-HS256': 'sha256',
  'A192CBC-HS384': 'sha384',
  'A256CBC-HS512': 'sha512',
});

/**
 * AES-CBC + HMAC-SHA2 content decryption (RFC 7518 §5.2.2.2): the first half of the key is the MAC key, the second
 * the AES key; the tag is HMAC(AAD ‖ IV ‖ ciphertext ‖ AL) truncated to half the key size, where AL is the AAD length
 * in bits as a 64-bit big-endian integer. The tag is compared in constant time before anything is deciphered, so a
 * forged token never reaches the padding check (no padding oracle).
 *
 * @param enc - `A128CBC-HS256`, `A192CBC-HS384` or `A256CBC-HS512`.
 * @param secret - The whole content key (32, 48 or 64 bytes, as `enc` needs).
 * @param asKeyObjects - Make `KeyObject`s of the two halves (for a key prepared once and used for many tokens);
 *   false for a content key recovered for one token, which is used as bytes.
 * @returns The decrypter.
 */
export function cbcHmacDecrypter(enc: CbcHmacEncryption, secret: Uint8Array, asKeyObjects = true): ContentDecrypter {
  const half = secret.length / 2;
  const hash = HASH[enc];
  const bytes = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
  const macKey = asKeyObjects ? createSecretKey(bytes.subarray(0, half)) : bytes.subarray(0, half);
  const encKey = asKeyObjects ? createSecretKey(bytes.subarray(half)) : bytes.subarray(half);
  const cipher = `aes-${half * 8}-cbc`;
  return Object.freeze({
    ivBytes: 16,
    tagBytes: undefined,
    open(aad: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer): Uint8Array | undefined {
      const al = Buffer.alloc(8);
      // AAD bit length as uint64 BE; split in two 32-bit halves to stay exact past 2^32 bits without BigInt.
      const bits = aad.length * 8;
      al.writeUInt32BE(Math.floor(bits / 0x1_0000_0000), 0);
      al.writeUInt32BE(bits >>> 0, 4);
      const mac = createHmac(hash, macKey).update(aad).update(iv).update(ciphertext).update(al).digest();
      if (tag.length !== half || !timingSafeEqual(mac.subarray(0, half), tag)) return undefined;
      const decipher = createDecipheriv(cipher, encKey, iv);
      try {
        return joinUnpooled(decipher.update(ciphertext), decipher.final());
      } catch {
        return undefined;
      }
    },
  });
}
