import { errorBody, isAuthError } from '@tessera/verifier';
import type { ExpressRequestLike, ExpressResponseLike, Next } from './types.js';

/**
 * An Express error handler for Tessera's errors: status, `WWW-Authenticate` / `Retry-After` / `DPoP-Nonce`,
 * `Cache-Control: no-store`, and the JSON body `{ error, error_description, code }`. Any other error goes on to the
 * next error handler untouched.
 * @returns a four-argument error-handling middleware; install it after your routes
 * @example
 * ```ts
 * app.use(errorHandler());
 * ```
 */
export function errorHandler() {
  return function tesseraErrorHandler(err: unknown, _req: ExpressRequestLike, res: ExpressResponseLike, next: Next): void {
    if (!isAuthError(err) || res.headersSent) {
      next(err);
      return;
    }
    res.status(err.status);
    res.set({ ...err.headers, 'Cache-Control': 'no-store' });
    res.json(errorBody(err));
  };
}
