import { compactDecrypt, errors, flattenedVerify, type DecryptOptions, type VerifyOptions } from 'jose';
import { CONTENT_KEY_BYTES, JWS_ALGORITHMS, KEY_WRAP_BYTES, isJweContentAlgorithm, isKeyWrapAlgorithm } from '../algorithms.js';
import { DecryptionError, SignatureError, TesseraError, TokenFormatError } from '../errors.js';
import type { TesseraKey } from '../types.js';
import { decryptCompat } from './compat-decrypt.js';
import type { CompactJwe, CompactJws, DecryptLimits, VerificationEngine } from './engine.js';
import { verifyWeakRsa } from './verify-weak-rsa.js';

/** One frozen jose options object per JWS alg, so the hot path allocates none. */
const VERIFY_OPTIONS: Readonly<Record<string, VerifyOptions>> = Object.freeze(
  Object.fromEntries(JWS_ALGORITHMS.map((alg) => [alg, Object.freeze({ algorithms: [alg] })])),
);

const HMAC_HASH: Readonly<Record<string, string>> = Object.freeze({
  HS256: 'SHA-256',
  HS384: 'SHA-384',
  HS512: 'SHA-512',
});

/** jose's message for an inflation past `maxDecompressedLength` (its only signal: the error class is JWEInvalid). */
const INFLATE_LIMIT_MESSAGE = 'Decompressed plaintext exceeded the configured limit';
/** jose's message when a `zip: DEF` plaintext is not raw DEFLATE (after the tag was verified). */
const INFLATE_FAILED_MESSAGE = 'Failed to decompress plaintext';

/**
 * Raw secrets turned into CryptoKeys once. jose imports a `Uint8Array` HMAC or AES-GCM key on every call; WebCrypto
 * import costs about as much as an HMAC, so the engine does it once per key and hands jose the CryptoKey after.
 */
const imported = new WeakMap<TesseraKey, CryptoKey | Promise<unknown>>();
/** Marks a key whose import failed: like a pending import, it makes {@link joseKey} pass the raw bytes. */
const IMPORT_FAILED: Promise<unknown> = Promise.resolve();

function importParams(key: TesseraKey): [HmacImportParams | AesKeyAlgorithm['name'], KeyUsage] | undefined {
  const hash = HMAC_HASH[key.alg];
  if (hash !== undefined) return [{ name: 'HMAC', hash }, 'verify'];
  // A256CBC-HS512 and friends split the key in two, so jose needs the raw bytes for them.
  if (key.alg === 'dir' && key.enc !== undefined && key.enc.endsWith('GCM')) return ['AES-GCM', 'decrypt'];
  // jose checks a key-wrapping CryptoKey's name, length and usage: AES-KW unwraps, AES-GCM key wrap decrypts.
  if (isKeyWrapAlgorithm(key.alg)) return key.alg.endsWith('GCMKW') ? ['AES-GCM', 'decrypt'] : ['AES-KW', 'unwrapKey'];
  return undefined;
}

/** The size a raw key must have for its algorithm to be imported here; anything else is left to jose to refuse. */
function expectedBytes(key: TesseraKey): number | undefined {
  if (key.alg === 'dir') return key.enc === undefined ? undefined : CONTENT_KEY_BYTES[key.enc];
  return isKeyWrapAlgorithm(key.alg) ? KEY_WRAP_BYTES[key.alg] : undefined;
}

function prepareKey(key: TesseraKey): void {
  const raw = key.key;
  if (!(raw instanceof Uint8Array) || imported.has(key)) return;
  const params = importParams(key);
  if (params === undefined || raw.byteLength === 0) return;
  const size = expectedBytes(key);
  if (size !== undefined && raw.byteLength !== size) return;
  const subtle = globalThis.crypto.subtle;
  const pending = subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, params[0], false, [params[1]]).then(
    (cryptoKey) => {
      imported.set(key, cryptoKey);
    },
    // Keep handing jose the raw bytes (it then fails on them with a mapped error), and never retry the import.
    () => {
      imported.set(key, IMPORT_FAILED);
    },
  );
  imported.set(key, pending);
}

/** The key in the form jose should get: the imported CryptoKey when ready, else the key as given. */
function joseKey(key: TesseraKey): CryptoKey | Uint8Array {
  const ready = imported.get(key);
  if (ready === undefined) {
    prepareKey(key);
    return key.key;
  }
  return ready instanceof Promise ? key.key : ready;
}

/** The jose `crit` option for a header whose `crit` the policy already accepted. */
function critOption(crit: readonly string[]): Record<string, boolean> {
  const recognized: Record<string, boolean> = {};
  for (const name of crit) recognized[name] = true;
  return recognized;
}

