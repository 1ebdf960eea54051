import type { CounterState, JwsAlgorithm, JwtClaims, KeySet, TesseraKey, TokenStore } from '@tessera/core';
import type { Context } from 'koa';
import type { AuditListener } from './audit.js';
import type { ClientConfig } from './clients/client-config.js';

/** A rate limit: at most `max` requests per client in each fixed window of `windowSeconds`. */
export interface RateLimitRule {
  /** Requests allowed per window. */
  max: number;
  /** The window's length in seconds. */
  windowSeconds: number;
}

/** Rate limits per client, counted through the store's `increment` (memory, or shared with `@tessera/redis`). */
export interface RateLimitOptions {
  /** `POST /token` per authenticated client. @default { max: 600, windowSeconds: 60 } */
  token?: RateLimitRule | false;
  /** `POST /introspect` per authenticated client. @default { max: 6000, windowSeconds: 60 } */
  introspect?: RateLimitRule | false;
  /**
   * Failed client authentications per `client_id`; past it the client id is refused without checking the secret
   * (so guessing cannot burn CPU on scrypt). @default { max: 20, windowSeconds: 300 }
   */
  failedAuth?: RateLimitRule | false;
  /**
   * Where hits are counted: `'store'` (the issuer's store: with `@tessera/redis` every process shares the count; one
   * client's hits in one turn of the event loop are one `increment`, sent with the request's own store operation where
   * possible), `'memory'` (this process only, no store operation), or your own counter (called once per hit; same
   * contract as `TokenStore.increment` with one hit).
   * @default 'store'
   */
  counter?: 'store' | 'memory' | ((key: string, windowSeconds: number) => Promise<CounterState>);
}

/** What the public parts of a client look like to hooks. */
export interface IssuerClient {
  /** The `client_id`. */
  readonly id: string;
  /** Scopes it may be granted. */
  readonly scopes: ReadonlySet<string>;
  /** Free-form data from its configuration (the API-key file's `owner`, …). */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A user the login step (`authenticateUser`, `authorize`) vouches for. */
export interface AuthenticatedUser {
  /** The `sub` of the tokens. */
  subject: string;
  /** Claims to put in the access tokens (and carry through refreshes), e.g. `{ email, roles }`. Registered claims are refused. */
  claims?: JwtClaims;
  /** Narrow the granted scopes further (e.g. to what the user consented to). */
  scope?: readonly string[];
}

/** What {@link IssuerOptions.authenticateUser} receives. */
export interface PasswordLogin {
  readonly username: string;
  readonly password: string;
  readonly client: IssuerClient;
  /** The Koa context of the `/token` request (IP, headers). */
  readonly ctx: Context;
}

/** An authorization request (`GET`/`POST /authorize`) that passed the issuer's checks, handed to the login step. */
export interface AuthorizationRequest {
  readonly client: IssuerClient;
  readonly redirectUri: string;
  /** Scopes requested (or the client's defaults), all allowed for the client. */
  readonly scope: readonly string[];
  readonly state: string | undefined;
  /**
   * Every parameter received (query for GET, form body for POST), including the OAuth ones: a login page echoes
   * them as hidden fields and posts them back with its own (`username`, `password`, …).
   */
  readonly parameters: Readonly<Record<string, string>>;
  /** `GET` or `POST`. */
  readonly method: string;
}

/**
 * What the login/consent step decides: a user (a code is issued and the browser redirected), `{ error:
 * 'access_denied' }` (the redirect carries the error), or `undefined` when the step has answered itself (rendered a
 * login page, redirected to an identity provider…).
 */
export type AuthorizationDecision = AuthenticatedUser | { error: 'access_denied'; description?: string } | undefined;

/** DPoP settings (RFC 9449). */
export interface IssuerDpopOptions {
  /**
   * Proof algorithms accepted, advertised as `dpop_signing_alg_values_supported`.
   * @default ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256']
   */
  algorithms?: readonly JwsAlgorithm[];
  /** How old a proof may be (seconds or `'1m'`). @default 60 */
  maxAge?: number | string;
  /** Clock skew allowed on a proof's `iat`. @default 10 */
  clockTolerance?: number | string;
}

/** Options of {@link createIssuer}; validated once at start-up. */
export interface IssuerOptions {
  /**
   * The issuer identifier (`iss` of every token, RFC 8414 `issuer`): an https URL (http only on loopback), no query
   * or fragment. Endpoint URLs in the metadata are this plus the route path, so mount the router at this URL's path.
   */
  issuer: string;
  /**
   * Keys that sign access tokens: a `KeySet` (rotate it while the issuer runs), one key, or a list. At least one
   * current private (or HS*) signing key. Their public halves are published at `/jwks.json`.
   */
  signingKeys: KeySet | TesseraKey | readonly TesseraKey[];
  /**
   * Private keys nested `jwe` tokens are encrypted to (by default) and decrypted with (introspection,
   * `/verify-token`); their public halves are published at `/jwks.json` with `use: enc`.
   * @default none
   */
  encryptionKeys?: KeySet | TesseraKey | readonly TesseraKey[];
  /** The clients, from code or `loadClients(...)`. */
  clients: readonly ClientConfig[];
  /**
   * Where opaque tokens, refresh-token families, the denylist, codes, counters and DPoP `jti`s live.
   * @default a new `MemoryTokenStore` (one process; closed by `issuer.close()`)
   */
  store?: TokenStore;
  /**
   * Default `aud` of access tokens.
   * @default the issuer identifier
   */
  audience?: string | string[];
  /** Access token lifetime. @default '10m' */
  accessTokenTtl?: number | string;
  /** Refresh token lifetime; each rotation starts a new one. @default '14d' */
  refreshTokenTtl?: number | string;
  /** Absolute lifetime of a refresh-token family (rotation never extends a grant past it). @default '30d' */
  refreshTokenFamilyTtl?: number | string;
  /** Authorization code lifetime. @default '60s' */
  authorizationCodeTtl?: number | string;
  /**
   * Reuse grace window in seconds: presenting the immediately previous refresh token within this time after it
   * was rotated returns the same successor token set instead of revoking the family (racing tabs). 0 turns it off.
   * @default 0
   */
  refreshGraceSeconds?: number;
  /** Per-client rate limits, or `false` for none. @default see {@link RateLimitOptions} */
  rateLimit?: RateLimitOptions | false;
  /** DPoP proof settings. */
  dpop?: IssuerDpopOptions;
  /** The password grant (and the JWE service's JSON login): checks a user's credentials. Without it, `password` is refused. */
  authenticateUser?: (login: PasswordLogin) => Promise<AuthenticatedUser | undefined | null>;
  /**
   * The login/consent step of `authorization_code`. Without it, `/authorize` is not served.
   * @see AuthorizationDecision
   */
  authorize?: (request: AuthorizationRequest, ctx: Context) => Promise<AuthorizationDecision>;
  /** Receives one typed event per token operation; never the token itself. Errors it throws are ignored. */
  onAudit?: AuditListener;
  /**
   * Developer tools (`/generate-jwe-key`, `/encrypt-jwe`, `/decrypt-jwe`, `/decode`, `/issue`, `/verify`): **unsafe in
   * production** (they take keys in request bodies and mint tokens with throwaway keys). Answered only to loopback
   * peers.
   * @default false
   */
  devTools?: boolean;
  /** Largest request body accepted, in bytes. @default 16384 */
  maxBodyBytes?: number;
  /** The clock in milliseconds since the epoch (tests). @default Date.now */
  now?: () => number;
}
