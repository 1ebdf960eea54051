import type { ClientAuth } from 'oauth4webapi';
import type { StorageAdapter } from './storage/storage-adapter.js';

/** Explicit endpoints, for issuers without RFC 8414 / OIDC metadata (or to skip the discovery round trip). */
export interface TokenClientEndpoints {
  /** The token endpoint (RFC 6749 §3.2). */
  token: string;
  /** The authorization endpoint, for `authorizeUrl()`. */
  authorization?: string;
  /** The revocation endpoint (RFC 7009), used by `logout()`. */
  revocation?: string;
  /** The issuer identifier. @default the token endpoint's origin */
  issuer?: string;
}

/**
 * How the client authenticates at the token endpoint: `'none'` (a public client: SPAs, CLIs), a client secret sent
 * with HTTP Basic (`client_secret_basic`, the default for a secret) or in the body (`client_secret_post`), or any
 * oauth4webapi `ClientAuth` (`PrivateKeyJwt(key)`, `ClientSecretJwt(secret)`, `TlsClientAuth()`).
 */
export type ClientAuthOption =
  | 'none'
  | { secret: string; method?: 'client_secret_basic' | 'client_secret_post' }
  | ClientAuth;

/** DPoP (RFC 9449) settings; `true` means all defaults. */
export interface DpopOptions {
  /**
   * The key pair to sign proofs with. By default one is generated with a non-extractable private key and, in
   * browsers, kept in IndexedDB so a reload keeps the binding of the tokens.
   */
  keyPair?: CryptoKeyPair;
  /** The proof algorithm of a generated key. @default 'ES256' */
  alg?: 'ES256' | 'ES384' | 'ES512' | 'PS256' | 'RS256' | 'EdDSA';
  /**
   * Keep a generated key in IndexedDB (browsers). Without it, a reload makes a new key and the old tokens are unusable.
   * @default true where IndexedDB exists
   */
  persist?: boolean;
  /** The IndexedDB database. @default 'tessera' */
  database?: string;
}

/** Options of `createTokenClient`; every duration is in seconds. */
export interface TokenClientOptions {
  /** The issuer identifier, for RFC 8414 (or OIDC, see `discovery`) metadata discovery. Give this or `endpoints`. */
  issuer?: string;
  /** Which well-known document `issuer` serves. @default 'oauth2' (`/.well-known/oauth-authorization-server`) */
  discovery?: 'oauth2' | 'oidc';
  /** Explicit endpoints instead of discovery. */
  endpoints?: TokenClientEndpoints;
  /** The OAuth client identifier. */
  clientId: string;
  /** Token endpoint authentication. @default 'none' */
  clientAuth?: ClientAuthOption;
  /**
   * Where the token set lives: `'memory'`, `'localStorage'`, `'sessionStorage'` or any {@link StorageAdapter}
   * (`indexedDbStorage()`, `fileStorage(path)` from `@tessera/client/node`, your own).
   * @default 'memory'
   */
  storage?: 'memory' | 'localStorage' | 'sessionStorage' | StorageAdapter;
  /**
   * The storage key; also names the cross-tab lock and channel. Give each client/audience its own.
   * @default `tessera:${clientId}`
   */
  storageKey?: string;
  /**
   * Renew this long before the access token expires (never more than half its lifetime, so short-lived tokens are
   * not renewed on every call).
   * @default 30
   */
  refreshSkew?: number;
  /** Renew proactively on a timer (cleared by `close()`); without it, renewal happens when a call needs it. @default true */
  autoRefresh?: boolean;
  /** Scope requested by `authorizeUrl`, `password` and `clientCredentials` unless they are given one. */
  scope?: string;
  /** The redirect URI of the authorization code flow. */
  redirectUri?: string;
  /** Extra parameters on every token request (`resource`, `audience`, …). */
  tokenParameters?: Record<string, string>;
  /** Sender-constrained tokens (RFC 9449): `true` or settings. @default false */
  dpop?: boolean | DpopOptions;
  /** The fetch used for issuer and API requests. @default globalThis.fetch (looked up on each call) */
  fetch?: typeof fetch;
  /** Token and discovery request timeout. @default 10 */
  timeout?: number;
  /**
   * How long a tab waits for the cross-tab refresh lock before taking it over (a tab that froze while holding it
   * must not block the others). Keep it above `timeout`.
   * @default 15
   */
  lockTimeout?: number;
  /** Coordinate refreshes with other tabs (Web Locks, BroadcastChannel, or a localStorage lock). @default true in a document */
  crossTab?: boolean;
  /** At most `max` token requests per `windowSeconds` from this client; more fail with `refresh_rate_limited`. @default { max: 20, windowSeconds: 60 } */
  refreshRateLimit?: { max: number; windowSeconds: number };
  /** Allow `http:` issuer and DPoP API URLs (local development only; tokens travel in clear). @default false */
  allowInsecureRequests?: boolean;
}
