/**
 * Shared by the compat-*.test.ts files: both engines, and tokens minted the way the departing peers write them
 * (python-jose's 16-byte GCM IVs and zlib `zip: DEF`, the JWE service's `{"jwt": ...}` envelope), with node:crypto,
 * byte by byte, so every variant (odd IV lengths, a broken Adler-32, a preset dictionary) can be made.
 */
import {
  constants, createCipheriv, createECDH, createHash, createHmac, createPublicKey, publicEncrypt, randomBytes,
  type KeyObject,
} from 'node:crypto';
import { deflateRawSync, deflateSync, type ZlibOptions } from 'node:zlib';
import { base64url } from 'jose';
import type { JweContentAlgorithm } from '../src/algorithms.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { nodeEngine } from '../src/node/node-engine.js';
import { createTokenVerifier } from '../src/verify/create-token-verifier.js';
import type { VerifyOptions } from '../src/verify/verify-options.js';
import { currentDate } from './verify-helpers.js';

/** Both engines: every compat test runs on each, and they must answer alike. */
export const ENGINES: readonly { readonly name: string; readonly engine: VerificationEngine }[] = [
  { name: 'jose', engine: joseEngine },
  { name: 'node', engine: nodeEngine },
];

/** A verifier on `engine` at the verify tests' fixed clock. */
export function verifierOn(engine: VerificationEngine, options: VerifyOptions) {
  return createTokenVerifier({ currentDate, ...options, engine });
}

/** How a `zip: DEF` plaintext is compressed: RFC 7516 raw DEFLATE, python-jose's zlib stream, or a variant of it. */
export type Compression = 'raw' | 'zlib' | 'zlib-bad-adler' | 'zlib-truncated' | 'zlib-dictionary';

const encoder = new TextEncoder();

function bytesOf(value: string | Uint8Array | Record<string, unknown>): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Compresses `data` as `how` says. */
export function compress(data: Uint8Array, how: Compression): Uint8Array {
  if (how === 'raw') return deflateRawSync(data);
  const options: ZlibOptions = how === 'zlib-dictionary' ? { dictionary: Buffer.from('{"sub":') } : {};
  const zlib = new Uint8Array(deflateSync(data, options));
  if (how === 'zlib-bad-adler') zlib[zlib.length - 1] = (zlib[zlib.length - 1] as number) ^ 0x01;
  return how === 'zlib-truncated' ? zlib.subarray(0, zlib.length - 4) : zlib;
}

/** What a minted JWE is made of. */
export interface JweParts {
  /** The protected header, written exactly as given. */
  readonly header: Record<string, unknown>;
  readonly plaintext: string | Uint8Array | Record<string, unknown>;
  readonly enc: JweContentAlgorithm;
  /** IV length in bytes. @default 12 for GCM (16 is python-jose's), 16 for CBC */
  readonly ivBytes?: number;
  /** Compression of the plaintext (the header should say `zip: "DEF"`). @default none */
  readonly compression?: Compression;
}

/** Encrypts with a given content key; returns the IV, ciphertext and tag segments. */
function seal(cek: Uint8Array, protectedB64: string, parts: JweParts): [string, string, string] {
  const data = parts.compression === undefined ? bytesOf(parts.plaintext) : compress(bytesOf(parts.plaintext), parts.compression);
  const aad = Buffer.from(protectedB64, 'latin1');
  if (parts.enc.endsWith('GCM')) {
    const iv = randomBytes(parts.ivBytes ?? 12);
    const cipher = createCipheriv(`aes-${cek.length * 8}-gcm` as 'aes-256-gcm', cek, iv);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [base64url.encode(iv), base64url.encode(ciphertext), base64url.encode(cipher.getAuthTag())];
  }
  const half = cek.length / 2;
  const iv = randomBytes(parts.ivBytes ?? 16);
  const cipher = createCipheriv(`aes-${half * 8}-cbc`, cek.subarray(half), iv);
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const al = Buffer.alloc(8);
  al.writeUInt32BE(aad.length * 8, 4);
  const tag = createHmac(`sha${half * 16}`, cek.subarray(0, half)).update(Buffer.concat([aad, iv, ciphertext, al]))
    .digest().subarray(0, half);
  return [base64url.encode(iv), base64url.encode(ciphertext), base64url.encode(tag)];
}

/** A compact `dir` JWE under `secret`, made exactly as `parts` say. */
export function mintDir(secret: Uint8Array, parts: JweParts): string {
  const protectedB64 = base64url.encode(JSON.stringify(parts.header));
  return [protectedB64, '', ...seal(secret, protectedB64, parts)].join('.');
}

const CEK_BYTES: Record<JweContentAlgorithm, number> = {
  A128GCM: 16, A192GCM: 24, A256GCM: 32, 'A128CBC-HS256': 32, 'A192CBC-HS384': 48, 'A256CBC-HS512': 64,
};

/** A compact RSA-OAEP-256 JWE to the public key in `publicPem`, made exactly as `parts` say (python-jose's way). */
export function mintRsaOaep(publicPem: string, parts: JweParts): string {
  const cek = randomBytes(CEK_BYTES[parts.enc]);
  const encryptedKey = publicEncrypt(
    { key: createPublicKey(publicPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, cek,
  );
  const protectedB64 = base64url.encode(JSON.stringify(parts.header));
  return [protectedB64, base64url.encode(encryptedKey), ...seal(cek, protectedB64, parts)].join('.');
}

function lengthPrefixed(data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

/**
 * A compact ECDH-ES (direct key agreement, P-256) JWE to `recipient`: the content key is the Concat KDF of the
 * shared secret (RFC 7518 §4.6.2), so the token is valid whatever IV length `parts` asks for.
 */
export function mintEcdhEs(recipient: KeyObject, parts: JweParts): string {
  const ephemeral = createECDH('prime256v1');
  ephemeral.generateKeys();
  const jwk = recipient.export({ format: 'jwk' });
  const recipientPoint = Buffer.concat([Buffer.from([4]), base64url.decode(jwk.x ?? ''), base64url.decode(jwk.y ?? '')]);
  const shared = ephemeral.computeSecret(recipientPoint);
  const point = ephemeral.getPublicKey();
  const epk = { kty: 'EC', crv: 'P-256', x: base64url.encode(point.subarray(1, 33)), y: base64url.encode(point.subarray(33)) };
  const bits = CEK_BYTES[parts.enc] * 8;
  const keyDataLen = Buffer.alloc(4);
  keyDataLen.writeUInt32BE(bits);
  const otherInfo = Buffer.concat([lengthPrefixed(encoder.encode(parts.enc)), lengthPrefixed(new Uint8Array(0)),
    lengthPrefixed(new Uint8Array(0)), keyDataLen]);
  const cek = createHash('sha256').update(Buffer.from([0, 0, 0, 1])).update(shared).update(otherInfo).digest()
    .subarray(0, bits / 8);
  const header = { ...parts.header, epk };
  const protectedB64 = base64url.encode(JSON.stringify(header));
  return [protectedB64, '', ...seal(cek, protectedB64, { ...parts, header })].join('.');
}

/** The IV segment of a compact JWE, decoded. */
export function ivOf(token: string): Uint8Array {
  return base64url.decode(token.split('.')[2] ?? '');
}