function jwsFailure(err: unknown): TesseraError {
  if (err instanceof TesseraError) return err;
  if (err instanceof errors.JWSInvalid) {
    return new TokenFormatError('token is not a valid JWS', 'token_malformed', { cause: err });
  }
  // Signature mismatch, and anything else (a key WebCrypto refuses) — the token is not verified either way.
  return new SignatureError(undefined, { cause: err });
}

function jweFailure(err: unknown): TesseraError {
  if (err instanceof TesseraError) return err;
  if (err instanceof errors.JWEInvalid && err.message === INFLATE_LIMIT_MESSAGE) {
    return new TokenFormatError('decompressed token exceeds maxInflatedSize', 'token_too_large', { cause: err });
  }
  // Bad tag/iv/ciphertext/aad, wrong key, a bad `epk`: all mean the ciphertext does not open under this key.
  return new DecryptionError(undefined, { cause: err });
}

async function verifyJws(jws: CompactJws, key: TesseraKey): Promise<Uint8Array> {
  // jose refuses RSA keys under 2048 bits outright; a key let in by allowWeakRsa is checked with WebCrypto instead.
  if (key.verifyOnly === 'allowWeakRsa') return verifyWeakRsa(jws, key);
  const crit = jws.header.crit;
  const options =
    crit === undefined
      ? (VERIFY_OPTIONS[key.alg] ?? { algorithms: [key.alg] })
      : { algorithms: [key.alg], crit: critOption(crit) };
  try {
    const result = await flattenedVerify(
      { protected: jws.protectedB64, payload: jws.payloadB64, signature: jws.signatureB64 },
      joseKey(key),
      options,
    );
    return result.payload;
  } catch (err) {
    throw jwsFailure(err);
  }
}

async function decryptJwe(jwe: CompactJwe, key: TesseraKey, limits: DecryptLimits): Promise<Uint8Array> {
  const enc = jwe.header.enc;
  const raw = key.key;
  // A `dir` key of the wrong size can never open this token; say so before WebCrypto gets a chance to throw oddly.
  if (key.alg === 'dir' && raw instanceof Uint8Array) {
    if (!isJweContentAlgorithm(enc) || raw.byteLength !== CONTENT_KEY_BYTES[enc]) throw new DecryptionError();
  }
  const options: DecryptOptions = {
    keyManagementAlgorithms: [key.alg as NonNullable<DecryptOptions['keyManagementAlgorithms']>[number]],
    contentEncryptionAlgorithms: [enc as NonNullable<DecryptOptions['contentEncryptionAlgorithms']>[number]],
    maxDecompressedLength: limits.maxInflatedSize,
  };
  if (jwe.header.crit !== undefined) options.crit = critOption(jwe.header.crit);
  const compat = limits.compat;
  // A 16-byte GCM IV (compat.gcmIv128) is a length jose refuses before trying: open such a token with WebCrypto.
  // 22 base64url characters are exactly 16 bytes (the policy proved the segment canonical).
  if (compat?.gcmIv128 === true && enc?.endsWith('GCM') === true && jwe.ivB64.length === 22) {
    return decryptCompat(jwe, key, limits);
  }
  try {
    // compactDecrypt rather than flattenedDecrypt: same checks on the same (already canonical) segments, but jose's
    // flattened entry point snapshots its input object first, which costs about 10% of a dir decryption.
    const result = await compactDecrypt(jwe.token, joseKey(key), options);
    return result.plaintext;
  } catch (err) {
    // The tag verified but the plaintext is not raw DEFLATE: with compat.zlibDeflate it may be a zlib stream.
    if (compat?.zlibDeflate === true && err instanceof errors.JWEInvalid && err.message === INFLATE_FAILED_MESSAGE) {
      return decryptCompat(jwe, key, limits);
    }
    throw jweFailure(err);
  }
}

/**
 * The default {@link VerificationEngine}: jose on WebCrypto, so it runs in Node, browsers and fetch runtimes.
 *
 * It checks one signature or opens one ciphertext under one key, with jose pinned to that key's algorithm; every
 * policy decision has been made before it is called. jose errors never escape: a bad signature is `signature_invalid`,
 * a ciphertext that does not open is `decryption_failed`, an inflation past the cap is `token_too_large`.
 *
 * What jose will not read but a compatibility setting asks for goes through WebCrypto directly, with jose's own
 * parameters: A*GCM with a 16-byte IV (`compat.gcmIv128`) and zlib `zip: DEF` plaintexts (`compat.zlibDeflate`)
 * under every key management but ECDH-ES*, and RS*, PS* signatures by keys imported with `allowWeakRsa`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2 (JWS validation)
 * @see https://www.rfc-editor.org/rfc/rfc7516#section-5.2 (JWE decryption)
 * @example
 * ```ts
 * const verifier = createTokenVerifier({ keys: [key], engine: joseEngine })
 * ```
 */
export const joseEngine: VerificationEngine = Object.freeze({
  name: 'jose',
  prepareKey,
  verifyJws,
  decryptJwe,
});
