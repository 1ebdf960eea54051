/**
 * Mints tokens from raw header and payload bytes with node:crypto, so the suite can sign what no JOSE library would
 * write (duplicate members, a BOM, invalid UTF-8, `alg` lies) and still get past the signature. Test code only: the
 * engines under test never see how a token was made, and jose must agree with every verdict anyway.
 */
import {
  constants, createCipheriv, createHash, createHmac, createPublicKey, diffieHellman, publicEncrypt, sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { CompactEncrypt, base64url, type CompactJWEHeaderParameters } from 'jose';
import { CONTENT_KEY_BYTES, isJweContentAlgorithm, type JweContentAlgorithm } from '../../src/algorithms.js';
import { EPHEMERAL, type SuiteKey } from './keys.js';
import type { Rng } from './rng.js';

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

/** IV, ciphertext and tag segments of `data` sealed under `cek` with `enc`, the AAD being `protectedB64`. */
function sealContent(cek: Uint8Array, enc: string, protectedB64: string, data: Uint8Array, iv: Uint8Array): string[] {
  const aad = Buffer.from(protectedB64, 'latin1');
  if (enc.endsWith('GCM')) {
    const cipher = createCipheriv(`aes-${cek.length * 8}-gcm` as 'aes-256-gcm', cek, iv.subarray(0, 12));
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
    return [b64(iv.subarray(0, 12)), b64(ciphertext), b64(cipher.getAuthTag())];
  }
  const half = cek.length / 2;
  const cbcIv = iv.subarray(0, 16);
  const cipher = createCipheriv(`aes-${half * 8}-cbc`, cek.subarray(half), cbcIv);
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const al = Buffer.alloc(8);
  al.writeUInt32BE(aad.length * 8, 4);
  const tag = createHmac(`sha${half * 16}`, cek.subarray(0, half))
    .update(Buffer.concat([aad, cbcIv, ciphertext, al])).digest().subarray(0, half);
  return [b64(cbcIv), b64(ciphertext), b64(tag)];
}

/**
 * A compact `dir` JWE of exactly these header and plaintext bytes under `key.enc` (deflated first when `deflate`),
 * with a caller-chosen IV so a seed reproduces the token.
 */
export function encryptDirRaw(key: SuiteKey, header: Part, plaintext: Part, iv: Uint8Array, deflate = false): string {
  const protectedB64 = b64(header);
  const data = deflate ? deflateRawSync(bytesOf(plaintext)) : bytesOf(plaintext);
  return [protectedB64, '', ...sealContent(key.secret as Uint8Array, key.enc as string, protectedB64, data, iv)].join('.');
}

/** The header as an object when it is one (or JSON text of one); header edits may make it anything. */
function headerObject(header: Part): Record<string, unknown> | undefined {
  if (typeof header === 'object' && !(header instanceof Uint8Array)) return header;
  try {
    const value: unknown = JSON.parse(typeof header === 'string' ? header : new TextDecoder().decode(header));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A header member as jose decodes it (leniently); empty when absent or not decodable. */
function memberBytes(value: unknown): Uint8Array {
  if (typeof value !== 'string') return new Uint8Array(0);
  try {
    return base64url.decode(value);
  } catch {
    return new Uint8Array(0);
  }
}

function uint32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n, 0);
  return out;
}

/** RFC 7518 §4.6.2 Concat KDF (SHA-256), written out here so the suite does not mint with the code under test. */
function concatKdf(z: Buffer, algorithmId: string, apu: Uint8Array, apv: Uint8Array, bytes: number): Buffer {
  const prefixed = (data: Uint8Array): Buffer => Buffer.concat([uint32(data.length), data]);
  const info = Buffer.concat([prefixed(Buffer.from(algorithmId)), prefixed(apu), prefixed(apv), uint32(bytes * 8)]);
  const rounds: Buffer[] = [];
  for (let i = 1; rounds.length * 32 < bytes; i++) rounds.push(createHash('sha256').update(uint32(i)).update(z).update(info).digest());
  return Buffer.concat(rounds).subarray(0, bytes);
}

/** AES Key Wrap (RFC 3394) of `cek` under `kek`. */
function aesKeyWrap(kek: Uint8Array, cek: Uint8Array): Buffer {
  const cipher = createCipheriv(`id-aes${kek.length * 8}-wrap`, kek, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
  return Buffer.concat([cipher.update(cek), cipher.final()]);
}

/** The `epk` a token to `key` carries: the public half of the fixed ephemeral key on `key`'s curve. */
export function ephemeralJwk(key: SuiteKey): Record<string, unknown> {
  const crv = (key.publicKey?.asymmetricKeyDetails?.namedCurve ?? 'X25519')
    .replace('prime256v1', 'P-256').replace('secp384r1', 'P-384').replace('secp521r1', 'P-521');
  const ephemeral = EPHEMERAL.get(crv) as KeyObject;
  const { kty, crv: c, x, y } = createPublicKey(ephemeral).export({ format: 'jwk' });
  return kty === 'EC' ? { kty, crv: c, x, y } : { kty, crv: c, x };
}

const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Another spelling of a base64url header member, sometimes: jose decodes `iv`/`tag` leniently (whitespace dropped,
 * non-zero trailing bits and exact padding accepted, `+` `/` refused), Tessera's node engine hands any spelling but
 * the canonical one to jose. Either way both engines must agree.
 */
function respell(value: string, rng: Rng): string {
  if (!rng.chance(0.15)) return value;
  const last = URL_ALPHABET.indexOf(value.charAt(value.length - 1));
  return rng.pick([
    ` ${value}`,
    `${value}==`,
    `${value}=`,
    value.replace(/-/g, '+').replace(/_/g, '/'),
    value.length % 4 === 0 ? value : value.slice(0, -1) + URL_ALPHABET.charAt(last ^ 1),
  ]);
}

/**
 * A compact JWE of exactly these header and plaintext bytes to `key`, for every key management: AES key wrap,
 * AES-GCM key wrap (the key-wrapping `iv` and `tag` are added to an object header that lacks them), ECDH-ES with or
 * without key wrap (from the fixed ephemeral key on `key`'s curve: an object header without `epk` gets its
 * public half; `apu`/`apv` of the header feed the Concat KDF), and RSA-OAEP* (whose padding is random: not
 * reproducible). The content key and IVs come from `rng`, so the other algorithms reproduce from a seed. The
 * header's own `alg`/`enc` decide the derivation (falling back to the key's alg and `fallbackEnc` when an edit broke
 * them), so an edited header is minted the way a sender writing it would. With `respellMembers`, the A*GCMKW `iv` and
 * `tag` are sometimes spelled another way (see {@link respell}); `sharedSecret` replaces the ECDH result (to seal a
 * token a recipient would only open if it accepted that Z, e.g. the all-zero Z of a low-order X25519 point).
 */
export function encryptRaw(key: SuiteKey, header: Part, plaintext: Part, rng: Rng, fallbackEnc: JweContentAlgorithm,
  deflate = false, respellMembers = false, sharedSecret?: Uint8Array): string {
  const object = headerObject(header);
  const enc = isJweContentAlgorithm(object?.enc) ? object.enc : fallbackEnc;
  const algorithmId = typeof object?.alg === 'string' ? object.alg : key.alg;
  const cek: Uint8Array = rng.bytes(CONTENT_KEY_BYTES[enc]);
  let contentKey = cek;
  let encryptedKey = '';
  let written: Part = header;
  const alg = key.alg;
  if (alg.startsWith('RSA-OAEP')) {
    const hash = alg === 'RSA-OAEP' ? 'sha1' : `sha${alg.slice(9)}`;
    encryptedKey = b64(publicEncrypt({ key: key.publicKey as KeyObject, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, cek));
  } else if (alg.endsWith('GCMKW')) {
    const iv = rng.bytes(12);
    const cipher = createCipheriv(`aes-${(key.secret as Uint8Array).length * 8}-gcm` as 'aes-256-gcm', key.secret as Uint8Array, iv);
    encryptedKey = b64(Buffer.concat([cipher.update(cek), cipher.final()]));
    if (object !== undefined && header === object && object.iv === undefined && object.tag === undefined) {
      const spell = (value: string): string => (respellMembers ? respell(value, rng) : value);
      written = { ...object, iv: spell(b64(iv)), tag: spell(b64(cipher.getAuthTag())) };
    }
  } else if (/^A\d+KW$/.test(alg)) {
    encryptedKey = b64(aesKeyWrap(key.secret as Uint8Array, cek));
  } else if (alg.startsWith('ECDH-ES')) {
    const epk = ephemeralJwk(key);
    if (object !== undefined && header === object && object.epk === undefined) written = { ...object, epk };
    const crv = epk.crv as string;
    const z = sharedSecret !== undefined
      ? Buffer.from(sharedSecret)
      : diffieHellman({ privateKey: EPHEMERAL.get(crv) as KeyObject, publicKey: key.publicKey as KeyObject });
    const apu = memberBytes(object?.apu);
    const apv = memberBytes(object?.apv);
    if (alg === 'ECDH-ES') {
      contentKey = concatKdf(z, enc, apu, apv, CONTENT_KEY_BYTES[enc]);
    } else {
      const kek = concatKdf(z, algorithmId, apu, apv, Number(alg.slice(9, 12)) / 8);
      encryptedKey = b64(aesKeyWrap(kek, cek));
    }
  }
  const protectedB64 = b64(written);
  const data = deflate ? deflateRawSync(bytesOf(plaintext)) : bytesOf(plaintext);
  return [protectedB64, encryptedKey, ...sealContent(contentKey, enc, protectedB64, data, rng.bytes(16))].join('.');
}

/** A compact JWE to an RSA-OAEP-256 / ECDH-ES* key, made by jose (random CEK and ephemeral key: not reproducible). */
export function encryptTo(key: SuiteKey, header: Record<string, unknown>, plaintext: Part): Promise<string> {
  return new CompactEncrypt(bytesOf(plaintext)).setProtectedHeader({ ...header, alg: key.alg } as CompactJWEHeaderParameters).encrypt(key.publicKey as never);
}
