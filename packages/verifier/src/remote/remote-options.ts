/** Settings every remote strategy shares: the HTTP call, the caches and the circuit breaker. */
export interface RemoteCommonOptions {
  /**
   * Milliseconds for one look-up, retries included; a slower upstream is `issuer_unavailable` (503).
   * @default 3000
   */
  timeout?: number;
  /**
   * Retries after a network error or a 5xx answer, with exponential backoff (never after a timeout or a 4xx).
   * @default 1
   */
  retries?: number;
  /**
   * Longest time a positive answer is cached, in seconds or as a duration; never past the token's `exp` (when the
   * answer or the token tells it).
   * @default '5m'
   */
  cacheTtl?: number | string;
  /**
   * How long a negative answer ("not valid", "inactive") is cached, so a flood of one bad token is not forwarded.
   * @default '5s'
   */
  negativeCacheTtl?: number | string;
  /**
   * The circuit breaker: after `failureThreshold` failed look-ups in a row the upstream is not called for
   * `resetTimeout` (answers are 503 with `Retry-After`), then one probe is let through; its success closes the circuit.
   * `false` turns it off.
   * @default { failureThreshold: 5, resetTimeout: '10s' }
   */
  breaker?: false | { failureThreshold?: number; resetTimeout?: number | string };
  /**
   * `Retry-After` seconds of a 503 when the breaker is closed (an open breaker says how long it stays open).
   * @default 5
   */
  retryAfter?: number;
  /** Extra request headers for the upstream. @default none */
  headers?: Record<string, string>;
}

/** Names of the fields of a verify-token answer (`{ valid, systemId, message }` in the reference). */
export interface VerifyTokenFields {
  /** The boolean verdict. @default 'valid' */
  valid?: string;
  /** The identity (becomes `subject` and `sub`). @default 'systemId' */
  subject?: string;
  /** A message shown with a negative verdict. @default 'message' */
  message?: string;
  /** An optional expiry (seconds since the epoch) bounding the cache. @default 'exp' */
  expiresAt?: string;
}

/**
 * Verify-token delegation (`reference/remote-verify-token.md`): the caller's token goes to `url` as
 * `Authorization: Bearer <token>`; the answer `{ valid, systemId, message }` decides.
 */
export interface VerifyTokenRemoteOptions extends RemoteCommonOptions {
  kind: 'verify-token';
  /** The verify-token endpoint. */
  url: string;
  /** @default 'GET' */
  method?: 'GET' | 'POST';
  /** Field names of the answer. */
  fields?: VerifyTokenFields;
}

/** How the verifier authenticates to the introspection endpoint (RFC 7662 §2.1, through oauth4webapi). */
export type IntrospectionClientAuth =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientSecret: string }
  | { method: 'private_key_jwt'; privateKey: CryptoKey; kid?: string }
  | { method: 'none' };

/** RFC 7662 token introspection. */
export interface IntrospectionRemoteOptions extends RemoteCommonOptions {
  kind: 'introspection';
  /** The introspection endpoint. */
  url: string;
  /** The authorization server's issuer identifier (checked on JWT answers, used as `iss`). @default the URL's origin */
  issuer?: string;
  /** This resource server's client id at the authorization server. */
  clientId: string;
  /** Client authentication. @default `client_secret_basic` when `clientSecret` is given */
  clientAuth?: IntrospectionClientAuth;
  /** Shorthand for `clientAuth: { method: 'client_secret_basic', clientSecret }`. */
  clientSecret?: string;
  /** When set, an active token's `aud` must contain one of these, else `invalid_token`. */
  audience?: string | readonly string[];
}

/** The remote strategy: verify-token delegation or RFC 7662 introspection. */
export type RemoteOptions = VerifyTokenRemoteOptions | IntrospectionRemoteOptions;
