/**
 * The one place verify tests make keys and mint tokens. Keys are plain jose keys wrapped with createKey (a stand-in
 * until the key importers land); tokens are minted with jose's SignJWT / CompactEncrypt, or, for tokens jose would
 * refuse to produce (duplicate members, a BOM, odd `crit`), by signing exact header and payload text with WebCrypto.
 */
import {
  CompactEncrypt,
  SignJWT,
  base64url,
  generateKeyPair,
  type CompactJWEHeaderParameters,
  type JWTHeaderParameters,
} from 'jose';
import { expect } from 'vitest';
import type { JweContentAlgorithm, JweKeyAlgorithm, JwsAlgorithm } from '../src/algorithms.js';
import { TesseraError, type TesseraErrorCode } from '../src/errors.js';
import { createKey } from '../src/lib/key.js';

/** The fixed clock of every verify test: 2023-11-14T22:13:20Z. */
export const NOW_MS = 1_700_000_000_000;
/** {@link NOW_MS} as a NumericDate. */
export const NOW = NOW_MS / 1000;
/** The `currentDate` option every verify test passes. */
export const currentDate = (): Date => new Date(NOW_MS);

/** Claims valid at {@link NOW} for an hour. */
export function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'user-1', iat: NOW, exp: NOW + 3600, ...extra };
}

const HMAC_HASH = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' } as const;
const HMAC_BYTES = { HS256: 32, HS384: 48, HS512: 64 } as const;
const DIR_BYTES: Record<JweContentAlgorithm, number> = {
  A128GCM: 16, A192GCM: 24, A256GCM: 32, 'A128CBC-HS256': 32, 'A192CBC-HS384': 48, 'A256CBC-HS512': 64,
};

export type HmacAlgorithm = keyof typeof HMAC_HASH;
export type AsymmetricJwsAlgorithm = Exclude<JwsAlgorithm, HmacAlgorithm>;

function random(bytes: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(bytes));
}

/** An HMAC secret as a verification key, and the raw secret to sign with. */
export function hmacKey(alg: HmacAlgorithm = 'HS256', kid?: string, secret = random(HMAC_BYTES[alg])) {
  return { key: createKey({ kid, alg, use: 'sig', type: 'secret', key: secret }), secret };
}

/** A fresh key pair: the public half as a verification key, the private CryptoKey to sign with. */
export async function signingPair(alg: AsymmetricJwsAlgorithm, kid?: string) {
  const pair = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true });
  const publicKey = pair.publicKey as CryptoKey;
  return {
    key: createKey({ kid, alg, use: 'sig', type: 'public', key: publicKey }),
    privateKey: pair.privateKey as CryptoKey,
    publicKey,
  };
}

/** A `dir` key for `enc` (the right size unless `bytes` says otherwise), and its raw bytes to encrypt with. */
export function dirKey(enc: JweContentAlgorithm, kid?: string, bytes = DIR_BYTES[enc]) {
  const secret = random(bytes);
  return { key: createKey({ kid, alg: 'dir', enc, use: 'enc', type: 'secret', key: secret }), secret };
}

/** A fresh RSA-OAEP-256 / ECDH-ES* key pair: the private half as a decryption key, the public CryptoKey to encrypt. */
export async function encryptionPair(alg: Exclude<JweKeyAlgorithm, 'dir'>, kid?: string) {
  const pair = await generateKeyPair(alg, alg === 'RSA-OAEP-256' ? {} : { crv: 'P-256' });
  return {
    key: createKey({ kid, alg, use: 'enc', type: 'private', key: pair.privateKey as CryptoKey }),
    publicKey: pair.publicKey as CryptoKey,
  };
}

/** Signs `payload` as a JWT with jose's SignJWT under exactly `header`. */
export function signJws(payload: Record<string, unknown>, key: CryptoKey | Uint8Array, header: JWTHeaderParameters) {
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

/** Encrypts `plaintext` (a string, or an object sent as JSON) with jose's CompactEncrypt under exactly `header`. */
export function encryptJwe(
  plaintext: string | Record<string, unknown>,
  key: CryptoKey | Uint8Array,
  header: CompactJWEHeaderParameters,
  crit?: Record<string, boolean>,
) {
  const text = typeof plaintext === 'string' ? plaintext : JSON.stringify(plaintext);
  return new CompactEncrypt(new TextEncoder().encode(text))
    .setProtectedHeader(header)
    .encrypt(key, crit === undefined ? undefined : { crit });
}

/** base64url of a string's UTF-8 bytes, or of raw bytes. */
export function b64(value: string | Uint8Array): string {
  return base64url.encode(value);
}

/** HMAC over exactly `signingInput` (the ASCII of `header.payload` as it will be sent), base64url-encoded. */
export async function hmacOver(signingInput: string, secret: Uint8Array, alg: HmacAlgorithm = 'HS256'): Promise<string> {
  const key = await globalThis.crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: HMAC_HASH[alg] }, false, ['sign']);
  return b64(new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, new TextEncoder().encode(signingInput))));
}

/** Signs exact header and payload text (JSON or not) with HMAC, for tokens no library would produce. */
export async function hmacToken(header: string | Uint8Array, payload: string | Uint8Array, secret: Uint8Array, alg: HmacAlgorithm = 'HS256') {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${await hmacOver(input, secret, alg)}`;
}

/** Replaces segment `index` of a compact token. */
export function withSegment(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

/** Flips one bit in the middle of segment `index` (keeping canonical base64url). */
export function tamper(token: string, index: number): string {
  const parts = token.split('.');
  const bytes = base64url.decode(parts[index] as string);
  const at = bytes.length >> 1;
  bytes[at] = (bytes[at] as number) ^ 0x01;
  parts[index] = b64(bytes);
  return parts.join('.');
}

/** Awaits a rejection and checks it is a TesseraError with `code` and a message matching `message`. */
export async function expectRejection(
  promise: Promise<unknown>,
  code: TesseraErrorCode,
  message: string | RegExp,
): Promise<TesseraError> {
  const err: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(err, `expected a rejection with code ${code}`).toBeInstanceOf(TesseraError);
  const error = err as TesseraError;
  expect({ code: error.code, message: error.message }).toEqual({
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
  return error;
}
