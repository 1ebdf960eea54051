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
 * Compatibility settings: each reads one kind of token a peer library writes in departure from the RFCs. All are off
 * by default, each must be named to be turned on, and none changes what Tessera writes (it never writes such tokens).
 * Unknown names are rejected.
 *
 * @see the "Compatibility settings" section of the `@tessera/core` README for the peers and RFC sections
 * @example
 * ```ts
 * // Tokens from a python-jose 3.3 service: A256GCM with a 16-byte IV, zip DEF as zlib, no cty on nested JWTs.
 * const compat: VerifyCompatOptions = { gcmIv128: true, zlibDeflate: true, nestedWithoutCty: true }
 * ```
 */
export interface VerifyCompatOptions {
  /**
   * Accept an A128GCM/A192GCM/A256GCM JWE whose IV is exactly 16 bytes (python-jose 3.3 writes them; RFC 7518 §5.3
   * requires 12). Any other IV length stays rejected. Applies under every key management but `ECDH-ES*`.
   * @default false
   * @see https://www.rfc-editor.org/rfc/rfc7518#section-5.3
   */
  gcmIv128?: boolean;
  /**
   * Read a `zip: "DEF"` JWE whose plaintext is a zlib stream (RFC 1950 header and Adler-32, as python-jose 3.3 writes)
   * instead of raw DEFLATE (RFC 7516 §4.1.3): tried only when raw inflation fails and the data has a valid zlib
   * header; the Adler-32 and `maxInflatedSize` are enforced. Applies under every key management but `ECDH-ES*`.
   * @default false
   * @see https://www.rfc-editor.org/rfc/rfc7516#section-4.1.3
   */
  zlibDeflate?: boolean;
  /**
   * Under `dir` only: a JWE whose plaintext is exactly `{"jwt": "<compact JWS>"}` (the JWE service's
   * `encrypt_jwt_token`, no `cty`) is read as a nested token: the inner JWS is verified with `keys` and its claims are
   * returned (`format: 'nested'`).
   * @default false
   * @see https://www.rfc-editor.org/rfc/rfc7519#section-5.2
   */
  jwtEnvelope?: boolean;
  /**
   * Read a JWE whose plaintext is a compact JWS although its header has no `cty` (python-jose's `jwe.encrypt`
   * default). The inner signature is verified either way; without this setting such a token is `header_invalid`
   * (`cty`), as RFC 7519 §5.2 requires `cty: "JWT"` on nested JWTs.
   * @default false
   * @see https://www.rfc-editor.org/rfc/rfc7519#section-5.2
   */
  nestedWithoutCty?: boolean;
}

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
   * `kid` and `alg`; a key named in the token (`jwk`, `jku`, `x5u`, `x5c`) is never used. A token's `kid` selects
   * the keys with that `kid`, then the keys imported without one (a PEM without `kid` has its thumbprint as `kid`
   * and still checks an issuer's `kid: "rsa-1"`); a remote JWKS keeps jose's rule (the `kid` must match). Listed
   * keys must be `use: 'sig'` public or secret keys.
   * @default undefined (JWS tokens are then rejected)
   */
  keys?: VerifyKeys;
  /**
   * Keys that decrypt JWE tokens (`dir` and `A*KW`/`A*GCMKW` secrets, RSA-OAEP* / ECDH-ES* private keys), chosen
   * by the same `kid` rule as `keys`. Listed keys must be
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
   * @default every key-management algorithm Tessera supports (`dir`, `RSA-OAEP`, `RSA-OAEP-256/384/512`, `ECDH-ES`,
   *   `ECDH-ES+A*KW`, `A*KW`, `A*GCMKW`; never `RSA1_5` or `PBES2-*`)
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
   * Expected `typ` of the JWS header (of the JWE header for an unsigned JWE under a shared key). Compared as RFC 7515 §4.1.9
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
   * How many candidate keys one signature (or ciphertext) may be tried with. A token without `kid` is a candidate
   * for every key of its `alg`; this bounds what one request can cost against a large key set (the best candidates —
   * in a `KeySet` the newest — are tried first). A positive integer.
   * @default 8
   */
  maxKeyTries?: number;
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
   * names anything else is rejected. `b64` (RFC 7797) is not supported: a JWS header with `b64`, in `crit` or not,
   * is rejected (`header_invalid`).
   * @default [] (a token with `crit` is rejected)
   */
  critical?: readonly string[];
  /**
   * Whether every JWE must contain a signed JWT. Without it, a JWE whose plaintext is the claims themselves is
   * accepted only under a shared key — `dir`, `A*KW`, `A*GCMKW` (whoever holds the key made it); under RSA-OAEP or
   * ECDH-ES it is always rejected, since anyone with the public key can encrypt.
   * @default false
   */
  requireSignedJwe?: boolean;
  /**
   * Compatibility settings for tokens of peers that depart from the RFCs (see {@link VerifyCompatOptions}).
   * @default {} (every setting off: only RFC-conformant tokens are read)
   */
  compat?: VerifyCompatOptions;
}
