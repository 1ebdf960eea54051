import { DecryptionError, SignatureError } from '../errors.js';
import type { CompactJwe, CompactJws, DecryptLimits, VerificationEngine } from '../lib/engine.js';
import { joseEngine } from '../lib/jose-engine.js';
import type { TesseraKey } from '../types.js';
import { inflate, isEnforceableLimit } from './inflate.js';
import { nodeKeyOf } from './node-key.js';

/**
 * The payload bytes, decoded by `Buffer.from` and returned as a plain `Uint8Array` view (the type jose returns). For
 * a short segment the memory is a slice of Node's shared pool, whose `.buffer` holds other data: that is what the
 * engine contract allows (the bytes are lent, see {@link VerificationEngine}), and about 300 ns cheaper per token
 * than decoding into memory of their own.
 */
function decodePayload(segment: string): Uint8Array {
  const bytes = Buffer.from(segment, 'base64url');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function prepareKey(key: TesseraKey): void {
  if (nodeKeyOf(key) === null) joseEngine.prepareKey?.(key);
}

/*
 * Both operations answer synchronously on their node:crypto path (bytes, or a thrown Tessera error) and return the
 * jose engine's promise only when they hand a token over: the policy then verifies a token with no promise hop.
 */

function verifyJws(jws: CompactJws, key: TesseraKey): Uint8Array | Promise<Uint8Array> {
  const prepared = nodeKeyOf(key);
  // `crit` (and with it `b64: false`, RFC 7797) changes what is signed; those rare tokens keep jose's reading.
  if (prepared?.kind !== 'jws' || prepared.alg !== jws.header.alg || jws.header.crit !== undefined) {
    return joseEngine.verifyJws(jws, key);
  }
  // The JWS signing input (RFC 7515 §5.2) is the token's own prefix: no string or Buffer is built for it.
  const signingInput = jws.token.slice(0, jws.protectedB64.length + 1 + jws.payloadB64.length);
  let valid: boolean;
  try {
    valid = prepared.check(signingInput, jws.signatureB64);
  } catch (cause) {
    // OpenSSL refusing a signature outright (e.g. longer than the modulus) is a failed verification, as in jose.
    throw new SignatureError(undefined, { cause });
  }
  if (!valid) throw new SignatureError();
  return decodePayload(jws.payloadB64);
}

function decryptJwe(jwe: CompactJwe, key: TesseraKey, limits: DecryptLimits): Uint8Array | Promise<Uint8Array> {
  const prepared = nodeKeyOf(key);
  const { enc, zip } = jwe.header;
  const decrypter = prepared?.kind === 'dir' && jwe.header.alg === 'dir' && typeof enc === 'string'
    ? prepared.decrypters.get(enc)
    : undefined;
  // Anything off the common path — an encrypted key where `dir` has none, an IV or tag of the wrong size, `crit`, an
  // unknown `zip`, a limit zlib cannot take — goes to jose: rare, and its answer is the one both engines must give.
  if (decrypter === undefined || jwe.encryptedKeyB64 !== '' || jwe.header.crit !== undefined
    || (zip !== undefined && (zip !== 'DEF' || !isEnforceableLimit(limits.maxInflatedSize)))) {
    return joseEngine.decryptJwe(jwe, key, limits);
  }
  const iv = Buffer.from(jwe.ivB64, 'base64url');
  const tag = Buffer.from(jwe.tagB64, 'base64url');
  const compat = limits.compat;
  // compat.gcmIv128: GCM (the 12-byte-IV decrypters) also takes exactly 16 bytes, as OpenSSL and WebCrypto both can.
  const ivFits = iv.length === decrypter.ivBytes
    || (iv.length === 16 && decrypter.ivBytes === 12 && compat?.gcmIv128 === true);
  if (!ivFits || tag.length === 0 || (decrypter.tagBytes !== undefined && tag.length !== decrypter.tagBytes)) {
    return joseEngine.decryptJwe(jwe, key, limits);
  }
  const plaintext = decrypter.open(
    Buffer.from(jwe.protectedB64, 'latin1'),
    iv,
    Buffer.from(jwe.ciphertextB64, 'base64url'),
    tag,
  );
  if (plaintext === undefined) throw new DecryptionError();
  return zip === undefined ? plaintext : inflate(plaintext, limits.maxInflatedSize, compat?.zlibDeflate === true);
}

/**
 * The {@link VerificationEngine} for Node: node:crypto checks HS*, RS*, PS*, ES*, EdDSA signatures and opens `dir`
 * JWEs (A*GCM, A*CBC-HS*) at native speed; every other key or algorithm (key agreement, key wrapping, private keys
 * handed to a verifier, …) is passed to the jose engine unchanged. Both give the same verdict and error code on every
 * token, which the differential suite checks — with the compatibility settings on too (`compat.gcmIv128`,
 * `compat.zlibDeflate`, keys imported with `allowShortKey` or `allowWeakRsa`).
 *
 * Keys become `KeyObject`s once — in {@link VerificationEngine.prepareKey} when a verifier is built, else on first
 * use — and are cached per {@link TesseraKey} object.
 *
 * The Node build of `@tessera/core` installs it as the default; `TESSERA_ENGINE=jose` (or `engine: joseEngine`)
 * forces jose.
 *
 * @throws {SignatureError} `signature_invalid` from `verifyJws` when the signature does not verify.
 * @throws {DecryptionError} `decryption_failed` from `decryptJwe` when the ciphertext does not open.
 * @throws {TokenFormatError} `token_too_large` from `decryptJwe` when a `zip: DEF` plaintext inflates past the cap.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3 (JWS algorithms)
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-5 (JWE content encryption)
 * @example
 * ```ts
 * import { nodeEngine } from '@tessera/core/node'
 * const verifier = createTokenVerifier({ keys: [key], engine: nodeEngine })
 * ```
 */
export const nodeEngine: VerificationEngine = Object.freeze({
  name: 'node',
  prepareKey,
  verifyJws,
  decryptJwe,
});
