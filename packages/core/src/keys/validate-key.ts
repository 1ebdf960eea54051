import {
  CONTENT_KEY_BYTES,
  HMAC_MIN_KEY_BYTES,
  KEY_WRAP_BYTES,
  isJweKeyAlgorithm,
  isJwsAlgorithm,
  isKeyWrapAlgorithm,
  type JweContentAlgorithm,
  type KeyAlgorithm,
  type KeyWrapAlgorithm,
} from '../algorithms.js';
import { InvalidKeyError, TesseraArgumentError, UnsupportedAlgorithmError } from '../errors.js';
import type { Jwk, KeyUse } from '../types.js';
import { decodeBase64Url } from './encoding.js';
import { hasRocaFingerprint } from './roca.js';

// Internal: the one place that decides whether a key may be used with an algorithm. Every importer (secret, PEM,
// JWK, JWKS, generated, remote) ends here, so a rule added once holds everywhere. Messages name the key's type and
// size, never its material.

/** The HMAC JWS algorithms. */
export type HmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** Algorithms whose keys are shared secrets: HMAC, `dir`, and AES key wrapping (`A*KW`, `A*GCMKW`). */
export type SymmetricAlgorithm = HmacAlgorithm | 'dir' | KeyWrapAlgorithm;

/** Minimum RSA modulus size (NIST SP 800-57; RFC 7518 §3.3 and §4.3 require 2048). */
export const MIN_RSA_BITS = 2048;

/** The floor under `allowWeakRsa`: below it RSA offers no meaningful security even for verifying. */
export const MIN_WEAK_RSA_BITS = 1024;

const RSA_SIGNATURE_ALGORITHMS: ReadonlySet<string> = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);

/** The JWS algorithms `allowWeakRsa` may be used with (signatures only: never RSA-OAEP key management). */
export function isRsaSignatureAlgorithm(alg: KeyAlgorithm): boolean {
  return RSA_SIGNATURE_ALGORITHMS.has(alg);
}

/** True for HS256/HS384/HS512. */
export function isHmacAlgorithm(alg: unknown): alg is HmacAlgorithm {
  return alg === 'HS256' || alg === 'HS384' || alg === 'HS512';
}

/** True for any algorithm a Tessera key can be bound to. */
export function isKeyAlgorithm(alg: unknown): alg is KeyAlgorithm {
  return isJwsAlgorithm(alg) || isJweKeyAlgorithm(alg);
}

/** `sig` for JWS algorithms, `enc` for JWE key-management algorithms. */
export function useOf(alg: KeyAlgorithm): KeyUse {
  return isJwsAlgorithm(alg) ? 'sig' : 'enc';
}

/** True when keys for `alg` are shared secrets (HS*, dir, A*KW, A*GCMKW). */
export function isSymmetricAlgorithm(alg: KeyAlgorithm): alg is SymmetricAlgorithm {
  return alg === 'dir' || isHmacAlgorithm(alg) || isKeyWrapAlgorithm(alg);
}

/** Renders an untrusted identifier (alg, kid, kty) for a message: quoted, bounded, printable. */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  const v = value.length > 64 ? `${value.slice(0, 64)}…` : value;
  return JSON.stringify(v.replace(/[^\x20-\x7e…]/g, '?'));
}

/** What kind of key something is, as far as algorithm binding cares. */
export interface KeyDescription {
  kty: string;
  crv?: string | undefined;
}

function safeName(value: string | undefined, fallback: string): string {
  return value !== undefined && /^[A-Za-z0-9+._-]{1,24}$/.test(value) ? value : fallback;
}

/** "an RSA key", "an EC P-256 key", "an OKP Ed25519 key", "a symmetric (oct) key". */
export function describeKey(d: KeyDescription): string {
  switch (d.kty) {
    case 'RSA':
      return 'an RSA key';
    case 'EC':
      return `an EC ${safeName(d.crv, 'unknown-curve')} key`;
    case 'OKP':
      return `an OKP ${safeName(d.crv, 'unknown-curve')} key`;
    case 'oct':
      return 'a symmetric (oct) key';
    default:
      return `a key of type ${quote(d.kty)}`;
  }
}

const ECDH_CURVES: ReadonlySet<string> = new Set(['P-256', 'P-384', 'P-521']);

