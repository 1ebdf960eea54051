import { base64url } from 'jose';
import {
  CONTENT_KEY_BYTES,
  isJweContentAlgorithm,
  isKeyWrapAlgorithm,
  isRsaOaepAlgorithm,
  type JweContentAlgorithm,
} from '../algorithms.js';
import { DecryptionError, TesseraError } from '../errors.js';
import type { TesseraKey } from '../types.js';
import { decodeSegment } from './base64url.js';
import type { CompactJwe, DecryptLimits } from './engine.js';
import { inflateWeb } from './inflate.js';

// The jose engine's path for the tokens jose itself will not open but a compatibility setting asks Tessera to read:
// an A*GCM IV of 16 bytes (`compat.gcmIv128`), a zlib-wrapped `zip: DEF` plaintext (`compat.zlibDeflate`). It does
// with WebCrypto exactly what jose does — key management, content decryption with the protected header as AAD,
// inflation under the cap — for every key management the departing peer (python-jose 3.3: dir, RSA-OAEP*, A*KW)
// could use, and A*GCMKW with them: all but ECDH-ES*, which python-jose does not have. The node engine reads the same
// tokens with node:crypto and must give the same verdicts.

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

const encoder = new TextEncoder();

/** WebCrypto's types want an ArrayBuffer-backed view; every view here is one (decoded or freshly made). */
const view = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes as Uint8Array<ArrayBuffer>;

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A header member jose decodes (`iv`, `tag` of A*GCMKW), read as jose reads it: a string, its lenient base64url. */
function headerBytes(jwe: CompactJwe, name: 'iv' | 'tag'): Uint8Array<ArrayBuffer> {
  const value = jwe.header[name];
  if (typeof value !== 'string') throw new DecryptionError();
  return view(base64url.decode(value));
}

