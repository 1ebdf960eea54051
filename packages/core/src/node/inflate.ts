import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync } from 'node:zlib';
import { DecryptionError, TokenFormatError } from '../errors.js';

/**
 * Whether `max` is a limit {@link inflate} can enforce itself: a positive safe integer within what one `Buffer` can
 * hold, or `Infinity`. Anything else (0, NaN) is left to jose, whose answer for it is the reference.
 */
export function isEnforceableLimit(max: number): boolean {
  return max === Number.POSITIVE_INFINITY || (Number.isSafeInteger(max) && max >= 1 && max <= bufferConstants.MAX_LENGTH);
}

/**
 * Inflates a `zip: DEF` plaintext (raw DEFLATE, RFC 1951; RFC 7516 §4.1.3) without ever producing more than `max`
 * bytes: zlib stops at the cap instead of inflating a bomb in full and measuring it afterwards.
 *
 * @param data - The decrypted, compressed plaintext.
 * @param max - Largest allowed inflated size in bytes (inclusive), as {@link isEnforceableLimit} accepts.
 * @returns The inflated bytes.
 * @throws {TokenFormatError} `token_too_large` past `max`.
 * @throws {DecryptionError} `decryption_failed` when `data` is not a complete DEFLATE stream (as the jose engine maps
 * jose's "Failed to decompress plaintext").
 */
export function inflate(data: Uint8Array, max: number): Uint8Array {
  let out: Buffer;
  try {
    out = max === Number.POSITIVE_INFINITY ? inflateRawSync(data) : inflateRawSync(data, { maxOutputLength: max });
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new TokenFormatError('decompressed token exceeds maxInflatedSize', 'token_too_large', { cause });
    }
    throw new DecryptionError(undefined, { cause });
  }
  // Copied: zlib hands back a view of a larger, uninitialised chunk buffer, which `.buffer` would expose.
  return new Uint8Array(out);
}
