import {
  createVerifier,
  type AuthCheck,
  type AuthenticateOptions,
  type RequestLike,
  type Verifier,
  type VerifierOptions,
} from '@tessera/verifier';
import type { ExpressRequestLike, Next } from './types.js';

/**
 * The request as the verifier reads it. `url` is a prototype getter because only DPoP reads it, so Bearer requests
 * never build it (and no per-request closure is made).
 */
class ExpressRequest implements RequestLike {
  readonly method: string;
  readonly headers: ExpressRequestLike['headers'];
  readonly cookies: ExpressRequestLike['cookies'];
  readonly #req: ExpressRequestLike;

  constructor(req: ExpressRequestLike) {
    this.#req = req;
    this.method = req.method;
    this.headers = req.headers;
    this.cookies = req.cookies;
  }

  get url(): string {
    const req = this.#req;
    return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
  }
}

function isVerifier(value: Verifier | VerifierOptions): value is Verifier {
  return typeof (value as Verifier).authenticate === 'function' && typeof (value as Verifier).verify === 'function';
}

/**
 * Express (4 and 5) middleware: authenticates every request through `@tessera/verifier`, puts the identity on
 * `req.auth`, and passes a failure to `next(err)` as an `AuthError` with `status`, `expose` and `headers` (Express's
 * final handler answers status and headers; {@link errorHandler} answers JSON too). No verification logic here.
 * @param verifier - a `Verifier`, or options for `createVerifier`
 * @param options - this route's needs: `strategy`, `dpop`, `credentialsRequired`
 * @throws {TesseraArgumentError} `invalid_argument` at once, for bad verifier options
 * @example
 * ```ts
 * app.get('/orders', authenticate({ local: { jwksUri } }), requireScopes('orders:read'), listOrders);
 * ```
 */
export function authenticate(verifier: Verifier | VerifierOptions, options: AuthenticateOptions = {}) {
  const resolved = isVerifier(verifier) ? verifier : createVerifier(verifier);
  return function tesseraAuthenticate(req: ExpressRequestLike, _res: unknown, next: Next): void {
    const request = new ExpressRequest(req);
    // A cache hit is answered synchronously (no promise, no microtask before the route runs).
    const cached = resolved.authenticateCached(request, options);
    if (cached !== undefined) {
      req.auth = cached;
      next();
      return;
    }
    resolved
      .authenticate(request, options)
      .then(
        (auth) => {
          if (auth !== undefined) req.auth = auth;
          next();
        },
        next,
      );
  };
}

/** Middleware running an `AuthCheck` (`@tessera/verifier`'s, or yours) on `req.auth`; a failure goes to `next(err)`. */
export function authorize(check: AuthCheck) {
  return function tesseraAuthorize(req: ExpressRequestLike, _res: unknown, next: Next): void {
    try {
      check(req.auth);
    } catch (err) {
      next(err);
      return;
    }
    next();
  };
}
