import type { KyInstance } from 'ky';
import type { TokenClientEvents, TokenClientListener } from './events.js';
import type { TokenSet } from './token-set.js';

/** Options of {@link TokenClient.authorizeUrl}. */
export interface AuthorizeUrlOptions {
  /** @default the client's `redirectUri` */
  redirectUri?: string;
  /** @default the client's `scope` */
  scope?: string;
  /** More authorization request parameters (`prompt`, `login_hint`, `resource`, …). */
  parameters?: Record<string, string>;
}

/** Credentials of the resource owner password grant (RFC 6749 §4.3). */
export interface PasswordCredentials {
  username: string;
  password: string;
  /** @default the client's `scope` */
  scope?: string;
  /**
   * The reference JWE service's API key: with it, the request is that service's JSON body
   * `{ username, password, api_key }` instead of the RFC 6749 form, and its `token_type: "JWE"` answer is accepted
   * (the tokens are then sent as `Bearer`).
   */
  apiKey?: string;
}

/**
 * A token client: holds one token set, keeps it fresh, and attaches it to API calls.
 *
 * Create one per issuer/client/audience with `createTokenClient` and keep it for the page's (or process's) life;
 * `close()` it when done (tests, CLIs).
 */
export interface TokenClient {
  /**
   * A `ky` instance whose hooks attach the access token (renewing it first when it is near expiry), and on a 401
   * with `WWW-Authenticate: … error="invalid_token"` renew once and retry once (a DPoP `use_dpop_nonce` challenge is
   * retried once with the server's nonce). The retry counts against ky's `retry.limit` (default 2); with `retry: 0`
   * the 401 is returned as it is. Extend it for an API: `client.ky.extend({ prefixUrl: 'https://api.example' })`.
   */
  readonly ky: KyInstance;

  /**
   * `fetch` with the token attached, renewal before expiry, and one renewal + retry on a 401 `invalid_token` (never
   * more: a 401 that persists is returned). For any HTTP client that takes a fetch function; like every method of the
   * client, it works detached (`{ fetch: client.fetch }`).
   * @throws `not_authenticated` when there is no token set; `invalid_grant` when the renewal was refused (logged out)
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;

  /**
   * A valid access token, renewed first when it is within `refreshSkew` of expiry (concurrent callers share one
   * renewal). If the renewal fails for a network reason while the current token has not expired yet, that token is
   * returned.
   * @throws `not_authenticated`, `invalid_grant`, `issuer_unavailable`, `refresh_rate_limited`, …
   */
  getAccessToken(): Promise<string>;

  /** The current token set without renewing it, or `undefined` when logged out. */
  getTokens(): Promise<TokenSet | undefined>;

  /**
   * Renews now (refresh_token grant with rotation, or client_credentials again), even if the token is fresh;
   * concurrent calls and other tabs share one request.
   * @throws like {@link TokenClient.getAccessToken}
   */
  refresh(): Promise<TokenSet>;

  /**
   * Starts the authorization code flow with PKCE (S256): makes a verifier and a state, keeps them for
   * {@link TokenClient.handleRedirect} (in `sessionStorage` where there is one, else the client's storage) and returns
   * the URL to send the user to. With DPoP, `dpop_jkt` binds the code to the key.
   * @throws `endpoint_missing` without an authorization endpoint; `discovery_failed`
   * @see RFC 7636
   */
  authorizeUrl(options?: AuthorizeUrlOptions): Promise<URL>;

  /**
   * Finishes the authorization code flow on the redirect URI: checks the state, exchanges the code with the PKCE
   * verifier, and stores the token set. The pending state is used once.
   * @param url - the URL the authorization server redirected to @default location.href
   * @throws `authorization_failed` (an `error` in the callback, a state mismatch, nothing pending), `invalid_grant`, …
   */
  handleRedirect(url?: string | URL): Promise<TokenSet>;

  /**
   * The client_credentials grant (services): the token set is renewed with the same grant when it nears expiry.
   * @throws `token_request_failed` (`invalid_client`, …), `issuer_unavailable`, `invalid_token_response`
   */
  clientCredentials(options?: { scope?: string }): Promise<TokenSet>;

  /**
   * The resource owner password grant, for issuers that still use it (RFC 6749 §4.3; the reference JWE service).
   * @throws `invalid_grant` (wrong credentials), `token_request_failed`, `issuer_unavailable`, `invalid_token_response`
   */
  password(credentials: PasswordCredentials): Promise<TokenSet>;

  /**
   * Logs out: forgets the token set here and in storage, tells the other tabs, emits `logout`, then revokes the
   * refresh token (or the access token) at the issuer (RFC 7009) when it has a revocation endpoint. The local logout
   * happens even if revocation fails.
   * @param options - `revoke: false` skips revocation
   * @returns whether the issuer confirmed the revocation
   */
  logout(options?: { revoke?: boolean }): Promise<{ revoked: boolean }>;

  /**
   * Subscribes to an event.
   * @returns a function that unsubscribes
   */
  on<E extends keyof TokenClientEvents>(event: E, listener: TokenClientListener<E>): () => void;

  /** Stops the renewal timer, closes the cross-tab channel; later calls fail with `client_closed`. */
  close(): void;
}
