import type { AuthenticateOptions, AuthResult, RequestLike, StrategyName } from './types.js';

/** Per-call settings of {@link Verifier.verify}. */
export interface VerifyContext {
  /** Use only this strategy. @default chosen by the token's shape */
  strategy?: StrategyName;
}

/** A configured request authenticator. Build it once with `createVerifier`; it is safe to share. */
export interface Verifier {
  /**
   * Judges one token (no request: no scheme, DPoP or rate-limit checks — what an issuer's `/introspect` needs).
   * @param token - the token
   * @param context - e.g. the strategy to use
   * @returns the identity
   * @throws {AuthError} 401 codes for bad tokens, 503 when an upstream, JWKS or store cannot answer
   */
  verify(token: string, context?: VerifyContext): Promise<AuthResult>;
  /**
   * Authenticates a request: finds the token, checks scheme and DPoP proof, verifies, rate-limits.
   * @param request - method, URL, headers (and cookies)
   * @param options - this route's needs
   * @returns the identity, or undefined for an anonymous request when credentials are optional
   * @throws {AuthError} with `status`, `expose` and `headers` (`WWW-Authenticate`, `Retry-After`, `DPoP-Nonce`)
   */
  authenticate(request: RequestLike, options?: AuthenticateOptions): Promise<AuthResult | undefined>;
  /**
   * The synchronous fast path of {@link Verifier.authenticate}, for adapters and hot handlers: the identity at once
   * when the request's answer needs no waiting — a Bearer token whose verdict is in the memory cache, with no store
   * check (revocation, session) or rate limit configured. `undefined` otherwise, and for every failure: then call
   * `authenticate`, which gives the answer (the same identity this would have given, or the error). When this returns
   * an identity, `onSuccess` has been called as `authenticate` would.
   * @param request - method, URL, headers (and cookies)
   * @param options - this route's needs
   * @returns the identity, or undefined when only `authenticate` can tell
   */
  authenticateCached(request: RequestLike, options?: AuthenticateOptions): AuthResult | undefined;
  /**
   * {@link Verifier.authenticate} for a fetch `Request` (Hono, Next.js route handlers, Deno, Bun, workers).
   * @param request - the request
   * @param options - this route's needs
   * @returns the identity, or undefined for an anonymous request when credentials are optional
   * @throws {AuthError} as `authenticate` (answer it with `toResponse(err)`)
   */
  authenticateRequest(request: Request, options?: AuthenticateOptions): Promise<AuthResult | undefined>;
  /** Resolves once every key is imported; rejects with the configuration error (a bad PEM, …). */
  ready(): Promise<void>;
  /** Ends the revocation subscription and background work. Idempotent. */
  close(): Promise<void>;
}
