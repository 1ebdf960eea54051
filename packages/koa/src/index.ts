/**
 * `@tessera/koa`: the Koa (2 and 3) adapter of `@tessera/verifier` — `authenticate` puts the verified identity on
 * `ctx.state.auth`; `requireScopes`, `requireAnyScope`, `requireClaims` guard routes. No verification logic lives here.
 *
 * @packageDocumentation
 */
export { authenticate, answerError, type AuthState, type KoaAuthenticateOptions } from './authenticate.js';
export { authorize, requireScopes, requireAnyScope, requireClaims, type KoaAuthorizeOptions } from './authorize.js';
export { claimIncludes, createVerifier, type AuthResult, type Verifier, type VerifierOptions } from '@tessera/verifier';
