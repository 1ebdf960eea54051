import { TesseraError } from '@tessera/core';
import { protocolError } from './lib/challenge.js';

/** The JSON body of an error answer. */
export interface ErrorBody {
  /** The RFC 6750 / RFC 9449 error (`invalid_token`, `insufficient_scope`, …), else the code. */
  error: string;
  /** The error's message when it may be shown (4xx); a generic text otherwise. */
  error_description: string;
  /** The stable Tessera code (`token_expired`, `issuer_unavailable`, …). */
  code: string;
}

const GENERIC: Record<number, string> = {
  429: 'too many requests',
  500: 'internal error',
  503: 'the authorization service is unavailable; retry later',
};

/**
 * The JSON body for an error: the protocol error, a safe description and the stable code. Errors that may not be
 * shown (`expose: false`, 5xx) get a generic description; anything that is not a Tessera error is an internal
 * error and says nothing about itself.
 *
 * @param err - what was thrown
 * @returns the body to send as JSON
 * @example
 * ```ts
 * res.status(err.status).set(err.headers).json(errorBody(err));
 * ```
 */
export function errorBody(err: unknown): ErrorBody {
  if (!(err instanceof TesseraError)) return { error: 'server_error', error_description: GENERIC[500] as string, code: 'internal_error' };
  const code = err.code as string;
  return {
    error: protocolError(code, err.status) ?? code,
    error_description: err.expose ? err.message : (GENERIC[err.status] ?? GENERIC[500] as string),
    code,
  };
}

/**
 * A fetch `Response` answering an error (Hono, Next.js route handlers, Deno, Bun, workers): its status, its headers
 * (`WWW-Authenticate`, `Retry-After`, `DPoP-Nonce`) and the JSON {@link errorBody}.
 *
 * @param err - what `authenticateRequest` (or a `require*` check) threw
 * @returns the answer
 * @example
 * ```ts
 * try { auth = await verifier.authenticateRequest(request) } catch (err) { return toResponse(err) }
 * ```
 */
export function toResponse(err: unknown): Response {
  const status = err instanceof TesseraError ? err.status : 500;
  const headers = new Headers((err as { headers?: Record<string, string> } | null)?.headers ?? {});
  headers.set('content-type', 'application/json');
  headers.set('cache-control', 'no-store');
  return new Response(JSON.stringify(errorBody(err)), { status, headers });
}
