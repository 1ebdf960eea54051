import type { Context } from 'koa';
import { sendJson, toOAuthError } from '../http/respond.js';
import type { IssuerState } from '../internal/state.js';

/** The answer of `GET /verify-token` (remote-verify-token contract), plus informative members. */
export interface VerifyTokenAnswer {
  valid: boolean;
  systemId: string | null;
  message: string;
  sub?: string;
  client_id?: string;
  scope?: string;
  exp?: number;
  cnf?: { jkt: string };
}

const MESSAGES = {
  expired: 'Token is expired',
  revoked: 'Token is revoked',
  invalid: 'Token is invalid',
} as const;

function bearer(ctx: Context): string | undefined {
  const header = ctx.get('authorization');
  const match = /^(?:Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  return match?.[1];
}

/**
 * `GET /verify-token` (the remote verify-token contract): `Authorization: Bearer <token>` → `{ valid, systemId,
 * message }`, 200 either way for a token that could be read (so callers branch on `valid`); `systemId` is the
 * client's configured `systemId` (default its id). A missing or malformed `Authorization` is 401 with a `Bearer`
 * challenge; an unreachable store is 503 (`valid: false`): callers fail closed.
 */
export function verifyTokenRoute(state: IssuerState): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const token = bearer(ctx);
    if (token === undefined) {
      ctx.set('WWW-Authenticate', `Bearer realm="${state.realm}"`);
      sendJson(ctx, 401, { valid: false, systemId: null, message: 'Authorization: Bearer <token> is required' });
      return;
    }
    let answer: VerifyTokenAnswer;
    let jti: string | undefined;
    try {
      const reading = await state.reader.readAccess(token);
      if (reading.active) {
        const { claims } = reading;
        jti = typeof claims.jti === 'string' ? claims.jti : undefined;
        const clientId = typeof claims.client_id === 'string' ? claims.client_id : undefined;
        const client = clientId === undefined ? undefined : state.clients.get(clientId);
        answer = {
          valid: true,
          systemId: client?.systemId ?? clientId ?? null,
          message: 'Token is valid',
          ...(claims.sub === undefined ? {} : { sub: claims.sub }),
          ...(clientId === undefined ? {} : { client_id: clientId }),
          ...(typeof claims.scope === 'string' ? { scope: claims.scope } : {}),
          ...(claims.exp === undefined ? {} : { exp: claims.exp }),
          ...(claims.cnf === undefined ? {} : { cnf: claims.cnf as { jkt: string } }),
        };
      } else {
        answer = { valid: false, systemId: null, message: MESSAGES[reading.reason] };
      }
    } catch (err) {
      const error = toOAuthError(err);
      for (const [name, value] of Object.entries(error.headers)) ctx.set(name, value);
      if (error.code === 'server_error') ctx.app.emit('error', err, ctx);
      sendJson(ctx, error.status, { valid: false, systemId: null, message: error.message });
      return;
    }
    state.audit({
      type: 'verify_token.answered', clientId: answer.client_id, subject: answer.sub,
      jti, systemId: answer.systemId ?? undefined, valid: answer.valid,
      outcome: answer.valid ? 'valid' : 'invalid',
    });
    sendJson(ctx, 200, answer);
  };
}
