import type { JoseHeader, JwtClaims } from '@tessera/core';
import type { DpopProof } from './dpop/create-dpop-proof-verifier.js';
import type { AuthError, AuthErrorCode } from './errors.js';

/** How a token was accepted: verified here (`local`), by asking the issuer (`remote`), or looked up (`opaque`). */
export type StrategyName = 'local' | 'remote' | 'opaque';

/** Which `Authorization` schemes a route takes (RFC 9449 §7). */
export type DpopMode = 'bearer' | 'dpop' | 'either';

/**
 * A verified identity: what the adapters put on `ctx.state.auth` / `req.auth`. Frozen; a cache hit returns the same
 * object again.
 */
export interface AuthResult {
  /** The subject (`sub`, the verify-token answer's subject field, the opaque record's subject). */
  readonly subject: string | undefined;
  /** The verified claims (for remote and opaque tokens: the issuer's answer shaped as claims). Frozen. */
  readonly claims: Readonly<JwtClaims>;
  /** Granted scopes, from a space-separated `scope` and/or an array (or string) `scp`. */
  readonly scopes: readonly string[];
  /** Which strategy accepted the token. */
  readonly strategy: StrategyName;
  /** The token's issuer (`iss`), when known. */
  readonly issuer: string | undefined;
  /** The token as received. Never log it. */
  readonly token: string;
  /** The JWS header the token was signed under (local strategy). */
  readonly header?: Readonly<JoseHeader>;
  /** Sender constraint: the DPoP key thumbprint the token is bound to (RFC 9449 §6). */
  readonly cnf?: Readonly<{ jkt: string }>;
  /** The scheme the token must come with: `DPoP` when it is bound, else `Bearer`. */
  readonly scheme: 'Bearer' | 'DPoP';
  /** The checked DPoP proof of this request (DPoP requests only). */
  readonly dpop?: DpopProof;
  /** When the token expires, seconds since the epoch, when known. */
  readonly expiresAt: number | undefined;
}

/** Request headers as Node (`IncomingHttpHeaders`, lower-case names) or a fetch `Headers` object has them. */
export type HeadersLike = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The parts of a request the verifier reads; adapters build one from their framework's request.
 *
 * @example
 * ```ts
 * const auth = await verifier.authenticate({ method: req.method, url: `https://api.example${req.url}`, headers: req.headers });
 * ```
 */
export interface RequestLike {
  /** The HTTP method (upper case). */
  method: string;
  /**
   * The URL the client addressed: absolute (`https://api.example/orders?x=1`), or a path when DPoP is not used or
   * `dpop.publicOrigin` is set.
   */
  url: string;
  /** The request headers. */
  headers: HeadersLike;
  /** Parsed cookies, when the framework parsed them; otherwise the `Cookie` header is read. */
  cookies?: Readonly<Record<string, string | undefined>>;
}

/** Per-call settings of `authenticate` / `verify` (one route's needs). */
export interface AuthenticateOptions {
  /** Use only this strategy, whatever the token's shape. @default chosen by the token's shape and `strategies` */
  strategy?: StrategyName;
  /** Which schemes this route takes. @default the verifier's `dpop.mode` */
  dpop?: DpopMode;
  /** Whether a request without credentials is refused (`missing_token`) or passes with no identity. @default the verifier's */
  credentialsRequired?: boolean;
}

/** What {@link VerifierHooks.onSuccess} receives. */
export interface SuccessEvent {
  readonly auth: AuthResult;
  readonly strategy: StrategyName;
  readonly issuer: string | undefined;
  /** Whether the verified-claims cache answered (memory or store). */
  readonly cacheHit: boolean;
  /** Milliseconds spent in the verifier. */
  readonly latencyMs: number;
}

/** What {@link VerifierHooks.onFailure} receives. */
export interface FailureEvent {
  readonly error: AuthError;
  readonly code: AuthErrorCode;
  readonly status: number;
  /** The strategy that was chosen, when one was. */
  readonly strategy: StrategyName | undefined;
  /** The issuer, when known. */
  readonly issuer: string | undefined;
  readonly cacheHit: boolean;
  readonly latencyMs: number;
}

/** Observability hooks; called synchronously, a throw inside is caught and ignored. */
export interface VerifierHooks {
  /** After every accepted request or token. */
  onSuccess?: (event: SuccessEvent) => void;
  /** After every refused request or token (anonymous requests passing with `credentialsRequired: false` are neither). */
  onFailure?: (event: FailureEvent) => void;
}
