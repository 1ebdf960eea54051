/**
 * The compatibility part of the generated corpus: tokens as the departing peers write them — A*GCM with a 16-byte IV
 * and zlib `zip: DEF` (python-jose), the `{"jwt": ...}` envelope (the JWE service), nested JWS without cty
 * (python-jose), signatures by a 1024-bit RSA key and a 14-byte HMAC secret (PyJWT) — verified in a context with
 * every compatibility setting on and the verify-only keys added. Mutations of them then check that both engines
 * agree on the compatibility paths too.
 */
import { constants, createCipheriv, createHmac, createPrivateKey, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { base64url, type JWK } from 'jose';
import type { JweContentAlgorithm } from '../../src/algorithms.js';
import { importJwk } from '../../src/keys/import-jwk.js';
import { importSecret } from '../../src/keys/import-secret.js';
import type { TesseraKey } from '../../src/types.js';
import type { VerifierPair } from './compare.js';
import type { Base } from './corpus.js';
import { kidOf, type KeySet, type SuiteKey } from './keys.js';
import { bytesOf, signRaw, type Part } from './mint.js';
import type { Rng } from './rng.js';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/differential-compat-keys.json', import.meta.url), 'utf8'),
) as { rsa1024: JWK; hmac14: string };

/** Every compatibility setting on: the options of the compat context. */
export const ALL_COMPAT = Object.freeze({ gcmIv128: true, zlibDeflate: true, jwtEnvelope: true, nestedWithoutCty: true });

/** The verify-only suite keys: RS256 and PS256 on a 1024-bit modulus, HS256 on a 14-byte secret. */
export async function loadWeakKeys(): Promise<SuiteKey[]> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = fixture.rsa1024;
  const privateKey = createPrivateKey({ key: fixture.rsa1024 as never, format: 'jwk' });
  const rsa = async (alg: 'RS256' | 'PS256'): Promise<SuiteKey> => {
    const kid = `weak-${alg}`;
    const key = await importJwk(pub, { alg, kid, allowWeakRsa: true });
    return { alg, enc: undefined, kid, key, unnamed: key, secret: undefined, privateKey, publicKey: createPublicKey(privateKey) };
  };
  const secret = base64url.decode(fixture.hmac14);
  const hmac = await importSecret(secret, { alg: 'HS256', kid: 'weak-HS256', allowShortKey: true });
  const short: SuiteKey = {
    alg: 'HS256', enc: undefined, kid: 'weak-HS256', key: hmac, unnamed: hmac, secret, privateKey: undefined, publicKey: undefined,
  };
  return [await rsa('RS256'), await rsa('PS256'), short];
}

/** The TesseraKeys of the weak suite keys, for the compat context's `keys`. */
export function weakVerifiers(weak: readonly SuiteKey[]): TesseraKey[] {
  return weak.map((k) => k.key);
}

interface Sealing {
  readonly ivBytes: 12 | 16;
  readonly zlib: boolean;
}

/** Encrypts `data` under `cek` with the AAD of `protectedB64`; returns IV, ciphertext and tag segments. */
function seal(cek: Uint8Array, enc: string, protectedB64: string, data: Uint8Array, iv: Uint8Array): string[] {
  const aad = Buffer.from(protectedB64, 'latin1');
  if (enc.endsWith('GCM')) {
    const cipher = createCipheriv(`aes-${cek.length * 8}-gcm` as 'aes-256-gcm', cek, iv);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [base64url.encode(iv), base64url.encode(ciphertext), base64url.encode(cipher.getAuthTag())];
  }
  const half = cek.length / 2;
  const cbcIv = iv.subarray(0, 16);
  const cipher = createCipheriv(`aes-${half * 8}-cbc`, cek.subarray(half), cbcIv);
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const al = Buffer.alloc(8);
  al.writeUInt32BE(aad.length * 8, 4);
  const tag = createHmac(`sha${half * 16}`, cek.subarray(0, half)).update(Buffer.concat([aad, cbcIv, ciphertext, al]))
    .digest().subarray(0, half);
  return [base64url.encode(cbcIv), base64url.encode(ciphertext), base64url.encode(tag)];
}

