/**
 * `@tessera/verifier`: framework-neutral request authentication for resource servers — local JWS/JWE verification,
 * remote verify-token delegation and RFC 7662 introspection, opaque-token look-up, a verified-claims cache,
 * revocation and sessions, DPoP (RFC 9449), rate limits and RFC 6750 answers. No Koa or Express import; runs on Node
 * and any fetch runtime.
 *
 * @packageDocumentation
 */
export { createVerifier } from './create-verifier.js';
export type { Verifier, VerifyContext } from './verifier.js';
export type { VerifierOptions, CacheOptions, DpopOptions, RateLimitOptions } from './verifier-options.js';
export type { LocalIssuerOptions, JwksFetchOptions } from './strategies/local-options.js';
export type { OpaqueOptions } from './strategies/opaque-strategy.js';
export type {
  RemoteOptions,
  RemoteCommonOptions,
  VerifyTokenRemoteOptions,
  VerifyTokenFields,
  IntrospectionRemoteOptions,
  IntrospectionClientAuth,
} from './remote/remote-options.js';
export type {
  AuthResult,
  AuthenticateOptions,
  DpopMode,
  FailureEvent,
  HeadersLike,
  RequestLike,
  StrategyName,
  SuccessEvent,
  VerifierHooks,
} from './types.js';
export { extractToken, type ExtractOptions, type ExtractedToken } from './extract-token.js';
export {
  createDpopProofVerifier,
  DPOP_ALGORITHMS,
  type DpopAlgorithm,
  type DpopProof,
  type DpopProofVerifier,
  type DpopProofVerifierOptions,
  type DpopRequest,
} from './dpop/create-dpop-proof-verifier.js';
export { createDpopNonceSource, type DpopNonceSource, type DpopNonceSourceOptions } from './dpop/create-dpop-nonce-source.js';
export { requireScopes, requireAnyScope, type AuthCheck, type ScopeCheckOptions } from './authorize/require-scopes.js';
export { requireClaims, claimIncludes, type ClaimPredicate, type ClaimRequirement } from './authorize/require-claims.js';
export {
  AuthError,
  DpopError,
  ForbiddenError,
  InvalidRequestError,
  InvalidTokenError,
  IssuerUnavailableError,
  RateLimitError,
  isAuthError,
  type AuthErrorCode,
  type AuthErrorOptions,
  type VerifierErrorCode,
} from './errors.js';
export { formatWwwAuthenticate, quoteHeaderValue, type Challenge, type ChallengeParams } from './www-authenticate.js';
export { errorBody, toResponse, type ErrorBody } from './render-error.js';
