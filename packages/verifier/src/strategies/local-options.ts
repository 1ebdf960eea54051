import type { Jwk, VerifyKeys, VerifyOptions } from '@tessera/core';

/** How a remote JWKS (`jwksUri`) is fetched and kept. */
export interface JwksFetchOptions {
  /**
   * How long a fetched set is used before it is refreshed (in the background), in seconds or as a duration.
   * @default '10m'
   */
  cacheMaxAge?: number | string;
  /**
   * After a fetch, how long before an unknown `kid` may trigger another fetch.
   * @default '30s'
   */
  cooldown?: number | string;
  /**
   * How long the keys are kept past `cacheMaxAge` while the JWKS endpoint fails; after that, verification answers
   * `jwks_unavailable` (503), never 401.
   * @default '1h'
   */
  keepKeysFor?: number | string;
  /**
   * How long one fetch may take, in milliseconds.
   * @default 5000
   */
  timeout?: number;
}

/**
 * One issuer whose tokens are verified here (the local strategy): core's verification policy
 * ({@link VerifyOptions}: `issuer`, `audience`, `algorithms`, `typ`, `clockTolerance`, `compat`, …) plus where its
 * keys come from — exactly one of `keys`, `secret`, `publicKey`, `jwksUri` for signatures, and optionally
 * `decryptionKeys` for JWE.
 *
 * @example
 * ```ts
 * const local: LocalIssuerOptions = { jwksUri: 'https://issuer.example/jwks', issuer: 'https://issuer.example', audience: 'api' };
 * ```
 */
export interface LocalIssuerOptions extends Omit<VerifyOptions, 'keys' | 'decryptionKeys'> {
  /** Signature keys: a `TesseraKey`, a list, a `KeySet` or any `KeyResolver` (or a promise of one). */
  keys?: VerifyKeys | Promise<VerifyKeys>;
  /**
   * An HMAC secret (UTF-8 text or bytes), imported for each HS* algorithm of `algorithms`.
   * @default undefined; `algorithms` defaults to `['HS256']` with it
   */
  secret?: string | Uint8Array;
  /** A public key as PEM (then `algorithms` is required) or as a JWK (its `alg`, or `algorithms[0]`). */
  publicKey?: string | Jwk;
  /** The issuer's `jwks_uri`: keys fetched over HTTP, refreshed, refetched on an unknown `kid`, kept through outages. */
  jwksUri?: string;
  /** How `jwksUri` is fetched and kept. */
  jwks?: JwksFetchOptions;
  /** JWE decryption keys (`dir` secrets, RSA-OAEP / ECDH-ES private keys), or a promise of them. */
  decryptionKeys?: VerifyKeys | Promise<VerifyKeys>;
}
