import { isTesseraError } from '@tessera/core';
import type { Context, Next } from 'koa';
import { OAuthError } from '../errors.js';

/**
 * Sends a JSON answer that must not be cached (token, introspection and error answers: RFC 6749 §5.1).
 * @param ctx - the Koa context
 * @param status - the HTTP status
 * @param body - the JSON body
 */
export function sendJson(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  // Headers set before the body: Koa then skips its content-type inference.
  ctx.set('Content-Type', 'application/json; charset=utf-8');
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  ctx.body = JSON.stringify(body);
}

/** Turns anything thrown by a route into the OAuth answer it stands for. */
export function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  if (isTesseraError(err, 'store_unavailable') || isTesseraError(err, 'jwks_unavailable')) {
    return new OAuthError('temporarily_unavailable', 'the token store is unavailable; try again later',
      { cause: err, headers: { 'Retry-After': '5' } });
  }
  if (isTesseraError(err, 'refresh_token_reused') || isTesseraError(err, 'refresh_token_invalid')) {
    return new OAuthError('invalid_grant', (err as Error).message, { cause: err });
  }
  return new OAuthError('server_error', 'the issuer could not complete the request', { cause: err });
}

/**
 * Sends an OAuth error answer (RFC 6749 §5.2): `{ error, error_description }` with its status and headers.
 * @param ctx - the Koa context
 * @param error - the error
 */
export function sendError(ctx: Context, error: OAuthError): void {
  for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
  sendJson(ctx, error.status, { error: error.code, error_description: error.message });
}

/**
 * Koa middleware that answers every error of the issuer's routes as an OAuth error body; unexpected errors are
 * reported through Koa's `error` event (never shown to the caller).
 */
export async function oauthErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    const error = toOAuthError(err);
    if (error.code === 'server_error') ctx.app.emit('error', err, ctx);
    sendError(ctx, error);
  }
}
