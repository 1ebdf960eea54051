import { TesseraError } from '@tessera/core';
import { AuthError, type AuthErrorCode } from '../errors.js';
import type { DpopMode } from '../types.js';
import { formatWwwAuthenticate, type Challenge } from '../www-authenticate.js';

/** What the challenge of a failed request depends on. */
export interface ChallengeContext {
  readonly realm: string | undefined;
  readonly mode: DpopMode;
  /** The scheme the request used, when it sent a token. */
  readonly scheme: 'Bearer' | 'DPoP' | undefined;
  /** Space-separated DPoP proof algorithms. */
  readonly algs: string;
  /** Default `Retry-After` seconds for 503s that do not say. */
  readonly retryAfter: number;
}

const DPOP_ERRORS: ReadonlySet<string> = new Set(['invalid_dpop_proof', 'use_dpop_nonce']);

/** The RFC 6750 / RFC 9449 `error` value of a code, or undefined for answers that carry none. */
export function protocolError(code: string, status: number): string | undefined {
  if (code === 'missing_token') return undefined;
  if (DPOP_ERRORS.has(code)) return code;
  if (status === 400) return 'invalid_request';
  if (status === 401) return 'invalid_token';
  if (code === 'insufficient_scope') return 'insufficient_scope';
  return undefined;
}

/**
 * The {@link AuthError} a request failure is answered with: same code, message and cause, plus the headers the
 * answer needs — `WWW-Authenticate` on 400/401/403 `insufficient_scope` (one challenge per accepted scheme; the
 * error goes on the scheme the request used), `Retry-After` on 429/503, and whatever the original error carried
 * (`DPoP-Nonce`).
 */
export function withChallenge(err: TesseraError<string>, ctx: ChallengeContext): AuthError {
  const code = err.code as AuthErrorCode;
  const status = err.status;
  const original = err instanceof AuthError ? err : undefined;
  const headers: Record<string, string> = { ...original?.headers };
  if (status === 400 || status === 401 || code === 'insufficient_scope') {
    const error = protocolError(code, status);
    const params = error === undefined ? {} : {
      error,
      error_description: err.expose ? err.message : undefined,
      scope: original?.scope?.join(' '),
    };
    const onDpop = DPOP_ERRORS.has(code) || (ctx.scheme === 'DPoP' && ctx.mode !== 'bearer') || (ctx.scheme === undefined && ctx.mode === 'dpop') ||
      code === 'dpop_required';
    const challenges: Challenge[] = [];
    if (ctx.mode !== 'dpop' && code !== 'dpop_required') {
      challenges.push({ scheme: 'Bearer', params: { realm: ctx.realm, ...(onDpop ? {} : params) } });
    }
    if (ctx.mode !== 'bearer' || DPOP_ERRORS.has(code)) {
      challenges.push({ scheme: 'DPoP', params: { realm: ctx.realm, ...(onDpop ? params : {}), algs: ctx.algs } });
    }
    headers['WWW-Authenticate'] = formatWwwAuthenticate(challenges);
  }
  const retryAfter = original?.retryAfter ?? (status === 503 || status === 429 ? ctx.retryAfter : undefined);
  return new AuthError(code, err.message, {
    cause: original === undefined ? err : err.cause,
    headers,
    ...(original?.scope === undefined ? {} : { scope: original.scope }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}
