/**
 * Helpers for the node-engine tests: keys made with plain jose + createKey (the same shapes the key importers
 * produce: raw bytes for secrets, jose-imported CryptoKeys for public keys), tokens minted with plain jose, compact
 * tokens split into the seam's CompactJws/CompactJwe, and an engine call reduced to a comparable verdict.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { CompactEncrypt, CompactSign, base64url, generateKeyPair, type CryptoKey as JoseCryptoKey } from 'jose';
import {
  CONTENT_KEY_BYTES,
  HMAC_MIN_KEY_BYTES,
  type JweContentAlgorithm,
  type JwsAlgorithm,
} from '../src/algorithms.js';
import { TesseraError } from '../src/errors.js';
import type { CompactJwe, CompactJws, DecryptLimits, VerificationEngine } from '../src/lib/engine.js';
import { createKey } from '../src/lib/key.js';
import type { JoseHeader, TesseraKey } from '../src/types.js';

/** A verification key and what jose signs with for it. */
export interface JwsPair {
  /** The key a verifier holds: a public key, or the secret for HS*. */
  key: TesseraKey;
  /** The private key (or secret) jose signs with. */
  signKey: JoseCryptoKey | Uint8Array;
  /** The private key as a TesseraKey (type `private`), for delegation tests; the secret for HS*. */
  privateKey: TesseraKey;
}

/** A fresh key for `alg` (RSA: 2048 bits). */
export async function jwsPair(alg: JwsAlgorithm, kid = `k-${alg}`): Promise<JwsPair> {
  if (alg === 'HS256' || alg === 'HS384' || alg === 'HS512') {
    const secret = new Uint8Array(randomBytes(HMAC_MIN_KEY_BYTES[alg]));
    const key = createKey({ kid, alg, use: 'sig', type: 'secret', key: secret });
    return { key, signKey: secret, privateKey: key };
  }
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return {
    key: createKey({ kid, alg, use: 'sig', type: 'public', key: publicKey as CryptoKey }),
    signKey: privateKey,
    privateKey: createKey({ kid, alg, use: 'sig', type: 'private', key: privateKey as CryptoKey }),
  };
}

/** A `dir` key bound to `enc`, of the size `enc` needs (or `bytes` long, for size mismatches). */
export function dirKey(enc: JweContentAlgorithm, kid = `d-${enc}`, bytes = CONTENT_KEY_BYTES[enc]): TesseraKey {
  return createKey({ kid, alg: 'dir', enc, use: 'enc', type: 'secret', key: new Uint8Array(randomBytes(bytes)) });
}

/** The raw bytes of a secret TesseraKey. */
export function secretOf(key: TesseraKey): Uint8Array {
  if (!(key.key instanceof Uint8Array)) throw new Error('not a raw secret');
  return key.key;
}

const encoder = new TextEncoder();

/** Signs `payload` (JSON-encoded unless bytes) with jose. */
export function signWith(pair: JwsPair, alg: JwsAlgorithm, payload: unknown, header: Record<string, unknown> = {}): Promise<string> {
  const bytes = payload instanceof Uint8Array ? payload : encoder.encode(JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader({ ...header, alg }).sign(pair.signKey);
}

/** Encrypts `payload` to a `dir` key with jose. */
export function encryptDir(key: TesseraKey, enc: JweContentAlgorithm, payload: unknown, header: Record<string, unknown> = {}): Promise<string> {
  const bytes = payload instanceof Uint8Array ? payload : encoder.encode(JSON.stringify(payload));
  return new CompactEncrypt(bytes).setProtectedHeader({ ...header, alg: 'dir', enc }).encrypt(secretOf(key));
}

/**
 * A `dir` + A*GCM token whose plaintext is exactly `plaintext` (jose would deflate it itself when `zip` is set, so a
 * broken DEFLATE stream under a valid tag has to be sealed here).
 */
export function sealGcm(key: TesseraKey, enc: 'A128GCM' | 'A192GCM' | 'A256GCM', plaintext: Uint8Array, header: Record<string, unknown> = {}): string {
  const protectedB64 = base64url.encode(JSON.stringify({ alg: 'dir', enc, ...header }));
  const iv = randomBytes(12);
  const cipher = createCipheriv(`aes-${CONTENT_KEY_BYTES[enc] * 8}-gcm` as 'aes-256-gcm', secretOf(key), iv);
  cipher.setAAD(Buffer.from(protectedB64, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [protectedB64, '', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Raw DEFLATE of `text`. */
export function deflate(text: string): Uint8Array {
  return new Uint8Array(deflateRawSync(Buffer.from(text)));
}

function headerOf(segment: string): JoseHeader {
  return JSON.parse(new TextDecoder().decode(base64url.decode(segment))) as JoseHeader;
}

/** A compact JWS as the policy hands it to an engine. */
export function splitJws(token: string): CompactJws {
  const [protectedB64 = '', payloadB64 = '', signatureB64 = ''] = token.split('.');
  return { token, header: headerOf(protectedB64), protectedB64, payloadB64, signatureB64 };
}

/** A compact JWE as the policy hands it to an engine. */
export function splitJwe(token: string): CompactJwe {
  const [protectedB64 = '', encryptedKeyB64 = '', ivB64 = '', ciphertextB64 = '', tagB64 = ''] = token.split('.');
  return { token, header: headerOf(protectedB64), protectedB64, encryptedKeyB64, ivB64, ciphertextB64, tagB64 };
}

/** Replaces segment `index` of a compact token. */
export function withSegment(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

/** Flips one bit of the bytes a base64url segment encodes and re-encodes them canonically. */
export function flipBit(segment: string, bit: number): string {
  const bytes = base64url.decode(segment);
  const byte = bit >> 3;
  bytes[byte] = (bytes[byte] ?? 0) ^ (1 << (bit & 7));
  return base64url.encode(bytes);
}

/** What an engine call came to: the bytes it returned, or the error code and message it threw. */
export type Verdict =
  | { ok: true; bytes: Uint8Array; plain: boolean }
  | { ok: false; code: string; message: string; name: string };

/**
 * Runs one engine operation (which may answer at once or with a promise) and reduces the outcome to a
 * {@link Verdict}; non-Tessera errors are rethrown.
 */
export async function verdictOf(run: () => Uint8Array | Promise<Uint8Array>): Promise<Verdict> {
  try {
    const bytes = await run();
    return { ok: true, bytes: new Uint8Array(bytes), plain: Object.getPrototypeOf(bytes) === Uint8Array.prototype };
  } catch (err) {
    if (!(err instanceof TesseraError)) throw err;
    return { ok: false, code: err.code, message: err.message, name: err.name };
  }
}

/** The verdict of `engine` on a JWS. */
export function jwsVerdict(engine: VerificationEngine, token: string, key: TesseraKey): Promise<Verdict> {
  return verdictOf(() => engine.verifyJws(splitJws(token), key));
}

/** The verdict of `engine` on a JWE. */
export function jweVerdict(engine: VerificationEngine, token: string, key: TesseraKey, limits: DecryptLimits = { maxInflatedSize: 250_000 }): Promise<Verdict> {
  return verdictOf(() => engine.decryptJwe(splitJwe(token), key, limits));
}
