import {
  createVerifier,
  errorBody,
  isAuthError,
  type AuthenticateOptions,
  type AuthResult,
  type RequestLike,
  type Verifier,
  type VerifierOptions,
} from '@tessera/verifier';
import type { Middleware, ParameterizedContext } from 'koa';

declare module 'koa' {
  interface DefaultState {
    /** The verified identity `@tessera/koa`'s `authenticate` put there (absent for an anonymous request). */
    auth?: AuthResult;
  }
}

/** Options of the Koa middleware: the route's needs, and how failures are answered. */
export interface KoaAuthenticateOptions extends AuthenticateOptions {
  /**
   * Throw the `AuthError` for the app's error handling instead of answering it here. The error carries `status`,
   * `expose` and `headers`, so Koa's own `ctx.onerror` answers it correctly (as text); an app handler can render it
   * with `errorBody(err)`.
   * @default false (answer at once: status, headers, JSON body `{ error, error_description, code }`)
   */
  throw?: boolean;
}

/** The state the middleware adds. */
export interface AuthState {
  auth?: AuthResult;
}

function isVerifier(value: Verifier | VerifierOptions): value is Verifier {
  return typeof (value as Verifier).authenticate === 'function' && typeof (value as Verifier).verify === 'function';
}

/**
 * Answers an authentication or authorization failure on `ctx` (status, `WWW-Authenticate` and the other headers, a
 * JSON body with the stable code), or rethrows it when asked to — and always rethrows what is not an `AuthError`.
 * @param ctx - the Koa context
 * @param err - what was thrown
 * @param rethrow - leave it to the app's error handling
 */
export function answerError(ctx: ParameterizedContext, err: unknown, rethrow = false): void {
  if (rethrow || !isAuthError(err)) throw err;
  ctx.status = err.status;
  ctx.set(err.headers as Record<string, string>);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = errorBody(err);
}

/**
 * Koa (2 and 3) middleware that authenticates every request through `@tessera/verifier` and puts the identity on
 * `ctx.state.auth`. All verification happens in the verifier; this only maps the request and the answer.
 *
 * @param verifier - a `Verifier`, or options to build one with `createVerifier`
 * @param options - this route's needs (`strategy`, `dpop`, `credentialsRequired`) and `throw`
 * @returns the middleware
 * @throws {TesseraArgumentError} `invalid_argument` at once, for bad verifier options
 * @example
 * ```ts
 * app.use(authenticate({ local: { jwksUri: 'https://issuer.example/jwks', issuer: 'https://issuer.example' } }));
 * router.get('/orders', requireScopes('orders:read'), (ctx) => { ctx.body = ctx.state.auth?.subject; });
 * ```
 */
export function authenticate<State extends AuthState = AuthState>(
  verifier: Verifier | VerifierOptions,
  options: KoaAuthenticateOptions = {},
): Middleware<State> {
  const resolved = isVerifier(verifier) ? verifier : createVerifier(verifier);
  const { throw: rethrow = false, ...route } = options;
  async function authenticateAsync(ctx: ParameterizedContext<State>, request: KoaRequest, next: () => Promise<unknown>): Promise<void> {
    let auth: AuthResult | undefined;
    try {
      auth = await resolved.authenticate(request, route);
    } catch (err) {
      answerError(ctx, err, rethrow);
      return;
    }
    if (auth !== undefined) ctx.state.auth = auth;
    await next();
  }
  // A cache hit is answered synchronously: no promise of ours on the hot path, just the downstream's.
  return function tesseraAuthenticate(ctx, next) {
    const request = new KoaRequest(ctx);
    const auth = resolved.authenticateCached(request, route);
    if (auth === undefined) return authenticateAsync(ctx, request, next);
    ctx.state.auth = auth;
    return next();
  };
}

/**
 * The request as the verifier reads it. Headers come straight from Node's request; `method` and `url` are prototype
 * getters because only DPoP reads them, so a Bearer request never goes through Koa's getters for them (and no
 * per-request closure is made).
 */
class KoaRequest implements RequestLike {
  readonly headers: RequestLike['headers'];
  readonly #ctx: ParameterizedContext;

  constructor(ctx: ParameterizedContext) {
    this.#ctx = ctx;
    this.headers = ctx.req.headers;
  }

  get method(): string {
    return this.#ctx.method;
  }

  get url(): string {
    return this.#ctx.href;
  }
}
