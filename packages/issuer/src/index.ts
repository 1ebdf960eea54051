/**
 * `@tessera/issuer`: an OAuth 2 token issuer as a Koa + `@koa/router` router — client_credentials, refresh_token with
 * rotation, reuse detection and a grace window, authorization_code + PKCE, password; RFC 7009 revocation, RFC 7662
 * introspection, the remote verify-token contract, JWKS, RFC 8414 metadata, DPoP (RFC 9449), per-client rate limits,
 * an audit hook; clients in code or YAML/JSON files.
 *
 * @packageDocumentation
 */
export { createIssuer, type Issuer } from './create-issuer.js';
export type {
  IssuerOptions,
  RateLimitRule,
  RateLimitOptions,
  IssuerDpopOptions,
  IssuerClient,
  AuthenticatedUser,
  PasswordLogin,
  AuthorizationRequest,
  AuthorizationDecision,
} from './options.js';
export type { ClientConfig, ClientEncryptionConfig, GrantType, TokenFormat } from './clients/client-config.js';
export { loadClients, type LoadClientsOptions } from './clients/load-clients.js';
export { hashClientSecret } from './clients/client-secret.js';
export { OAuthError, IssuerConfigError, type OAuthErrorCode, type OAuthErrorOptions, type IssuerConfigErrorCode } from './errors.js';
export type {
  AuditEvent,
  AuditListener,
  TokenIssuedEvent,
  TokenRefreshedEvent,
  TokenRejectedEvent,
  RefreshReuseDetectedEvent,
  FamilyRevokedEvent,
  TokenRevokedEvent,
  TokenIntrospectedEvent,
  VerifyTokenAnsweredEvent,
} from './audit.js';
export type { AuthorizationServerMetadata } from './routes/discovery.js';
export type { VerifyTokenAnswer } from './routes/verify-token.js';
export type { TokenResponseBody } from './tokens/token-set.js';
export type { JweServiceTokenResponse } from './grants/jwe-service-login.js';
