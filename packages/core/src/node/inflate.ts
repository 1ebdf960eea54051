import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { DecryptionError, TokenFormatError } from '../errors.js';
import { isZlibHeader } from '../lib/inflate.js';

/**
 * Whether `max` is a limit {@link inflate} can enforce itself: a positive safe integer within what one `Buffer` can
 * hold, or `Infinity`. Anything else (0, NaN) is left to jose, whose answer for it is the reference.
 */
export function isEnforceableLimit(max: number): boolean {
  return max === Number.POSITIVE_INFINITY || (Number.isSafeInteger(max) && max >= 1 && max <= bufferConstants.MAX_LENGTH);
}

/** Runs one zlib inflater under the cap, mapping its failures as the jose engine maps jose's. */
function capped(run: typeof inflateRawSync, data: Uint8Array, max: number): Buffer {
  try {
    return max === Number.POSITIVE_INFINITY ? run(data) : run(data, { maxOutputLength: max });
  } catch (cause) {
    if ((cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new TokenFormatError('decompressed token exceeds maxInflatedSize', 'token_too_large', { cause });
    }
    throw new DecryptionError(undefined, { cause });
  }
}

/**
 * Inflates a `zip: DEF` plaintext (raw DEFLATE, RFC 1951; RFC 7516 §4.1.3) without ever producing more than `max`
 * bytes: zlib stops at the cap instead of inflating a bomb in full and measuring it afterwards. With `zlibFallback`
 * (`compat.zlibDeflate`), data that is not raw DEFLATE but starts with a valid zlib header is inflated as a zlib
 * stream (RFC 1950, Adler-32 checked) under the same cap — what python-jose 3.3 writes.
 *
 * @param data - The decrypted, compressed plaintext.
 * @param max - Largest allowed inflated size in bytes (inclusive), as {@link isEnforceableLimit} accepts.
 * @param zlibFallback - Whether a zlib stream may be read when raw DEFLATE fails.
 * @returns The inflated bytes.
 * @throws {TokenFormatError} `token_too_large` past `max`.
 * @throws {DecryptionError} `decryption_failed` when `data` is not a complete DEFLATE stream (as the jose engine maps
 * jose's "Failed to decompress plaintext").
 */
export function inflate(data: Uint8Array, max: number, zlibFallback = false): Uint8Array {
  let out: Buffer;
  try {
    out = capped(inflateRawSync, data, max);
  } catch (err) {
    if (!(err instanceof DecryptionError) || !zlibFallback || !isZlibHeader(data)) throw err;
    out = capped(inflateSync, data, max);
  }
  // Copied: zlib hands back a view of a larger, uninitialised chunk buffer, which `.buffer` would expose.
  return new Uint8Array(out);
}
