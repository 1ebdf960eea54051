/**
 * Test helpers for the issue tests: TesseraKeys made with plain jose + createKey (a stand-in until the key importers
 * land), and plain-jose checks of what we issue.
 */
import {
  base64url,
  compactDecrypt,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type CryptoKey as JoseCryptoKey,
  type JWTVerifyResult,
} from 'jose';
import { expect } from 'vitest';
import {
  CONTENT_KEY_BYTES,
  HMAC_MIN_KEY_BYTES,
  KEY_WRAP_BYTES,
  type EcdhAlgorithm,
  type JweContentAlgorithm,
  type JwsAlgorithm,
  type KeyWrapAlgorithm,
  type RsaOaepAlgorithm,
} from '../src/algorithms.js';
import { createKey } from '../src/lib/key.js';
import type { JoseHeader, TesseraKey } from '../src/types.js';

/** The fixed clock every issue test uses: 2023-11-14T22:13:20Z. */
export const NOW_MS = 1_700_000_000_000;
/** {@link NOW_MS} as a NumericDate. */
export const NOW = NOW_MS / 1000;
/** A clock option returning {@link NOW_MS}. */
export const now = (): number => NOW_MS;

/** A signing key and what plain jose verifies with. */
export interface SigningPair {
  key: TesseraKey;
  verifyKey: CryptoKey | Uint8Array;
}

/** A TesseraKey for signing with `alg`: a random secret of the minimum size for HS*, else a fresh private key. */
export async function signingKey(alg: JwsAlgorithm, kid?: string): Promise<SigningPair> {
  if (alg === 'HS256' || alg === 'HS384' || alg === 'HS512') {
    const secret = globalThis.crypto.getRandomValues(new Uint8Array(HMAC_MIN_KEY_BYTES[alg]));
    return { key: createKey({ kid, alg, use: 'sig', type: 'secret', key: secret }), verifyKey: secret };
  }
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk = { ...(await exportJWK(publicKey)), alg, use: 'sig', ...(kid === undefined ? {} : { kid }) };
  return {
    key: createKey({ kid, alg, use: 'sig', type: 'private', key: privateKey as CryptoKey, publicJwk }),
    verifyKey: publicKey as CryptoKey,
  };
}

/** The public-key side of {@link signingKey} as a TesseraKey (type `public`), for wrong-type tests. */
export function publicSigningKey(pair: SigningPair, alg: JwsAlgorithm): TesseraKey {
  return createKey({ kid: pair.key.kid, alg, use: 'sig', type: 'public', key: pair.verifyKey });
}

/** An asymmetric encryption key pair as TesseraKeys, and what plain jose decrypts with. */
export interface EncryptionPair {
  publicKey: TesseraKey;
  privateKey: TesseraKey;
  decryptKey: CryptoKey;
}

/** The curves ECDH-ES keys are made on. */
export type EcdhCurve = 'P-256' | 'P-384' | 'P-521' | 'X25519';

/** A fresh key pair for `alg` (RSA-OAEP*: 2048-bit; ECDH-ES*: `crv`, default P-256). */
export async function encryptionKey(alg: RsaOaepAlgorithm | EcdhAlgorithm, kid?: string,
  crv: EcdhCurve = 'P-256'): Promise<EncryptionPair> {
  const pair = await generateKeyPair(alg, alg.startsWith('RSA') ? {} : { crv });
  const publicJwk = { ...(await exportJWK(pair.publicKey)), alg, use: 'enc', ...(kid === undefined ? {} : { kid }) };
  const publicKey = pair.publicKey as CryptoKey;
  const privateKey = pair.privateKey as CryptoKey;
  return {
    publicKey: createKey({ kid, alg, use: 'enc', type: 'public', key: publicKey, publicJwk }),
    privateKey: createKey({ kid, alg, use: 'enc', type: 'private', key: privateKey, publicJwk }),
    decryptKey: privateKey,
  };
}

/** A random `dir` secret sized for `enc` (or `bytes` long, to test size checks). */
export function dirKey(enc: JweContentAlgorithm, kid?: string, bytes = CONTENT_KEY_BYTES[enc]): TesseraKey {
  const secret = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return createKey({ kid, alg: 'dir', enc, use: 'enc', type: 'secret', key: secret });
}

/** A random key-wrapping secret for `alg` (or `bytes` long, to test size checks). */
export function keyWrapKey(alg: KeyWrapAlgorithm, kid?: string, bytes = KEY_WRAP_BYTES[alg]): TesseraKey {
  const secret = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return createKey({ kid, alg, use: 'enc', type: 'secret', key: secret });
}

/** A key bound to `alg` with an arbitrary use/type, for mismatch tests. */
export function oddKey(fields: Parameters<typeof createKey>[0]): TesseraKey {
  return createKey(fields);
}

/** Every segment is canonical unpadded base64url (re-encoding its bytes gives it back). */
export function expectCanonicalSegments(token: string, count: 3 | 5): void {
  const segments = token.split('.');
  expect(segments).toHaveLength(count);
  for (const segment of segments) {
    expect(segment).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(base64url.encode(base64url.decode(segment))).toBe(segment);
  }
}

/** The decoded protected header of a compact token, as exactly the JSON written. */
export function headerOf(token: string): JoseHeader {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[0] ?? ''))) as JoseHeader;
}

/** The raw payload JSON of a compact JWS. */
export function payloadJsonOf(jws: string): string {
  return new TextDecoder().decode(base64url.decode(jws.split('.')[1] ?? ''));
}

/** Verifies a JWS with plain jose at the fixed clock, allowing only `alg`. */
export function verifyJws(token: string, verifyKey: CryptoKey | Uint8Array, alg: string,
  typ?: string): Promise<JWTVerifyResult> {
  return jwtVerify(token, verifyKey as JoseCryptoKey | Uint8Array, {
    algorithms: [alg],
    currentDate: new Date(NOW_MS),
    ...(typ === undefined ? {} : { typ }),
  });
}

/** Decrypts a JWE with plain jose; returns the plaintext as text and the protected header. */
export async function decryptJwe(token: string, key: CryptoKey | Uint8Array)
  : Promise<{ text: string; header: JoseHeader }> {
  const { plaintext, protectedHeader } = await compactDecrypt(token, key as JoseCryptoKey | Uint8Array);
  return { text: new TextDecoder().decode(plaintext), header: protectedHeader as JoseHeader };
}

/** The raw secret bytes of a `dir`/HS* TesseraKey made by these helpers. */
export function secretOf(key: TesseraKey): Uint8Array {
  if (!(key.key instanceof Uint8Array)) throw new Error('not a raw secret');
  return key.key;
}
