import { randomBytes } from 'node:crypto';
import { CONTENT_KEY_BYTES, isEcdhAlgorithm, isJweContentAlgorithm } from '../algorithms.js';
import { DecryptionError, SignatureError } from '../errors.js';
import type { CompactJwe, CompactJws, DecryptLimits, VerificationEngine } from '../lib/engine.js';
import { joseEngine } from '../lib/jose-engine.js';
import type { TesseraKey } from '../types.js';
import { openContent } from './content.js';
import type { ContentDecrypter } from './content-decrypter.js';
import { inflate, isEnforceableLimit } from './inflate.js';
import { DELEGATE, type KeyManager } from './key-manager.js';
import { nodeKeyOf } from './node-key.js';
import { nodeSignJws } from './node-signer.js';

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
  // Anything off the common path — `crit`, an unknown `zip`, a limit zlib cannot take, a key this engine left to jose —
  // goes to jose: rare, and its answer is the one both engines must give.
  if (prepared === null || prepared.kind === 'jws' || jwe.header.crit !== undefined || typeof enc !== 'string'
    || (zip !== undefined && (zip !== 'DEF' || !isEnforceableLimit(limits.maxInflatedSize)))) {
    return joseEngine.decryptJwe(jwe, key, limits);
  }
  return prepared.kind === 'dir'
    ? decryptDir(jwe, key, limits, prepared.decrypters.get(enc))
    : decryptWithKeyManagement(jwe, key, limits, prepared.manager, enc);
}

/** `dir`: the key is the content key (one decrypter per `enc` it fits, prepared once). */
function decryptDir(jwe: CompactJwe, key: TesseraKey, limits: DecryptLimits,
  decrypter: ContentDecrypter | undefined): Uint8Array | Promise<Uint8Array> {
  // An encrypted key where `dir` has none, an `enc` the key does not fit, an IV or tag of the wrong size: jose's call.
  if (decrypter === undefined || jwe.encryptedKeyB64 !== '' || jwe.header.alg !== 'dir') return joseEngine.decryptJwe(jwe, key, limits);
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
  return jwe.header.zip === undefined ? plaintext : inflate(plaintext, limits.maxInflatedSize, compat?.zlibDeflate === true);
}

/**
 * Every other key management: the prepared key recovers the content key (RSA-OAEP, ECDH-ES, AES key unwrap, AES-GCM
 * key unwrap), then the content is opened with it. When the content key does not come out, the content is still
 * decrypted, with a random key, before the token fails — jose's order (RFC 7516 §11.5): a failed key management and
 * a failed content tag look alike, in answer and in time.
 */
function decryptWithKeyManagement(jwe: CompactJwe, key: TesseraKey, limits: DecryptLimits, manager: KeyManager,
  enc: string): Uint8Array | Promise<Uint8Array> {
  if (!isJweContentAlgorithm(enc) || jwe.header.alg !== key.alg) return joseEngine.decryptJwe(jwe, key, limits);
  const compat = limits.compat;
  const iv = Buffer.from(jwe.ivB64, 'base64url');
  // A 16-byte GCM IV under compat.gcmIv128 is read by the jose engine's compatibility path; keep its reading.
  if (compat?.gcmIv128 === true && iv.length === 16 && enc.endsWith('GCM')) return joseEngine.decryptJwe(jwe, key, limits);
  const cekBytes = CONTENT_KEY_BYTES[enc];
  const cek = manager.contentKey(jwe, enc, cekBytes);
  if (cek === DELEGATE) return joseEngine.decryptJwe(jwe, key, limits);
  const plaintext = openContent(enc, cek ?? randomBytes(cekBytes), Buffer.from(jwe.protectedB64, 'latin1'), iv,
    Buffer.from(jwe.ciphertextB64, 'base64url'), Buffer.from(jwe.tagB64, 'base64url'));
  if (plaintext === undefined || cek === undefined) throw new DecryptionError();
  if (jwe.header.zip === undefined) return plaintext;
  // The compatibility settings apply under every key management python-jose has (all but ECDH-ES), as in jose's engine.
  return inflate(plaintext, limits.maxInflatedSize, compat?.zlibDeflate === true && !isEcdhAlgorithm(key.alg));
}

/**
 * The {@link VerificationEngine} for Node: node:crypto checks HS*, RS*, PS*, ES*, EdDSA signatures and opens JWEs under
 * every key management Tessera supports — `dir`, RSA-OAEP (SHA-1/256/384/512), ECDH-ES and ECDH-ES+A*KW (P-256,
 * P-384, P-521, X25519; Concat KDF), A*KW (AES key unwrap), A*GCMKW (AES-GCM key unwrap) — with A*GCM and
 * A*CBC-HS* content, at native speed. Whatever is off that path (an `epk` with members beyond `kty`/`crv`/`x`/`y`, a
 * non-canonical header member, `crit`, keys jose would refuse, private keys handed to a verifier, …) is passed to the
 * jose engine unchanged. Both give the same verdict and error on every token, which the differential suite checks —
 * with the compatibility settings on too (`compat.gcmIv128`, `compat.zlibDeflate`, keys imported with
 * `allowShortKey` or `allowWeakRsa`).
 *
 * Keys become `KeyObject`s (and key managers: an ECDH object holding the private scalar, the OAEP options) once — in
 * {@link VerificationEngine.prepareKey} when a verifier is built, else on first use — and are cached per
 * {@link TesseraKey} object.
 *
 * It also signs JWTs (`signJwt`, `signAndEncrypt`, `issueToken` use the default engine): HS*, ES*, EdDSA with
 * node:crypto at once, at about half of jose's CPU per ES256 token; RS*, PS* on libuv's thread pool, as WebCrypto
 * does. Deterministic algorithms give exactly jose's token, the others tokens jose verifies (the differential suite
 * checks both); keys jose would refuse are left to jose, so it refuses them with the usual error.
 *
 * The Node build of `@tessera/core` installs it as the default; `TESSERA_ENGINE=jose` (or `engine: joseEngine`)
 * forces jose.
 *
 * @throws {SignatureError} `signature_invalid` from `verifyJws` when the signature does not verify.
 * @throws {DecryptionError} `decryption_failed` from `decryptJwe` when the ciphertext does not open.
 * @throws {TokenFormatError} `token_too_large` from `decryptJwe` when a `zip: DEF` plaintext inflates past the cap.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3 (JWS algorithms)
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-4 (JWE key management)
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
  signJws: nodeSignJws,
});
