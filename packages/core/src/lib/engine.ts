import type { JwsAlgorithm } from '../algorithms.js';
import type { JoseHeader, TesseraKey } from '../types.js';

/**
 * A compact JWS split into its parts, with the protected header already decoded and checked by the policy.
 * The engine may trust `header` (the policy validated it); it must not re-read policy from it.
 */
export interface CompactJws {
  /** The whole compact token: `protectedB64`, `.`, `payloadB64`, `.`, `signatureB64`. */
  readonly token: string;
  /** The decoded protected header. */
  readonly header: JoseHeader;
  /** The first segment, as received (base64url, canonical). */
  readonly protectedB64: string;
  /** The second segment, as received. */
  readonly payloadB64: string;
  /** The third segment, as received. */
  readonly signatureB64: string;
}

/** A compact JWE split into its five parts, with the protected header decoded and checked by the policy. */
export interface CompactJwe {
  readonly token: string;
  readonly header: JoseHeader;
  readonly protectedB64: string;
  readonly encryptedKeyB64: string;
  readonly ivB64: string;
  readonly ciphertextB64: string;
  readonly tagB64: string;
}

/**
 * The compatibility settings an engine applies while opening a ciphertext (the verify option `compat`, resolved by the
 * policy). Both default to off; with them off an engine reads exactly what RFC 7516/7518 allow.
 */
export interface DecryptCompat {
  /** Accept a 16-byte IV with A*GCM (python-jose 3.3) instead of the 12 bytes RFC 7518 §5.3 requires. */
  readonly gcmIv128: boolean;
  /** Inflate a `zip: DEF` plaintext that is a zlib stream (python-jose 3.3) when raw DEFLATE fails. */
  readonly zlibDeflate: boolean;
}

/** Limits and settings the policy hands to an engine for one decryption. */
export interface DecryptLimits {
  /** Maximum size in bytes of a `zip: DEF` plaintext after inflation. */
  readonly maxInflatedSize: number;
  /** Compatibility settings for peers that depart from the RFCs. @default undefined (all off) */
  readonly compat?: DecryptCompat;
}

/**
 * The protected header of a JWS Tessera signs: `alg`, then the members it writes, in this order. An engine that signs
 * serializes it with `JSON.stringify`, exactly as jose does, so both write the same header bytes.
 */
export interface JwsSigningHeader {
  readonly alg: JwsAlgorithm;
  readonly typ?: string;
  readonly cty?: string;
  readonly kid?: string;
}

/**
 * The cryptographic seam: the only place a signature is checked or a ciphertext opened (and, where the engine offers
 * it, a JWS signed). Everything else — size caps, header parsing, allowlists, `crit`, key selection, claims — is
 * policy code shared by every engine.
 *
 * An engine answers exactly one question per call: "is this signature/ciphertext good under this key, and what are
 * the payload bytes?". It throws {@link SignatureError} / {@link DecryptionError} (or `token_too_large` for an
 * inflation past the cap) and nothing else for a bad token.
 *
 * Each method may answer synchronously (return the bytes or throw) or asynchronously (a promise that resolves to the
 * bytes or rejects): WebCrypto only answers asynchronously, while node:crypto can answer at once, and every promise
 * hop saved is measurable on the hot path. The policy handles both.
 *
 * The bytes are lent to the policy, not handed over: they may be a view into memory the engine shares with other
 * data (Node's `Buffer` pool, whose `.buffer` holds other tokens' bytes), so their `.buffer` must never reach a
 * caller. The claims verifier parses them at once and keeps only the parsed claims; the entry points that return
 * payload bytes to callers (`createJwsVerifier`, `createJweDecrypter`) return a copy of their own. The bytes
 * themselves must stay unchanged once returned (an engine must not reuse that memory for a later call).
 */
export interface VerificationEngine {
  /** A short name for logs and benchmarks (`jose`, `node`). */
  readonly name: string;
  /**
   * Called once per key when a verifier is built, so an engine can convert the key to its own form up front (the
   * Node engine makes a `KeyObject`). Optional.
   */
  prepareKey?(key: TesseraKey): void;
  /**
   * Verifies `jws` under `key` (whose `alg` equals `jws.header.alg`) and returns the payload bytes (lent, see
   * above), at once or as a promise.
   */
  verifyJws(jws: CompactJws, key: TesseraKey): Uint8Array | Promise<Uint8Array>;
  /**
   * Decrypts `jwe` under `key` (whose `alg` equals `jwe.header.alg`) and returns the plaintext, inflated if `zip`
   * (lent, see above), at once or as a promise.
   */
  decryptJwe(jwe: CompactJwe, key: TesseraKey, limits: DecryptLimits): Uint8Array | Promise<Uint8Array>;
  /**
   * Signs `payload` under `key` (a secret or private key whose `alg` is `header.alg`, already checked by the caller)
   * and returns the compact JWS, its protected header `JSON.stringify(header)` — or `undefined` to leave the signature
   * to jose (a key this engine does not take). Optional: an engine without it leaves every signature to jose.
   * Deterministic algorithms (HS*, RS*, EdDSA) must give exactly jose's token; the others one that jose verifies.
   */
  signJws?(header: JwsSigningHeader, payload: Uint8Array, key: TesseraKey): string | Promise<string> | undefined;
}