/** The encrypted key unwrapped under a key-wrapping secret: AES-KW (RFC 3394) or AES-GCM with the header's iv/tag. */
async function unwrap(jwe: CompactJwe, key: TesseraKey, wrapped: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const secret = key.key;
  if (!(secret instanceof Uint8Array)) throw new DecryptionError();
  if (key.alg.endsWith('GCMKW')) {
    const iv = headerBytes(jwe, 'iv');
    const tag = headerBytes(jwe, 'tag');
    if (iv.length !== 12 || tag.length !== 16) throw new DecryptionError();
    const aes = await subtle().importKey('raw', view(secret), 'AES-GCM', false, ['decrypt']);
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, tagLength: 128 }, aes, concat(wrapped, tag)));
  }
  // WebCrypto unwraps AES-KW only into a key: an extractable HMAC key holds any CEK length, as jose does it.
  const kek = await subtle().importKey('raw', view(secret), 'AES-KW', false, ['unwrapKey']);
  const cek = await subtle().unwrapKey('raw', wrapped, kek, 'AES-KW', { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
  return new Uint8Array(await subtle().exportKey('raw', cek));
}

/** The content-encryption key: the `dir` secret itself, or the CEK the key management recovers. */
async function contentKey(jwe: CompactJwe, key: TesseraKey, enc: JweContentAlgorithm): Promise<Uint8Array> {
  const size = CONTENT_KEY_BYTES[enc];
  if (key.alg === 'dir') {
    const secret = key.key;
    // dir carries no encrypted key (RFC 7516 §5.2 step 10), and its secret is the CEK of exactly this size.
    if (jwe.encryptedKeyB64 !== '' || !(secret instanceof Uint8Array) || secret.length !== size) {
      throw new DecryptionError();
    }
    return secret;
  }
  let cek: Uint8Array;
  if (isRsaOaepAlgorithm(key.alg) && key.type === 'private' && !(key.key instanceof Uint8Array)) {
    // The CryptoKey carries the OAEP hash its alg names (SHA-1/256/384/512).
    cek = new Uint8Array(await subtle().decrypt({ name: 'RSA-OAEP' }, key.key, view(decodeSegment(jwe.encryptedKeyB64))));
  } else if (isKeyWrapAlgorithm(key.alg)) {
    cek = await unwrap(jwe, key, view(decodeSegment(jwe.encryptedKeyB64)));
  } else {
    // ECDH-ES*: no peer that needs a compatibility setting uses it, and jose has answered already.
    throw new DecryptionError();
  }
  if (cek.length !== size) throw new DecryptionError();
  return cek;
}

async function openGcm(cek: Uint8Array, aad: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array,
  iv128: boolean): Promise<Uint8Array> {
  if (tag.length !== 16 || (iv.length !== 12 && !(iv128 && iv.length === 16))) throw new DecryptionError();
  const aes = await subtle().importKey('raw', view(cek), 'AES-GCM', false, ['decrypt']);
  const params: AesGcmParams = { name: 'AES-GCM', iv: view(iv), additionalData: view(aad), tagLength: 128 };
  return new Uint8Array(await subtle().decrypt(params, aes, concat(ciphertext, tag)));
}

/** RFC 7518 §5.2.2.2: MAC of AAD ‖ IV ‖ ciphertext ‖ AL with the key's first half; AES-CBC with the second. */
async function openCbcHmac(cek: Uint8Array, aad: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array,
  tag: Uint8Array): Promise<Uint8Array> {
  const half = cek.length / 2;
  if (iv.length !== 16 || tag.length !== half) throw new DecryptionError();
  const hash = `SHA-${half * 16}`;
  const macKey = await subtle().importKey('raw', cek.slice(0, half), { name: 'HMAC', hash }, false, ['sign']);
  const al = new Uint8Array(8);
  const bits = aad.length * 8;
  new DataView(al.buffer).setUint32(0, Math.floor(bits / 0x1_0000_0000));
  new DataView(al.buffer).setUint32(4, bits >>> 0);
  const mac = new Uint8Array(await subtle().sign('HMAC', macKey, concat(aad, iv, ciphertext, al)));
  // Constant time: the whole tag is compared before anything is deciphered (no padding oracle).
  let diff = 0;
  for (let i = 0; i < half; i++) diff |= (mac[i] as number) ^ (tag[i] as number);
  if (diff !== 0) throw new DecryptionError();
  const aes = await subtle().importKey('raw', cek.slice(half), 'AES-CBC', false, ['decrypt']);
  return new Uint8Array(await subtle().decrypt({ name: 'AES-CBC', iv: view(iv) }, aes, view(ciphertext)));
}

/**
 * Decrypts a compact JWE under `dir`, RSA-OAEP*, A*KW or A*GCMKW with WebCrypto, applying the compatibility settings in
 * `limits.compat`: a 16-byte A*GCM IV with `gcmIv128`, a zlib `zip: DEF` plaintext with `zlibDeflate`. Everything
 * else is held to the RFCs (12-byte GCM IV, 16-byte CBC IV, full-length tags, raw DEFLATE first).
 *
 * @param jwe - The token, its header already checked by the policy (`crit` understood, `zip` allowed).
 * @param key - The decryption key, bound to `jwe.header.alg`.
 * @param limits - The inflation cap and the compatibility settings.
 * @returns The plaintext, inflated when the header says `zip: "DEF"`.
 * @throws {DecryptionError} `decryption_failed` when the token does not open under `key` (any reason).
 * @throws {TokenFormatError} `token_too_large` when the plaintext inflates past `maxInflatedSize`.
 * @see https://www.rfc-editor.org/rfc/rfc7516#section-5.2 (JWE decryption)
 */
export async function decryptCompat(jwe: CompactJwe, key: TesseraKey, limits: DecryptLimits): Promise<Uint8Array> {
  const { enc, zip } = jwe.header;
  const compat = limits.compat;
  let plaintext: Uint8Array;
  try {
    if (!isJweContentAlgorithm(enc) || (zip !== undefined && zip !== 'DEF')) throw new DecryptionError();
    const cek = await contentKey(jwe, key, enc);
    const aad = encoder.encode(jwe.protectedB64);
    const iv = decodeSegment(jwe.ivB64);
    const ciphertext = decodeSegment(jwe.ciphertextB64);
    const tag = decodeSegment(jwe.tagB64);
    plaintext = enc.endsWith('GCM')
      ? await openGcm(cek, aad, iv, ciphertext, tag, compat?.gcmIv128 === true)
      : await openCbcHmac(cek, aad, iv, ciphertext, tag);
  } catch (cause) {
    throw cause instanceof TesseraError ? cause : new DecryptionError(undefined, { cause });
  }
  return zip === undefined ? plaintext : inflateWeb(plaintext, limits.maxInflatedSize, compat?.zlibDeflate === true);
}
