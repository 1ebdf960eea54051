import type { TokenStore } from '@tessera/core';
import type { DpopNonceSource } from './dpop/create-dpop-nonce-source.js';
import type { DpopAlgorithm } from './dpop/create-dpop-proof-verifier.js';
import type { ExtractOptions } from './extract-token.js';
import type { RemoteOptions } from './remote/remote-options.js';
import type { LocalIssuerOptions } from './strategies/local-options.js';
import type { OpaqueOptions } from './strategies/opaque-strategy.js';
import type { AuthResult, DpopMode, StrategyName, VerifierHooks } from './types.js';

/** The verified-claims cache. */
export interface CacheOptions {
  /** Most tokens kept in memory (LRU). @default 10000 */
  max?: number;
  /**
   * Longest time a verdict is kept, in seconds or as a duration; never past the token's `exp`.
   * @default '5m'
   */
  maxTtl?: number | string;
  /**
   * Also cache verified claims in `store` (`cacheClaims` / `getCachedClaims`), shared by every instance using it.
   * Local and remote verdicts only (an opaque look-up is already one store read).
   * @default false
   */
  store?: boolean;
}

/** DPoP (RFC 9449) at the resource server. */
export interface DpopOptions {
  /**
   * Which schemes requests may use: `bearer` (DPoP-bound tokens are still refused as Bearer), `dpop` (required),
   * `either`. Routes can override it.
   * @default 'bearer'
   */
  mode?: DpopMode;
  /** Proof algorithms accepted (advertised in `algs`). @default every asymmetric algorithm */
  algorithms?: readonly DpopAlgorithm[];
  /** Largest proof age, in seconds or as a duration. @default 60 */
  maxAge?: number | string;
  /** Clock skew on a proof's `iat`. @default 10 */
  clockTolerance?: number | string;
  /** Server nonces (see `createDpopNonceSource`). @default none */
  nonce?: DpopNonceSource;
  /**
   * The origin clients address (`https://api.example`), when a proxy in front changes it; `htu` is compared with
   * it plus the request path. @default the request's own URL
   */
  publicOrigin?: string;
}

/** A per-subject or per-client request limit on the store's fixed-window counter. */
export interface RateLimitOptions {
  /** Requests allowed per window. */
  limit: number;
  /** The window, in seconds or as a duration (`'1m'`). */
  window: number | string;
  /**
   * What is counted: the subject, the client (`client_id`, else `azp`), or a key of your own (undefined: not counted).
   * @default 'subject'
   */
  by?: 'subject' | 'client' | ((auth: AuthResult) => string | undefined);
}

/**
 * Options of {@link createVerifier}. At least one strategy (`local`, `remote`, `opaque`) is required; everything
 * is validated once, at construction, and a bad option throws `TesseraArgumentError` naming it.
 */
export interface VerifierOptions extends VerifierHooks {
  /** Tokens verified here; a list means several issuers, chosen by the token's `iss`. */
  local?: LocalIssuerOptions | readonly LocalIssuerOptions[];
  /** Tokens checked by asking the issuer (verify-token or RFC 7662 introspection). */
  remote?: RemoteOptions;
  /** Opaque tokens looked up in `store` (`true` for the defaults). */
  opaque?: boolean | OpaqueOptions;
  /**
   * The token store: opaque tokens, the `jti` denylist, sessions, rate-limit counters, DPoP replay markers and the
   * shared claims cache. Required by `opaque`, `revocation`, `session`, `rateLimit` and `cache.store`.
   * @default undefined (DPoP replay is then remembered in this process only)
   */
  store?: TokenStore;
  /**
   * Which strategy takes a token, by shape: the first in this order that can (local takes 3-segment tokens when it
   * has signature keys and 5-segment ones when it has decryption keys; opaque takes the rest; remote takes any).
   * @default ['local', 'opaque', 'remote']
   */
  strategies?: readonly StrategyName[];
  /** The verified-claims cache, or `false` to verify every time. @default {} (on, memory only) */
  cache?: false | CacheOptions;
  /** Check the token's `jti` against the store's denylist on every request (cache hits too). @default false */
  revocation?: boolean;
  /**
   * Session mode (the nested reference's): a token counts only while `store.hasSession(jti)`; tokens without `jti`
   * are refused. @default false
   */
  session?: boolean;
  /** A request limit per subject or client; 429 with `Retry-After` past it. @default none */
  rateLimit?: RateLimitOptions;
  /** DPoP settings. @default { mode: 'bearer' } */
  dpop?: DpopOptions;
  /** Where tokens are looked for. @default { authorization: true } */
  extract?: ExtractOptions;
  /** The `realm` of every challenge. @default none */
  realm?: string;
  /** Whether a request without a token is refused (`missing_token`). @default true */
  credentialsRequired?: boolean;
  /** Largest token accepted, in bytes, before anything else. @default 8192 */
  maxTokenSize?: number;
  /** The clock (token times, caches, DPoP). @default () => new Date() */
  currentDate?: () => Date;
}
