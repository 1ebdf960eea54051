import type { Context } from 'koa';
import { OAuthError } from '../errors.js';
import { findRefreshRecord } from '../grants/refresh-token.js';
import { authenticateClient } from '../http/client-auth.js';
import { readBody } from '../http/read-body.js';
import type { IssuerState } from '../internal/state.js';
import { fingerprint } from '../internal/random.js';

type Revoked = { tokenType: 'access_token' | 'refresh_token'; subject: string | undefined; jti?: string; familyId?: string };

async function revokeRefresh(state: IssuerState, token: string, clientId: string): Promise<Revoked | undefined> {
  // Refresh tokens are opaque: a JOSE-shaped token is never one (and costs no store look-up).
  if (token.length > 1024 || token.includes('.')) return undefined;
  const hash = fingerprint(token);
  const record = await findRefreshRecord(state, hash);
  // Revoking a family already revoked (or a rotated token's family) must still work: the store answers for rotated
  // tokens of live families, and revokeFamily is idempotent.
  if (record === undefined || record.clientId !== clientId) return undefined;
  await state.store.revokeFamily(record.familyId);
  state.audit({ type: 'family.revoked', clientId, familyId: record.familyId, subject: record.subject, reason: 'revocation', outcome: 'revoked' });
  return { tokenType: 'refresh_token', subject: record.subject, familyId: record.familyId };
}

async function revokeAccess(state: IssuerState, token: string, clientId: string): Promise<Revoked | undefined> {
  const reading = await state.reader.readAccess(token);
  if (!reading.active || reading.claims.client_id !== clientId) return undefined;
  const { claims } = reading;
  if (reading.format === 'opaque') await state.store.deleteOpaqueToken(fingerprint(token));
  else await state.store.revoke(claims.jti as string, (claims.exp as number) - state.now() / 1000);
  return { tokenType: 'access_token', subject: claims.sub, jti: claims.jti as string };
}

/**
 * `POST /revoke` (RFC 7009): the client revokes one of its own tokens. A refresh token revokes its whole family
 * (and the family's live access tokens); a JWT access token goes on the denylist for its remaining lifetime; an
 * opaque one is deleted. Unknown, expired or other clients' tokens get the same 200 (§2.2), so nothing is learnt.
 * `token_type_hint` only orders the look-ups.
 */
export function revokeRoute(state: IssuerState): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const body = await readBody(ctx, { limit: state.maxBodyBytes, form: true, json: false });
    if (body.kind !== 'form') return;
    const { params } = body;
    const { client } = await authenticateClient(state, ctx, params);
    const token = params.get('token');
    if (token === undefined) throw new OAuthError('invalid_request', 'the "token" parameter is required');
    const hint = params.get('token_type_hint');
    const order = hint === 'access_token' ? [revokeAccess, revokeRefresh] : [revokeRefresh, revokeAccess];
    let revoked: Revoked | undefined;
    for (const attempt of order) {
      revoked = await attempt(state, token, client.id);
      if (revoked !== undefined) break;
    }
    state.audit({
      type: 'token.revoked', clientId: client.id, tokenType: revoked?.tokenType, subject: revoked?.subject,
      jti: revoked?.jti, familyId: revoked?.familyId, outcome: revoked === undefined ? 'not_found' : 'revoked',
    });
    ctx.status = 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = '';
  };
}