function fits(d: KeyDescription, alg: KeyAlgorithm): boolean {
  switch (alg) {
    case 'HS256':
    case 'HS384':
    case 'HS512':
    case 'dir':
    case 'A128KW':
    case 'A192KW':
    case 'A256KW':
    case 'A128GCMKW':
    case 'A192GCMKW':
    case 'A256GCMKW':
      return d.kty === 'oct';
    case 'RS256':
    case 'RS384':
    case 'RS512':
    case 'PS256':
    case 'PS384':
    case 'PS512':
    case 'RSA-OAEP':
    case 'RSA-OAEP-256':
    case 'RSA-OAEP-384':
    case 'RSA-OAEP-512':
      return d.kty === 'RSA';
    case 'ES256':
      return d.kty === 'EC' && d.crv === 'P-256';
    case 'ES384':
      return d.kty === 'EC' && d.crv === 'P-384';
    case 'ES512':
      return d.kty === 'EC' && d.crv === 'P-521';
    case 'EdDSA':
      // jose 6 maps EdDSA to WebCrypto Ed25519 only; Ed448 has no WebCrypto support to fall back on.
      return d.kty === 'OKP' && d.crv === 'Ed25519';
    case 'ECDH-ES':
    case 'ECDH-ES+A128KW':
    case 'ECDH-ES+A192KW':
    case 'ECDH-ES+A256KW':
      return (d.kty === 'EC' && d.crv !== undefined && ECDH_CURVES.has(d.crv)) || (d.kty === 'OKP' && d.crv === 'X25519');
  }
}

/**
 * Refuses a key whose type or curve does not fit `alg` — the check that stops an RSA public key from being used as
 * an HMAC secret, or a P-384 key from verifying ES256.
 */
export function assertKeyTypeFitsAlg(d: KeyDescription, alg: KeyAlgorithm): void {
  if (fits(d, alg)) return;
  const hint = d.kty === 'OKP' && (d.crv === 'Ed448' || d.crv === 'X448') ? ' (Tessera supports Ed25519 and X25519 only)' : '';
  throw new InvalidKeyError(`${describeKey(d)} cannot be used with ${alg}${hint}`);
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/**
 * RSA modulus ≥ 2048 bits (≥ 1024 with `allowWeak`), odd and without the ROCA fingerprint (Wycheproof
 * `rejectsKeyWithRocaVulnerability`); public exponent odd and ≥ 3 (Wycheproof `rejectsPublicExponent1`).
 * @returns true when the modulus is below 2048 bits (only possible with `allowWeak`).
 */
export function assertRsaStrength(n: Uint8Array, e: Uint8Array, allowWeak = false): boolean {
  const bits = bitLength(n);
  if (bits < MIN_RSA_BITS) {
    if (!allowWeak) throw new InvalidKeyError(`RSA modulus is ${bits} bits; at least ${MIN_RSA_BITS} are required`);
    if (bits < MIN_WEAK_RSA_BITS) {
      throw new InvalidKeyError(`RSA modulus is ${bits} bits; at least ${MIN_WEAK_RSA_BITS} are required even with allowWeakRsa`);
    }
  }
  if ((n[n.length - 1]! & 1) === 0) throw new InvalidKeyError('RSA modulus must be odd');
  const eBits = bitLength(e);
  if (eBits < 2 || (e[e.length - 1]! & 1) === 0) throw new InvalidKeyError('RSA public exponent must be odd and at least 3');
  if (hasRocaFingerprint(n)) {
    throw new InvalidKeyError('RSA modulus has the ROCA fingerprint (CVE-2017-15361): its generator makes keys that can be factored; replace the key');
  }
  return bits < MIN_RSA_BITS;
}

function member(jwk: Jwk, name: 'n' | 'e' | 'x' | 'y' | 'd'): string {
  const v = jwk[name];
  if (typeof v !== 'string' || v === '') throw new InvalidKeyError(`JWK "${name}" is missing or not a string`);
  return v;
}

/** Private members of every key type; none of them may appear in a public JWK. */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/**
 * Checks an asymmetric JWK against `alg`: type and curve, required members, RSA strength (a 1024–2047-bit modulus
 * passes with `allowWeakRsa`, and is then reported in `weakRsa`).
 * @returns the key's description (for callers that report on it).
 */
export function assertJwkFitsAlg(jwk: Jwk, alg: KeyAlgorithm, allowWeakRsa = false): KeyDescription & { weakRsa?: true } {
  const { kty } = jwk;
  if (typeof kty !== 'string' || kty === '') throw new InvalidKeyError('JWK "kty" is missing or not a string');
  const crv = typeof jwk.crv === 'string' ? jwk.crv : undefined;
  const d: KeyDescription & { weakRsa?: true } = { kty, crv };
  assertKeyTypeFitsAlg(d, alg);
  if (kty === 'RSA') {
    if (jwk.oth !== undefined) throw new InvalidKeyError('multi-prime RSA keys ("oth") are not supported');
    const n = decodeBase64Url(member(jwk, 'n'), 'JWK "n"', true);
    const e = decodeBase64Url(member(jwk, 'e'), 'JWK "e"', true);
    if (assertRsaStrength(n, e, allowWeakRsa)) d.weakRsa = true;
  } else if (kty === 'EC') {
    member(jwk, 'x');
    member(jwk, 'y');
  } else if (kty === 'OKP') {
    member(jwk, 'x');
  }
  if (jwk.d !== undefined) member(jwk, 'd');
  return d;
}

/** True when `bytes` is a non-empty HMAC secret shorter than RFC 7518 §3.2 allows for `alg`. */
export function isShortHmacSecret(bytes: Uint8Array, alg: HmacAlgorithm): boolean {
  return bytes.length > 0 && bytes.length < HMAC_MIN_KEY_BYTES[alg];
}

/**
 * Size rules for a shared secret: exact per `enc` for dir (RFC 7518 §5), exact per `alg` for AES key wrapping (§4.4,
 * §4.7), at least the hash size for HS* (§3.2).
 */
export function assertSecretSize(bytes: Uint8Array, alg: SymmetricAlgorithm, enc: JweContentAlgorithm | undefined): void {
  if (bytes.length === 0) throw new InvalidKeyError('key is empty');
  if (isKeyWrapAlgorithm(alg)) {
    const need = KEY_WRAP_BYTES[alg];
    if (bytes.length !== need) throw new InvalidKeyError(`expected ${need} bytes for ${alg}, got ${bytes.length}`);
    return;
  }
  if (alg === 'dir') {
    if (enc === undefined) throw new TesseraArgumentError('options.enc is required for a "dir" key (the content encryption it is sized for)');
    const need = CONTENT_KEY_BYTES[enc];
    if (bytes.length !== need) throw new InvalidKeyError(`expected ${need} bytes for ${enc}, got ${bytes.length}`);
    return;
  }
  const min = HMAC_MIN_KEY_BYTES[alg];
  if (bytes.length < min) throw new InvalidKeyError(`expected at least ${min} bytes for ${alg}, got ${bytes.length}`);
}

const BEGIN = [45, 45, 45, 45, 45, 66, 69, 71, 73, 78]; // "-----BEGIN"

function containsBegin(bytes: Uint8Array): boolean {
  outer: for (let i = 0; i + BEGIN.length <= bytes.length; i++) {
    for (let j = 0; j < BEGIN.length; j++) if (bytes[i + j] !== BEGIN[j]) continue outer;
    return true;
  }
  return false;
}

function looksLikeJwk(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 32 || bytes[i] === 9 || bytes[i] === 10 || bytes[i] === 13 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)) i++;
  if (bytes[i] !== 123 /* { */) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(i)));
  } catch {
    return false;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && ('kty' in parsed || 'keys' in parsed);
}

