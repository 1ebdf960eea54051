/**
 * Keys for one interop run, generated fresh by Tessera and handed to the peers in the forms their users hold them:
 * PEM (python-jose, PyJWT, the jwt_encrypt module), JWK (jwcrypto, go-jose), standard base64 (the JWE service's
 * key generator output) and a plain text secret (the jwt_encrypt module's `tokens_secret_key`).
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  type Jwk,
  type JweContentAlgorithm,
  type JwsAlgorithm,
  type KeyWrapAlgorithm,
  type TesseraKey,
  generateKeyPair,
  generateSecret,
  importSecret,
} from '@tessera/core';

/** Key material as a peer receives it in a job (any subset of the forms). */
export interface PeerKey {
  pem?: string;
  jwk?: Jwk;
  /** Standard, padded base64 of the secret bytes (what the JWE service's key generator prints). */
  b64?: string;
  /** A secret used as the UTF-8 bytes of a string (what python-jose and PyJWT do with a `str` key). */
  text?: string;
}

/** A signing key: Tessera's halves and the peers' forms of each. */
export interface SigFixture {
  readonly alg: JwsAlgorithm;
  readonly kid: string | undefined;
  readonly signer: TesseraKey;
  readonly verifier: TesseraKey;
  /** What a peer signs with (private PEM + JWK, or the secret). */
  readonly priv: PeerKey;
  /** What a peer verifies with (public PEM + JWK, or the secret). */
  readonly pub: PeerKey;
}

/** An encryption key: Tessera's halves and the peers' forms of each. */
export interface EncFixture {
  readonly alg: EncKeyAlgorithm | KeyWrapAlgorithm | 'dir';
  readonly kid: string | undefined;
  readonly encrypter: TesseraKey;
  readonly decrypter: TesseraKey;
  /** What a peer encrypts with (public PEM + JWK, or the secret). */
  readonly pub: PeerKey;
  /** What a peer decrypts with (private PEM + JWK, or the secret). */
  readonly priv: PeerKey;
}

export const HMAC_ALGS = ['HS256', 'HS384', 'HS512'] as const;
export const RSA_ALGS = ['RS256', 'RS384', 'RS512'] as const;
export const PSS_ALGS = ['PS256', 'PS384', 'PS512'] as const;
export const EC_ALGS = ['ES256', 'ES384', 'ES512'] as const;
/** Every JWS algorithm Tessera signs with. */
export const ALL_JWS: readonly JwsAlgorithm[] = [...HMAC_ALGS, ...RSA_ALGS, ...PSS_ALGS, ...EC_ALGS, 'EdDSA'];
/** The algorithms python-jose 3.3 and the jwt_encrypt module sign with (no PS*, no EdDSA). */
export const PYTHON_JOSE_JWS: readonly JwsAlgorithm[] = [...HMAC_ALGS, ...RSA_ALGS, ...EC_ALGS];
export const ENCS: readonly JweContentAlgorithm[] = [
  'A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512',
];
export const ENC_KEY_ALGS = ['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'] as const;
/** RSA-OAEP with the other hashes: SHA-1 (what most peers call RSA-OAEP), SHA-384, SHA-512. */
export const RSA_OAEP_ALGS = ['RSA-OAEP', 'RSA-OAEP-384', 'RSA-OAEP-512'] as const;
export type EncKeyAlgorithm = (typeof ENC_KEY_ALGS)[number] | (typeof RSA_OAEP_ALGS)[number];
/** Key wrapping with a shared AES key: AES Key Wrap and AES-GCM key wrap. */
export const KEY_WRAP_ALGS = ['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW'] as const;
/** Curves other than the default P-256 that generateKeyPair offers for ECDH-ES (tried with ECDH-ES+A256KW). */
export const ECDH_CURVES = ['P-384', 'P-521', 'X25519'] as const;
export type EcdhCurve = (typeof ECDH_CURVES)[number];

export interface InteropKeys {
  readonly sig: Readonly<Record<JwsAlgorithm, SigFixture>>;
  /** `dir` keys per `enc`, base64 as the JWE service prints them. */
  readonly dir: Readonly<Record<JweContentAlgorithm, EncFixture>>;
  readonly enc: Readonly<Record<EncKeyAlgorithm, EncFixture>>;
  /** Shared key-wrapping keys per alg, base64 and JWK as the peers take them. */
  readonly wrap: Readonly<Record<KeyWrapAlgorithm, EncFixture>>;
  /** The jwt_encrypt module's text secret (`secrets.token_urlsafe(64)`-like), one per HS algorithm. */
  readonly moduleSecret: Readonly<Record<(typeof HMAC_ALGS)[number], SigFixture>>;
  /** ECDH-ES+A256KW keys on the other curves. */
  readonly curves: Readonly<Record<EcdhCurve, EncFixture>>;
  /** A second A256GCM `dir` key, for the wrong-key case. */
  readonly otherDir: EncFixture;
  /** Keys the peers sign with although RFC 7518 forbids them: a 16-byte HS256 secret, a 1024-bit RSA key. */
  readonly weak: { readonly hmac16: PeerKey; readonly rsa1024: { readonly priv: PeerKey; readonly pub: PeerKey } };
}

