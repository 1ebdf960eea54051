import type { JwtClaims } from '@tessera/core';
import type { Context } from 'koa';
import { OAuthError } from '../errors.js';
import { authenticateClient, invalidClient } from '../http/client-auth.js';
import { mayOverlapCount, startRateLimit } from '../http/rate-limit.js';
import { readBody } from '../http/read-body.js';
import { sendJson } from '../http/respond.js';
import type { IssuerState } from '../internal/state.js';

const INACTIVE = Object.freeze({ active: false });
const MEMBERS = ['scope', 'client_id', 'sub', 'aud', 'iss', 'exp', 'iat', 'nbf', 'jti', 'cnf'] as const;

function accessAnswer(claims: JwtClaims): Record<string, unknown> {
  const out: Record<string, unknown> = { active: true };
  for (const name of MEMBERS) if (claims[name] !== undefined) out[name] = claims[name];
  out.token_type = (claims.cnf as { jkt?: unknown } | undefined)?.jkt === undefined ? 'Bearer' : 'DPoP';
  return out;
}

/**
 * `POST /introspect` (RFC 7662): a confidential client asks whether a token is active. Access tokens of every format
 * (verified, denylist checked; opaque ones from the store) and refresh tokens (rotated ones are inactive) are
 * answered with `scope`, `client_id`, `sub`, `aud`, `iss`, `exp`, `iat`, `jti`, `token_type` (`Bearer`, `DPoP` or
 * `refresh_token`) and `cnf` for DPoP-bound tokens (RFC 9449 §6.2). A client sees only its own tokens unless it is
 * configured with `introspect: true` (a resource server); anything else is `{ "active": false }`.
 */
export function introspectRoute(state: IssuerState): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const body = await readBody(ctx, { limit: state.maxBodyBytes, form: true, json: false });
    if (body.kind !== 'form') return;
    const { params } = body;
    const { client } = await authenticateClient(state, ctx, params);
    if (client.isPublic) throw invalidClient(state, 'introspection needs a confidential client');
    // The count and the look-up start together (one round trip on a pipelining store): a look-up only reads, and its
    // answer is used only once the count admits the request. A client this process saw past its limit waits first.
    const admitted = startRateLimit(state, 'introspect', client.id);
    if (!mayOverlapCount(state, 'introspect', client.id)) await admitted;
    const token = params.get('token');
    if (token === undefined) throw new OAuthError('invalid_request', 'the "token" parameter is required');
    const visible = (owner: unknown): boolean => client.introspect || owner === client.id;

    let answer: Record<string, unknown> = INACTIVE;
    const tryRefresh = params.get('token_type_hint') === 'refresh_token' || !token.includes('.');
    const [, reading] = await Promise.all([admitted, state.reader.readAccess(token)]);
    if (reading.active && visible(reading.claims.client_id)) {
      answer = accessAnswer(reading.claims);
    } else if (!reading.active && tryRefresh) {
      const refresh = await state.reader.readRefresh(token);
      const r = refresh?.record;
      if (r !== undefined && refresh?.rotated === false && r.expiresAt > state.now() / 1000 && visible(r.clientId)) {
        answer = {
          active: true, token_type: 'refresh_token', client_id: r.clientId, sub: r.subject, exp: r.expiresAt,
          ...(r.issuedAt === undefined ? {} : { iat: r.issuedAt }),
          ...(r.scope === undefined || r.scope.length === 0 ? {} : { scope: r.scope.join(' ') }),
          ...(r.cnf === undefined ? {} : { cnf: { jkt: r.cnf.jkt } }),
        };
      }
    }
    state.audit({
      type: 'token.introspected', clientId: client.id, active: answer.active === true,
      subject: answer.active === true ? answer.sub as string : undefined,
      jti: answer.active === true ? answer.jti as string | undefined : undefined,
      outcome: answer.active === true ? 'active' : 'inactive',
    });
    sendJson(ctx, 200, answer);
  };
}
