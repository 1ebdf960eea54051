import type { JweContentAlgorithm, JwsAlgorithm, JwtClaims, TesseraKey } from '@tessera/core';

/**
 * How a client's access tokens are packaged: `jwt` a signed RFC 9068 JWT, `jwe` that JWT encrypted to a public key
 * (nested, `cty: JWT`), `jwe-dir` that JWT encrypted under a shared `dir` secret (the JWE service's format), `opaque`
 * a 256-bit random string whose record lives in the store.
 */
export type TokenFormat = 'jwt' | 'jwe' | 'jwe-dir' | 'opaque';

/** The grant types the issuer implements at `POST /token`. */
export type GrantType = 'client_credentials' | 'refresh_token' | 'authorization_code' | 'password';

/** Encryption of a client's `jwe` / `jwe-dir` access tokens. */
export interface ClientEncryptionConfig {
  /**
   * `jwe-dir`: the shared secret — base64 (the JWE service's `/generate-jwe-key` output), or `{ hex }`, or a
   * `TesseraKey` from `importSecret`; sized exactly for `enc` ("expected 32 bytes for A256GCM, got 31").
   * `jwe`: the recipient's public key (PEM text, a JWK object or JSON text, or a `TesseraKey`); without it, tokens
   * are encrypted to the issuer's current `enc` key (`encryptionKeys`).
   */
  key?: string | { hex: string } | Record<string, unknown> | TesseraKey;
  /**
   * Key management for a `jwe` recipient key given as PEM or a JWK without `alg` (`RSA-OAEP-256`, `ECDH-ES`,
   * `ECDH-ES+A128KW`…). `dir` for `jwe-dir`.
   */
  alg?: string;
  /**
   * Content encryption.
   * @default 'A256GCM'
   */
  enc?: JweContentAlgorithm;
  /**
   * `'DEF'` to compress before encrypting (length can leak content; the JWE service's `compression: DEF`).
   * @default undefined (no compression)
   */
  zip?: 'DEF' | null;
}

/**
 * A client as configured in code, or as read from a YAML/JSON file (same fields; `${ENV_VAR}` interpolated in files).
 * Validated once at start-up: an error names the client and the field.
 */
export interface ClientConfig {
  /** The `client_id`. */
  id: string;
  /**
   * The client secret in the clear (typically `${CLIENT_SECRET}` from the environment). Hashed at start-up (scrypt);
   * the clear text is not kept. Give `secret` or `secretHash` for a confidential client, neither for a public one.
   */
  secret?: string;
  /** A secret hashed ahead of time with `hashClientSecret` (`scrypt$…`): files then never hold the secret. */
  secretHash?: string;
  /**
   * A public client (no secret; `token_endpoint_auth_method: none`): it must use PKCE, and with DPoP its refresh
   * tokens are bound to its key. Implied when neither `secret` nor `secretHash` is given.
   * @default false when a secret is given
   */
  public?: boolean;
  /**
   * Grant types the client may use.
   * @default ['client_credentials'] for a confidential client, ['authorization_code', 'refresh_token'] for a public one
   */
  grants?: GrantType[];
  /**
   * Scopes the client may be granted.
   * @default []
   */
  scopes?: string[];
  /**
   * Scopes granted when the request names none.
   * @default scopes
   */
  defaultScopes?: string[];
  /** Redirect URIs for `authorization_code` (exact match, RFC 9700 §4.1.3). */
  redirectUris?: string[];
  /**
   * The `aud` of the client's access tokens (the resource server).
   * @default the issuer's `audience` option
   */
  audience?: string | string[];
  /** Static claims added to every access token of the client (e.g. `tier`, `models`). Registered claims are refused. */
  claims?: JwtClaims;
  /**
   * Access token format.
   * @default 'jwt'
   */
  format?: TokenFormat;
  /**
   * Which of the issuer's signing keys signs the client's tokens, by `alg` (e.g. `'ES256'`).
   * @default the issuer's current signing key
   */
  signingAlg?: JwsAlgorithm;
  /**
   * A key of the client's own that signs its tokens instead of the issuer's (the JWE service's `jwt_config`
   * `secret_key` for HS256): an HS* secret (text, or `{ hex }`), or a `TesseraKey`. It never appears in the JWKS.
   */
  signingKey?: string | { hex: string } | TesseraKey;
  /** `alg` of `signingKey` when given as text. @default 'HS256' */
  signingKeyAlg?: JwsAlgorithm;
  /** Encryption of `jwe` and `jwe-dir` tokens. */
  encryption?: ClientEncryptionConfig;
  /**
   * Access token lifetime (seconds or `'15m'`).
   * @default the issuer's `accessTokenTtl`
   */
  accessTokenTtl?: number | string;
  /**
   * Refresh token lifetime (seconds or `'14d'`); each rotation starts a new one, capped by `refreshTokenFamilyTtl`.
   * @default the issuer's `refreshTokenTtl`
   */
  refreshTokenTtl?: number | string;
  /**
   * The subject of `client_credentials` tokens.
   * @default the client id
   */
  subject?: string;
  /**
   * The `systemId` that `GET /verify-token` answers for the client's tokens (remote-verify-token contract).
   * @default the client id
   */
  systemId?: string;
  /**
   * May introspect tokens of other clients (a resource server). Every client may introspect its own.
   * @default false
   */
  introspect?: boolean;
  /**
   * Refuse `/token` requests without a valid DPoP proof (RFC 9449).
   * @default false
   */
  requireDpop?: boolean;
  /**
   * `'jwe-service'` accepts the reference JWE service's JSON login body (`{ username, password, api_key }`, the
   * `api_key` being this client's id) at `/token` and answers in its shape (`token_type: "JWE"`, `encryption`,
   * `note`). Needs `authenticateUser` on the issuer.
   * @default 'oauth'
   */
  compat?: 'oauth' | 'jwe-service';
  /** Free-form data kept with the client (the API-key file's `owner`, …); never put in tokens. */
  metadata?: Record<string, unknown>;
}