function b64ToB64Url(b64: string): string {
  return b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function hmacFixture(alg: (typeof HMAC_ALGS)[number]): Promise<SigFixture> {
  const b64 = generateSecret(alg);
  const key = await importSecret(b64, { alg, encoding: 'base64' });
  const material: PeerKey = { b64, jwk: { kty: 'oct', k: b64ToB64Url(b64) } };
  return { alg, kid: undefined, signer: key, verifier: key, priv: material, pub: material };
}

async function textSecretFixture(alg: (typeof HMAC_ALGS)[number], text: string): Promise<SigFixture> {
  const key = await importSecret(text, { alg, encoding: 'utf8' });
  const material: PeerKey = { text };
  return { alg, kid: undefined, signer: key, verifier: key, priv: material, pub: material };
}

async function pairFixture(alg: Exclude<JwsAlgorithm, (typeof HMAC_ALGS)[number]>): Promise<SigFixture> {
  const pair = await generateKeyPair(alg);
  return {
    alg,
    kid: pair.kid,
    signer: pair.privateKey,
    verifier: pair.publicKey,
    priv: { pem: pair.privatePem, jwk: pair.privateJwk },
    pub: { pem: pair.publicPem, jwk: pair.publicJwk },
  };
}

/** A `dir` key made the JWE service's way: `generate_encryption_key(enc, 'base64')`, then imported from base64. */
export async function dirFixture(enc: JweContentAlgorithm): Promise<EncFixture> {
  const b64 = generateSecret(enc, { format: 'base64' });
  const key = await importSecret(b64, { alg: 'dir', enc, encoding: 'base64' });
  const material: PeerKey = { b64, jwk: { kty: 'oct', k: b64ToB64Url(b64) } };
  return { alg: 'dir', kid: undefined, encrypter: key, decrypter: key, pub: material, priv: material };
}

/** A shared key-wrapping key: generated base64 (as a KMS or the JWE service would print it), imported from it. */
async function wrapFixture(alg: KeyWrapAlgorithm): Promise<EncFixture> {
  const b64 = generateSecret(alg, { format: 'base64' });
  const key = await importSecret(b64, { alg, kid: `kw-${alg}` });
  const material: PeerKey = { b64, jwk: { kty: 'oct', k: b64ToB64Url(b64) } };
  return { alg, kid: key.kid, encrypter: key, decrypter: key, pub: material, priv: material };
}

async function encPairFixture(alg: EncKeyAlgorithm, crv?: EcdhCurve): Promise<EncFixture> {
  const pair = await generateKeyPair(alg, crv === undefined ? {} : { crv });
  return {
    alg,
    kid: pair.kid,
    encrypter: pair.publicKey,
    decrypter: pair.privateKey,
    pub: { pem: pair.publicPem, jwk: pair.publicJwk },
    priv: { pem: pair.privatePem, jwk: pair.privateJwk },
  };
}

async function record<K extends string, V>(names: readonly K[], make: (name: K) => Promise<V>): Promise<Record<K, V>> {
  const values = await Promise.all(names.map(make));
  return Object.fromEntries(names.map((name, i) => [name, values[i]])) as Record<K, V>;
}

/** Generates every key of the run (in parallel: RSA generation dominates). */
export async function makeKeys(): Promise<InteropKeys> {
  // secrets.token_urlsafe(64): 86 URL-safe characters, long enough for HS512 as UTF-8 bytes.
  const text = b64ToB64Url(generateSecret('HS512'));
  const [hmac, pairs, dir, enc, wrap, curves, moduleSecret, otherDir] = await Promise.all([
    record(HMAC_ALGS, hmacFixture),
    record([...RSA_ALGS, ...PSS_ALGS, ...EC_ALGS, 'EdDSA'] as const, pairFixture),
    record(ENCS, dirFixture),
    record([...ENC_KEY_ALGS, ...RSA_OAEP_ALGS], (alg) => encPairFixture(alg)),
    record(KEY_WRAP_ALGS, wrapFixture),
    record(ECDH_CURVES, (crv) => encPairFixture('ECDH-ES+A256KW', crv)),
    record(HMAC_ALGS, (alg) => textSecretFixture(alg, text)),
    dirFixture('A256GCM'),
  ]);
  // Tessera refuses to make these (that is the point), so node:crypto does.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const weak = {
    hmac16: { b64: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString('base64') },
    rsa1024: {
      priv: { pem: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      pub: { pem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    },
  };
  return { sig: { ...hmac, ...pairs }, dir, enc, wrap, curves, moduleSecret, otherDir, weak };
}
