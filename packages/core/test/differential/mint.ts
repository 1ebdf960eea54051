/**
 * Mints tokens from raw header and payload bytes with node:crypto, so the suite can sign what no JOSE library would
 * write (duplicate members, a BOM, invalid UTF-8, `alg` lies) and still get past the signature. Test code only: the
 * engines under test never see how a token was made, and jose must agree with every verdict anyway.
 */
import { createCipheriv, createHmac, sign as cryptoSign, constants } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { CompactEncrypt, base64url, type CompactJWEHeaderParameters } from 'jose';
import type { SuiteKey } from './keys.js';

/** Header or payload as given: JSON-encoded when an object, UTF-8 when a string, as is when bytes. */
export type Part = Record<string, unknown> | string | Uint8Array;

const encoder = new TextEncoder();

/** The bytes of a {@link Part}. */
export function bytesOf(part: Part): Uint8Array {
  if (part instanceof Uint8Array) return part;
  return encoder.encode(typeof part === 'string' ? part : JSON.stringify(part));
}

const b64 = (part: Part | Uint8Array): string => base64url.encode(bytesOf(part));

function signature(key: SuiteKey, input: Buffer): Buffer {
  const alg = key.alg;
  if (alg.startsWith('HS')) return createHmac(`sha${alg.slice(2)}`, key.secret as Uint8Array).update(input).digest();
  const privateKey = key.privateKey;
  if (privateKey === undefined) throw new Error(`no private key for ${alg}`);
  if (alg === 'EdDSA') return cryptoSign(null, input, privateKey);
  const hash = `sha${alg.slice(2)}`;
  if (alg.startsWith('ES')) return cryptoSign(hash, input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  if (alg.startsWith('PS')) {
    return cryptoSign(hash, input, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 });
  }
  return cryptoSign(hash, input, privateKey);
}

/** A compact JWS over exactly these header and payload bytes, signed with `key` under `key.alg`. */
export function signRaw(key: SuiteKey, header: Part, payload: Part): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signature(key, Buffer.from(input, 'latin1')).toString('base64url')}`;
}

/**
 * A compact `dir` JWE of exactly these header and plaintext bytes under `key.enc` (deflated first when `deflate`),
 * with a caller-chosen IV so a seed reproduces the token.
 */
export function encryptDirRaw(key: SuiteKey, header: Part, plaintext: Part, iv: Uint8Array, deflate = false): string {
  const enc = key.enc as string;
  const secret = key.secret as Uint8Array;
  const protectedB64 = b64(header);
  const aad = Buffer.from(protectedB64, 'latin1');
  const data = deflate ? deflateRawSync(bytesOf(plaintext)) : bytesOf(plaintext);
  if (enc.endsWith('GCM')) {
    const cipher = createCipheriv(`aes-${secret.length * 8}-gcm` as 'aes-256-gcm', secret, iv.subarray(0, 12));
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [protectedB64, '', b64(iv.subarray(0, 12)), b64(ciphertext), b64(cipher.getAuthTag())].join('.');
  }
  const half = secret.length / 2;
  const cbcIv = iv.subarray(0, 16);
  const cipher = createCipheriv(`aes-${half * 8}-cbc`, secret.subarray(half), cbcIv);
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const al = Buffer.alloc(8);
  al.writeUInt32BE(aad.length * 8, 4);
  const tag = createHmac(`sha${half * 16}`, secret.subarray(0, half))
    .update(Buffer.concat([aad, cbcIv, ciphertext, al])).digest().subarray(0, half);
  return [protectedB64, '', b64(cbcIv), b64(ciphertext), b64(tag)].join('.');
}

/** A compact JWE to an RSA-OAEP-256 / ECDH-ES* key, made by jose (random CEK and ephemeral key: not reproducible). */
export function encryptTo(key: SuiteKey, header: Record<string, unknown>, plaintext: Part): Promise<string> {
  return new CompactEncrypt(bytesOf(plaintext)).setProtectedHeader({ ...header, alg: key.alg } as CompactJWEHeaderParameters).encrypt(key.publicKey as never);
}
