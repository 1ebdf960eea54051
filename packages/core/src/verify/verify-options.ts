import type { JweContentAlgorithm, JweKeyAlgorithm, JwsAlgorithm } from '../algorithms.js';
import type { VerificationEngine } from '../lib/engine.js';
import type { KeyResolver, TesseraKey } from '../types.js';

/**
 * Where the verifier finds keys: a resolver (a `KeySet`, a remote JWKS), one key, or a list of keys.
 *
 * @example
 * ```ts
 * const keys: VerifyKeys = [currentKey, previousKey] // rotation: both verify until the old one is dropped
 * ```
 */
export type VerifyKeys = KeyResolver | TesseraKey | readonly TesseraKey[];

/**
 * Options of {@link createTokenVerifier} and {@link verifyToken}. Validated once when the verifier is built; a bad
 * option throws a `TesseraArgumentError` (`invalid_argument`) naming it. Unknown option names are rejected too.
 *
 * At least one of `keys` and `decryptionKeys` is required.
 *
 * @example
 * ```ts
 * const options: VerifyOptions = { keys: [signingKey], issuer: 'https://issuer.example', audience: 'api' }
 * ```
 */
export interface VerifyOptions {
  /**
   * Keys that check JWS signatures, including the inner JWS of a nested token. Keys are chosen only by the token's
   * `kid` and `alg`; a key named in the token (`jwk`, `jku`, `x5u`, `x5c`) is never used. Listed keys must be
   * `use: 'sig'` public or secret keys.
   * @default undefined (JWS tokens are then rejected)
   */
  keys?: VerifyKeys;
  /**
   * Keys that decrypt JWE tokens (`dir` secrets, RSA-OAEP-256 / ECDH-ES private keys). Listed keys must be
   * `use: 'enc'` secret or private keys.
   * @default undefined (JWE tokens are rejected with `alg_not_allowed`)
   */
  decryptionKeys?: VerifyKeys;
  /**
   * Accepted JWS `alg` values (outer and inner). `none` is never accepted, whatever this says.
   * @default the algorithms of the keys `keys` lists at construction; for a resolver that lists none (a remote JWKS
   *   not fetched yet), every asymmetric JWS algorithm
   */
  algorithms?: readonly JwsAlgorithm[];
  /**
   * Accepted JWE `alg` values.
   * @default every key-management algorithm Tessera supports (`dir`, `RSA-OAEP-256`, `ECDH-ES`, `ECDH-ES+A*KW`)
   */
  keyManagementAlgorithms?: readonly JweKeyAlgorithm[];
  /**
   * Accepted JWE `enc` values.
   * @default every content encryption Tessera supports (`A*GCM`, `A*CBC-HS*`)
   */
  contentEncryptionAlgorithms?: readonly JweContentAlgorithm[];
  /**
   * Whether a JWE may use `zip: "DEF"`; its plaintext is inflated up to `maxInflatedSize` bytes.
   * @default true
   */
  allowCompression?: boolean;
  /**
   * Expected `typ` of the JWS header (of the JWE header for an unsigned `dir` JWE). Compared as RFC 7515 §4.1.9
   * says: case-insensitively, with the `application/` prefix optional (`'at+jwt'` matches `application/AT+JWT`).
   * @default undefined (any or no `typ`)
   */
  typ?: string | readonly string[];
  /**
   * Expected `iss`: the claim must equal one of these.
   * @default undefined (not checked)
   */
  issuer?: string | readonly string[];
  /**
   * Expected audience: `aud` (a string or an array) must contain one of these.
   * @default undefined (not checked)
   */
  audience?: string | readonly string[];
  /**
   * Expected subject, compared with the claim named by `subjectClaim`; a mismatch is `wrong_token_subject`.
   * @default undefined (not checked)
   */
  subject?: string;
  /**
   * Claim that holds the subject. The jwt_encrypt/jwt_decrypt module writes `subject` instead of `sub`.
   * @default 'sub'
   */
  subjectClaim?: string;
  /**
   * Whether a token must carry `exp`. Turning it off accepts tokens that never expire: do it only for a legacy
   * issuer that cannot set `exp`.
   * @default true
   */
  requireExp?: boolean;
  /**
   * Maximum age since `iat`, in seconds or as a duration (`'2h'`); requires `iat`.
   * @default undefined (not checked)
   */
  maxTokenAge?: number | string;
  /**
   * Clock skew allowed on `exp`, `nbf`, `iat` and `maxTokenAge`, in seconds or as a duration (`'30s'`).
   * @default 0
   */
  clockTolerance?: number | string;
  /**
   * Claims that must be present.
   * @default []
   */
  requiredClaims?: readonly string[];
  /**
   * Largest token accepted, in bytes; checked before anything is parsed.
   * @default 8192
   */
  maxTokenSize?: number;
  /**
   * Largest plaintext a `zip: "DEF"` JWE may inflate to, in bytes.
   * @default 262144
   */
  maxInflatedSize?: number;
  /**
   * Clock for the time-based claims (tests, test vectors, replays with a fixed time).
   * @default () => new Date()
   */
  currentDate?: () => Date;
  /**
   * The cryptographic engine: checks signatures and opens ciphertexts, nothing else. Chosen once, when the verifier
   * is built.
   * @default the default engine: `joseEngine`, or the node:crypto engine under Node's entry of `@tessera/core`;
   *   `TESSERA_ENGINE=jose|node` overrides it
   */
  engine?: VerificationEngine;
  /**
   * `crit` header parameters this caller understands and processes itself (RFC 7515 §4.1.11). A token whose `crit`
   * names anything else is rejected. `b64` (RFC 7797) is not supported.
   * @default [] (a token with `crit` is rejected)
   */
  critical?: readonly string[];
  /**
   * Whether every JWE must contain a signed JWT. Without it, a JWE whose plaintext is the claims themselves is
   * accepted only under `dir` (whoever holds the shared key made it); under RSA-OAEP or ECDH-ES it is always
   * rejected, since anyone with the public key can encrypt.
   * @default false
   */
  requireSignedJwe?: boolean;
}
