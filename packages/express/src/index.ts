/**
 * `@tessera/express`: the Express (4 and 5) adapter of `@tessera/verifier` — `authenticate` puts the verified
 * identity on `req.auth` and passes failures to `next(err)`; `errorHandler` answers them; `requireScopes`,
 * `requireAnyScope`, `requireClaims` guard routes. No verification logic lives here.
 *
 * @packageDocumentation
 */
export { authenticate, authorize } from './authenticate.js';
export { requireScopes, requireAnyScope, requireClaims } from './require-scopes.js';
export { errorHandler } from './error-handler.js';
export type { ExpressRequestLike, ExpressResponseLike, Next } from './types.js';
export { claimIncludes, createVerifier, type AuthResult, type Verifier, type VerifierOptions } from '@tessera/verifier';
