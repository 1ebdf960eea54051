/** JWS algorithms Tessera signs and verifies. `none` is not, and never will be, one of them. */
export const JWS_ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
] as const;

/** A JWS `alg` Tessera supports. */
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

/**
 * JWE key-management algorithms (`alg`) Tessera supports: every one RFC 7518 §4 defines except `RSA1_5` (PKCS #1 v1.5
 * encryption invites Bleichenbacher's padding-oracle attack) and `PBES2-*` (a password, not a key: its iteration count
 * comes from the token, so a hostile token chooses how long the server hashes).
 */
export const JWE_KEY_ALGORITHMS = [
  'dir',
  'RSA-OAEP', 'RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512',
  'ECDH-ES',
  'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW',
  'A128KW', 'A192KW', 'A256KW',
  'A128GCMKW', 'A192GCMKW', 'A256GCMKW',
] as const;

/** A JWE `alg` Tessera supports. */
export type JweKeyAlgorithm = (typeof JWE_KEY_ALGORITHMS)[number];

/** RSAES-OAEP key encryption (RFC 7518 §4.3, and RFC 7518's registry for the SHA-384/512 variants). */
export type RsaOaepAlgorithm = 'RSA-OAEP' | 'RSA-OAEP-256' | 'RSA-OAEP-384' | 'RSA-OAEP-512';

/** ECDH-ES key agreement, direct or with AES key wrap (RFC 7518 §4.6). */
export type EcdhAlgorithm = 'ECDH-ES' | 'ECDH-ES+A128KW' | 'ECDH-ES+A192KW' | 'ECDH-ES+A256KW';

/** Key wrapping with a shared AES key: AES Key Wrap (RFC 7518 §4.4) or AES-GCM (§4.7). */
export type KeyWrapAlgorithm = 'A128KW' | 'A192KW' | 'A256KW' | 'A128GCMKW' | 'A192GCMKW' | 'A256GCMKW';

/** Exact size in bytes of the shared key each AES key-wrapping `alg` takes (RFC 7518 §4.4, §4.7). */
export const KEY_WRAP_BYTES: Readonly<Record<KeyWrapAlgorithm, number>> = Object.freeze({
  A128KW: 16,
  A192KW: 24,
  A256KW: 32,
  A128GCMKW: 16,
  A192GCMKW: 24,
  A256GCMKW: 32,
});

/** JWE content-encryption algorithms (`enc`) Tessera supports. */
export const JWE_CONTENT_ALGORITHMS = [
  'A128GCM', 'A192GCM', 'A256GCM',
  'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512',
] as const;

/** A JWE `enc` Tessera supports. */
export type JweContentAlgorithm = (typeof JWE_CONTENT_ALGORITHMS)[number];

/** Any algorithm a key can be bound to. */
export type KeyAlgorithm = JwsAlgorithm | JweKeyAlgorithm;

/** Exact key size in bytes each `enc` needs for `dir` (RFC 7518 §5). */
export const CONTENT_KEY_BYTES: Readonly<Record<JweContentAlgorithm, number>> = Object.freeze({
  A128GCM: 16,
  A192GCM: 24,
  A256GCM: 32,
  'A128CBC-HS256': 32,
  'A192CBC-HS384': 48,
  'A256CBC-HS512': 64,
});

/** Minimum HMAC key size in bytes per algorithm (RFC 7518 §3.2: at least the hash output size). */
export const HMAC_MIN_KEY_BYTES: Readonly<Record<'HS256' | 'HS384' | 'HS512', number>> = Object.freeze({
  HS256: 32,
  HS384: 48,
  HS512: 64,
});

const jwsSet: ReadonlySet<string> = new Set(JWS_ALGORITHMS);
const jweAlgSet: ReadonlySet<string> = new Set(JWE_KEY_ALGORITHMS);
const jweEncSet: ReadonlySet<string> = new Set(JWE_CONTENT_ALGORITHMS);

/** True when `alg` is a JWS algorithm Tessera supports. */
export function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && jwsSet.has(alg);
}

/** True when `alg` is a JWE key-management algorithm Tessera supports. */
export function isJweKeyAlgorithm(alg: unknown): alg is JweKeyAlgorithm {
  return typeof alg === 'string' && jweAlgSet.has(alg);
}

/** True for the AES key-wrapping algorithms (`A*KW`, `A*GCMKW`), whose keys are shared secrets. */
export function isKeyWrapAlgorithm(alg: unknown): alg is KeyWrapAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(KEY_WRAP_BYTES, alg);
}

/** True for `RSA-OAEP`, `RSA-OAEP-256`, `RSA-OAEP-384` and `RSA-OAEP-512`. */
export function isRsaOaepAlgorithm(alg: unknown): alg is RsaOaepAlgorithm {
  return alg === 'RSA-OAEP' || alg === 'RSA-OAEP-256' || alg === 'RSA-OAEP-384' || alg === 'RSA-OAEP-512';
}

/** True for `ECDH-ES` and `ECDH-ES+A128KW`/`A192KW`/`A256KW`. */
export function isEcdhAlgorithm(alg: unknown): alg is EcdhAlgorithm {
  return alg === 'ECDH-ES' || alg === 'ECDH-ES+A128KW' || alg === 'ECDH-ES+A192KW' || alg === 'ECDH-ES+A256KW';
}

/** True when `enc` is a JWE content-encryption algorithm Tessera supports. */
export function isJweContentAlgorithm(enc: unknown): enc is JweContentAlgorithm {
  return typeof enc === 'string' && jweEncSet.has(enc);
}