/** A `dir` JWE as python-jose writes it: `ivBytes` of `iv` for GCM, the plaintext zlib-compressed when asked. */
function dirCompat(key: SuiteKey, header: Part, plaintext: Part, iv: Uint8Array, how: Sealing): string {
  const protectedB64 = base64url.encode(bytesOf(header));
  const data = how.zlib ? deflateSync(bytesOf(plaintext)) : bytesOf(plaintext);
  const enc = key.enc as string;
  const ivBytes = enc.endsWith('GCM') ? iv.subarray(0, how.ivBytes) : iv;
  return [protectedB64, '', ...seal(key.secret as Uint8Array, enc, protectedB64, data, ivBytes)].join('.');
}

/** An RSA-OAEP-256 JWE with a 16-byte GCM IV and a zlib plaintext (random CEK and padding: not reproducible). */
function rsaOaepCompat(key: SuiteKey, header: Record<string, unknown>, plaintext: string, enc: JweContentAlgorithm): string {
  const cek = randomBytes(32);
  const encryptedKey = publicEncrypt(
    { key: key.publicKey as never, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek,
  );
  const protectedB64 = base64url.encode(bytesOf({ ...header, alg: 'RSA-OAEP-256', enc }));
  const data = deflateSync(bytesOf(plaintext));
  return [protectedB64, base64url.encode(encryptedKey), ...seal(cek, enc, protectedB64, data, randomBytes(16))].join('.');
}

/** A nested plaintext wrapped the JWE service's way: a compact token becomes `{"jwt": token}`, anything else stays. */
function envelope(payload: Part): Part {
  return typeof payload === 'string' && !payload.trimStart().startsWith('{') ? { jwt: payload } : payload;
}

/** The compat bases, all in `context`; `claimsAt` gives each its claims. */
export function compatBases(a: KeySet, weak: readonly SuiteKey[], context: VerifierPair, rng: Rng,
  claimsAt: (n: number) => Record<string, unknown>): Base[] {
  const key = (kid: string): SuiteKey => a.get(kid) as SuiteKey;
  let n = 1000;
  const jws = (k: SuiteKey, weight: number): Base => {
    const header = { alg: k.alg, kid: k.kid, typ: 'at+jwt' };
    const payload = claimsAt(n++);
    const remint = (h: Part, p: Part): string => signRaw(k, h, p);
    return { label: `compat jws ${k.kid}`, context, header, payload, weight, token: remint(header, payload), remint };
  };
  const inner = jws(key('HS256'), 10);
  const dir = (label: string, enc: JweContentAlgorithm, extra: Record<string, unknown>, payload: Part, how: Sealing,
    wrap: (p: Part) => Part = (p) => p, nested?: Base): Base => {
    const k = key(kidOf('dir', enc));
    const header = { alg: 'dir', enc, kid: k.kid, ...extra };
    const remint = (h: Part, p: Part, r: Rng): string => dirCompat(k, h, wrap(p), r.bytes(16), how);
    return {
      label: `compat dir ${enc} ${label}`, context, header, payload, weight: 10, token: remint(header, payload, rng), remint,
      ...(nested === undefined ? {} : { inner: nested }),
    };
  };
  const big = { ...claimsAt(n++), filler: 'xyz'.repeat(300) };
  const rsa = key('RSA-OAEP-256');
  return [
    dir('iv16', 'A128GCM', {}, claimsAt(n++), { ivBytes: 16, zlib: false }),
    dir('iv16 nested', 'A256GCM', { cty: 'JWT' }, inner.token, { ivBytes: 16, zlib: false }, undefined, inner),
    dir('iv16 zlib', 'A192GCM', { zip: 'DEF' }, big, { ivBytes: 16, zlib: true }),
    dir('zlib nested', 'A128CBC-HS256', { zip: 'DEF', cty: 'JWT' }, inner.token, { ivBytes: 12, zlib: true }, undefined, inner),
    dir('envelope', 'A256CBC-HS512', {}, inner.token, { ivBytes: 12, zlib: false }, envelope, inner),
    dir('no cty nested', 'A256GCM', {}, inner.token, { ivBytes: 12, zlib: false }, undefined, inner),
    {
      label: 'compat RSA-OAEP-256 A256GCM iv16 zlib nested', context, header: { kid: rsa.kid, zip: 'DEF', cty: 'JWT' },
      payload: inner.token, weight: 1, token: rsaOaepCompat(rsa, { kid: rsa.kid, zip: 'DEF', cty: 'JWT' }, inner.token, 'A256GCM'),
    },
    ...weak.map((k) => jws(k, k.alg.startsWith('HS') ? 10 : 3)),
  ];
}
