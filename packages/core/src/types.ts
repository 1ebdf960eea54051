import type { JWK } from 'jose';
import type { JweContentAlgorithm, KeyAlgorithm } from './algorithms.js';

/** What a key is for: signing/verifying (`sig`) or encryption/decryption (`enc`) — the JWK `use` values. */
export type KeyUse = 'sig' | 'enc';

/** A JSON Web Key as Tessera reads and writes it (jose's `JWK`). */
export type Jwk = JWK;

/** A JSON Web Key Set. */
export interface Jwks {
  keys: Jwk[];
}

/**
 * A key imported once and bound to one algorithm: what every sign, encrypt, verify and decrypt call takes.
 *
 * Created by the key importers (`importSecret`, `importPem`, `importJwk`, `importJwks`, `generateKeyPair`); never
 * built by hand. Immutable.
 */
export interface TesseraKey {
  /**
   * Key id; for asymmetric keys the RFC 7638 thumbprint unless one was given. A key whose `kid` was given (an import
   * option, the JWK's `kid`) checks only tokens with that `kid`; one imported without (`undefined`, or the computed
   * thumbprint) also checks tokens with another `kid` or none, after the exact matches.
   */
  readonly kid: string | undefined;
  /** The one algorithm this key is used with (a JWS `alg`, or a JWE `alg` such as `dir` or `RSA-OAEP-256`). */
  readonly alg: KeyAlgorithm;
  /** For `dir` keys: the content encryption the key is sized for (key-wrapping keys wrap a content key of any `enc`). */
  readonly enc: JweContentAlgorithm | undefined;
  /** `sig` or `enc`. */
  readonly use: KeyUse;
  /** `secret` (symmetric), `public` or `private`. */
  readonly type: 'secret' | 'public' | 'private';
  /** The key in the form jose takes: a `CryptoKey`, or raw bytes for symmetric keys. */
  readonly key: CryptoKey | Uint8Array;
  /** The public JWK (asymmetric keys only; never private members). Carries `kid`, `alg`, `use`. */
  readonly publicJwk: Jwk | undefined;
  /**
   * Set on a key that RFC 7518 forbids but a compatibility import option let in (`allowShortKey`, `allowWeakRsa`):
   * it verifies a peer's tokens and can never sign or encrypt. Names the option used.
   * @default undefined (an ordinary key)
   */
  readonly verifyOnly?: VerifyOnlyReason;
}

/** The import option that let a weak key in (see {@link TesseraKey.verifyOnly}). */
export type VerifyOnlyReason = 'allowShortKey' | 'allowWeakRsa';

/** Registered JWT claims (RFC 7519 §4.1) plus any custom claims. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** A JOSE protected header as parsed from a token. */
export interface JoseHeader {
  alg: string;
  enc?: string;
  typ?: string;
  cty?: string;
  kid?: string;
  zip?: string;
  crit?: string[];
  [param: string]: unknown;
}

/**
 * Finds the keys that may check a token. A local {@link KeySet}, a remote JWKS and a single key all implement it, so
 * the verify policy does not care where keys come from.
 *
 * Implementations select by the header's `kid` (when present) and `alg` only; they never take a key from the token
 * (`jwk`, `jku`, `x5u`, `x5c` are ignored).
 */
export interface KeyResolver {
  /**
   * Keys that may check a token with this protected header, best candidate first. An empty list means "no key"
   * (the verifier answers `key_not_found`). May throw `jwks_unavailable` when a remote source is down.
   */
  resolve(header: JoseHeader, use: KeyUse): readonly TesseraKey[] | Promise<readonly TesseraKey[]>;
  /** Every key known right now (so an engine can prepare them up front). Optional for remote sources. */
  list?(): readonly TesseraKey[];
}
