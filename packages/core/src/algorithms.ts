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

/** JWE key-management algorithms (`alg`) Tessera supports. */
export const JWE_KEY_ALGORITHMS = [
  'dir',
  'RSA-OAEP-256',
  'ECDH-ES',
  'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW',
] as const;

/** A JWE `alg` Tessera supports. */
export type JweKeyAlgorithm = (typeof JWE_KEY_ALGORITHMS)[number];

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

/** True when `enc` is a JWE content-encryption algorithm Tessera supports. */
export function isJweContentAlgorithm(enc: unknown): enc is JweContentAlgorithm {
  return typeof enc === 'string' && jweEncSet.has(enc);
}
