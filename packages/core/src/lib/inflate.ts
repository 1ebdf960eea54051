import { DecryptionError, TokenFormatError } from '../errors.js';

/**
 * True when `data` starts with a valid RFC 1950 zlib header: compression method 8 (DEFLATE), a window of at most
 * 32 KiB, a header checksum that divides by 31, and no preset dictionary. python-jose 3.3 writes `zip: "DEF"`
 * plaintexts as `zlib.compress(...)`, whose header is `78 9C`; raw DEFLATE (RFC 7516 §4.1.3) does not start this way
 * in practice, so the check decides whether the `compat.zlibDeflate` fallback may be tried at all.
 *
 * @param data - The decrypted, compressed plaintext.
 * @returns Whether a zlib stream could start here.
 * @see https://www.rfc-editor.org/rfc/rfc1950#section-2.2
 */
export function isZlibHeader(data: Uint8Array): boolean {
  if (data.length < 2) return false;
  const cmf = data[0] as number;
  const flg = data[1] as number;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0 && (flg & 0x20) === 0;
}

const TOO_LARGE = 'decompressed token exceeds maxInflatedSize';

/**
 * Runs `data` through a DecompressionStream and stops as soon as the output passes `max` bytes, as jose does for
 * `zip: "DEF"` (so a bomb is never inflated in full).
 */
async function decompress(format: 'deflate' | 'deflate-raw', data: Uint8Array, max: number): Promise<Uint8Array> {
  const stream = new DecompressionStream(format);
  const writer = stream.writable.getWriter();
  // Errors surface on the reader; these promises would otherwise reject unhandled.
  writer.write(data as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
      if (length > max) {
        await reader.cancel().catch(() => undefined);
        throw new TokenFormatError(TOO_LARGE, 'token_too_large');
      }
    }
  } catch (cause) {
    if (cause instanceof TokenFormatError) throw cause;
    throw new DecryptionError(undefined, { cause });
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Inflates a `zip: "DEF"` plaintext with the web platform's DecompressionStream: raw DEFLATE (RFC 1951, as RFC 7516
 * §4.1.3 requires), and — only when `zlibFallback` is set (`compat.zlibDeflate`), raw inflation fails and the data
 * has a valid zlib header — a zlib stream (RFC 1950, Adler-32 checked) under the same cap. The jose engine's
 * compatibility path uses it; the node engine does the same with node:zlib.
 *
 * @param data - The decrypted, compressed plaintext.
 * @param max - Largest allowed inflated size in bytes (inclusive).
 * @param zlibFallback - Whether a zlib stream may be read when raw DEFLATE fails.
 * @returns The inflated bytes.
 * @throws {TokenFormatError} `token_too_large` past `max`.
 * @throws {DecryptionError} `decryption_failed` when the data inflates neither way.
 */
export async function inflateWeb(data: Uint8Array, max: number, zlibFallback: boolean): Promise<Uint8Array> {
  try {
    return await decompress('deflate-raw', data, max);
  } catch (err) {
    if (!(err instanceof DecryptionError) || !zlibFallback || !isZlibHeader(data)) throw err;
  }
  return decompress('deflate', data, max);
}