/**
 * Algorithm-confusion defence: a shared secret must never be the text of an asymmetric key. Verifying HS256 with
 * an RSA public key's PEM as the HMAC secret lets anyone who has the public key forge tokens (CVE-2015-9235 and
 * its many descendants), so PEM armour anywhere in the bytes, or a JSON object with "kty"/"keys", is refused.
 */
export function refuseAsymmetricKeyText(bytes: Uint8Array, alg: SymmetricAlgorithm): void {
  if (containsBegin(bytes)) {
    throw new InvalidKeyError(`a PEM-armoured key cannot be used as a secret for ${alg}; import asymmetric keys with importPem`);
  }
  if (looksLikeJwk(bytes)) {
    throw new InvalidKeyError(`a JWK cannot be used as a secret for ${alg}; import it with importJwk`);
  }
}

/**
 * Validates the `allowWeakRsa` import option: a boolean, and `true` only for RS* and PS* (a weak key may only ever verify
 * signatures).
 */
export function checkAllowWeakRsaOption(value: unknown, alg: KeyAlgorithm): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TesseraArgumentError('options.allowWeakRsa must be a boolean');
  if (value && !isRsaSignatureAlgorithm(alg)) {
    throw new TesseraArgumentError(`options.allowWeakRsa applies to RS256…RS512 and PS256…PS512 only, not ${alg}`);
  }
  return value;
}

/** Validates an optional `kid` option. */
export function checkKidOption(kid: unknown): string | undefined {
  if (kid === undefined) return undefined;
  if (typeof kid !== 'string' || kid === '') throw new TesseraArgumentError('options.kid must be a non-empty string');
  return kid;
}

/** Validates an optional `use` option against the algorithm's use. */
export function checkUseOption(use: unknown, alg: KeyAlgorithm): KeyUse {
  const expected = useOf(alg);
  if (use === undefined) return expected;
  if (use !== 'sig' && use !== 'enc') throw new TesseraArgumentError('options.use must be "sig" or "enc"');
  if (use !== expected) throw new TesseraArgumentError(`options.use "${use}" does not fit ${alg} (a "${expected}" algorithm)`);
  return use;
}

/** Validates an `alg` option or member: a string naming an algorithm Tessera supports. */
export function checkAlg(alg: unknown, where = 'options.alg'): KeyAlgorithm {
  if (typeof alg !== 'string' || alg === '') throw new TesseraArgumentError(`${where} is required`);
  if (!isKeyAlgorithm(alg)) throw new UnsupportedAlgorithmError(`alg ${quote(alg)} is not supported`);
  return alg;
}
