import { TesseraError } from '@tessera/core';
import type { Context } from 'koa';
import { OAuthError } from '../errors.js';
import { readBody } from '../http/read-body.js';
import { sendJson } from '../http/respond.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Whether a request may reach the developer tools: from a loopback address, and not relayed by a proxy (a proxy on
 * the same host would make every caller look local).
 */
export function isLoopbackRequest(ctx: Context): boolean {
  const address = ctx.req.socket.remoteAddress;
  if (address === undefined || !LOOPBACK.has(address)) return false;
  const h = ctx.req.headers;
  return h['x-forwarded-for'] === undefined && h.forwarded === undefined && h['x-real-ip'] === undefined;
}

/** A developer tool's handler: the JSON body in, a JSON answer out. */
export type DevHandler = (body: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** The 400 a tool answers for a bad field. */
export function badField(message: string): OAuthError {
  return new OAuthError('invalid_request', message);
}

/** A string field. */
export function text(body: Record<string, unknown>, name: string, required: true): string;
export function text(body: Record<string, unknown>, name: string, required: false): string | undefined;
export function text(body: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw badField(`"${name}" is required`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length === 0) throw badField(`"${name}" must be a non-empty string`);
  return v;
}

/**
 * Wraps a developer tool: loopback only (404 otherwise, as if absent), JSON body, errors as 400 JSON with the core
 * error's code and safe message (`expected 32 bytes for A256GCM, got 31`, `decryption failed`).
 */
export function devRoute(limit: number, handler: DevHandler): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    if (!isLoopbackRequest(ctx)) {
      ctx.status = 404;
      return;
    }
    try {
      // `curl -X POST …/generate-jwe-key` sends no body at all: that is an empty request, not a malformed one.
      const length = ctx.get('content-length');
      const empty = (length === '' || length === '0') && ctx.get('transfer-encoding') === '';
      const body = empty ? undefined : await readBody(ctx, { limit, form: false, json: true });
      sendJson(ctx, 200, await handler(body?.kind === 'json' ? body.value : {}));
    } catch (err) {
      if (err instanceof OAuthError) {
        sendJson(ctx, err.status, { error: err.code, error_description: err.message });
      } else if (err instanceof TesseraError && err.status < 500) {
        sendJson(ctx, 400, { error: err.code, error_description: err.message });
      } else if (err instanceof TesseraError && (err.code === 'invalid_key' || err.code === 'unsupported_algorithm')) {
        sendJson(ctx, 400, { error: err.code, error_description: err.message });
      } else if ((err as { code?: unknown }).code === 'invalid_argument') {
        sendJson(ctx, 400, { error: 'invalid_request', error_description: (err as Error).message });
      } else {
        ctx.app.emit('error', err, ctx);
        sendJson(ctx, 500, { error: 'server_error', error_description: 'the tool failed' });
      }
    }
  };
}
