import { InvalidKeyError } from '../errors.js';

// Internal: strict text ↔ bytes codecs for key material. jose's own base64url decoder is lenient (whitespace,
// padding, non-zero trailing bits); a key that two decoders read differently is a key two systems disagree on, so
// everything that turns text into key bytes goes through these.

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URLSAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function table(alphabet: string): Int8Array {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
}
const STD_T = table(STD);
const URL_T = table(URLSAFE);

/** How padding is treated: required (`base64`), optional but exact, or forbidden (JWK members, RFC 7515 §2). */
type Padding = 'required' | 'optional' | 'forbidden';

function decode64(text: string, url: boolean, padding: Padding, what: string): Uint8Array {
  const name = url ? 'base64url' : 'base64';
  const fail = (reason: string): never => {
    throw new InvalidKeyError(`${what} is not valid ${name} (${reason})`);
  };
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  const t = url ? URL_T : STD_T;
  // Characters first: "invalid character at index 44" explains a stray newline better than "bad length".
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (t[c] ?? -1) < 0) fail(`invalid character at index ${i}`);
  }
  const pad = text.length - end;
  if (pad > 0 && padding === 'forbidden') fail('padding is not allowed');
  const rem = end % 4;
  if (rem === 1) fail('bad length');
  if (pad > 0 || padding === 'required') {
    if (text.length % 4 !== 0 || pad !== (4 - rem) % 4) fail('bad padding');
  }
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  let last = 0;
  for (let i = 0; i < end; i++) {
    const v = t[text.charCodeAt(i)]!;
    last = v;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Canonical encodings leave the unused low bits of the last character at zero.
  if ((rem === 2 && (last & 0x0f) !== 0) || (rem === 3 && (last & 0x03) !== 0)) fail('non-zero trailing bits');
  return out;
}

/** Decodes padded standard base64 (RFC 4648 §4), rejecting bad characters, bad padding and non-canonical bits. */
export function decodeBase64(text: string, what: string): Uint8Array {
  return decode64(text, false, 'required', what);
}

/** Decodes base64url (RFC 4648 §5); padding optional but exact unless `forbidPadding` (JWK members). */
export function decodeBase64Url(text: string, what: string, forbidPadding = false): Uint8Array {
  return decode64(text, true, forbidPadding ? 'forbidden' : 'optional', what);
}

/** Decodes even-length hexadecimal. */
export function decodeHex(text: string, what: string): Uint8Array {
  if (text.length % 2 !== 0) throw new InvalidKeyError(`${what} is not valid hex (odd length)`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < text.length; i += 2) {
    const hi = hexValue(text.charCodeAt(i));
    const lo = hexValue(text.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) {
      throw new InvalidKeyError(`${what} is not valid hex (invalid character at index ${hi < 0 ? i : i + 1})`);
    }
    out[i / 2] = (hi << 4) | lo;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function encode64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/** Padded standard base64, as Python's `base64.b64encode` writes it. */
export function encodeBase64(bytes: Uint8Array): string {
  return encode64(bytes, STD, true);
}

/** Unpadded base64url (RFC 7515 §2). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encode64(bytes, URLSAFE, false);
}

/** Lower-case hexadecimal. */
export function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}
