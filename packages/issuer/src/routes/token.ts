import type { Context } from 'koa';
import { OAuthError } from '../errors.js';
import { authorizationCodeGrant } from '../grants/authorization-code.js';
import { clientCredentialsGrant } from '../grants/client-credentials.js';
import type { GrantHandler } from '../grants/grant-context.js';
import { jweServiceLogin } from '../grants/jwe-service-login.js';
import { passwordGrant } from '../grants/password.js';
import { refreshTokenGrant } from '../grants/refresh-token.js';
import { authenticateClient } from '../http/client-auth.js';
import { mayOverlapCount, startRateLimit } from '../http/rate-limit.js';
import { readBody } from '../http/read-body.js';
import { sendJson, toOAuthError } from '../http/respond.js';
import type { IssuerState } from '../internal/state.js';
import type { GrantType } from '../clients/client-config.js';

const GRANTS: ReadonlyMap<string, GrantHandler> = new Map<GrantType, GrantHandler>([
  ['client_credentials', clientCredentialsGrant],
  ['refresh_token', refreshTokenGrant],
  ['authorization_code', authorizationCodeGrant],
  ['password', passwordGrant],
]);

/**
 * `POST /token` (RFC 6749 §3.2): a form body (or the JWE service's JSON login), client authentication, the client's
 * rate limit, its DPoP proof if any, then the grant. Answers are never cached.
 */
export function tokenRoute(state: IssuerState): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    let clientId: string | undefined;
    let grantType: string | undefined;
    try {
      const body = await readBody(ctx, { limit: state.maxBodyBytes, form: true, json: state.jsonLogin });
      if (body.kind === 'json') {
        grantType = 'password';
        const apiKey = body.value.api_key;
        if (typeof apiKey === 'string') clientId = apiKey;
        sendJson(ctx, 200, await jweServiceLogin(state, ctx, body.value));
        return;
      }
      const params = body.params;
      grantType = params.get('grant_type');
      clientId = params.get('client_id');
      if (grantType === undefined) throw new OAuthError('invalid_request', 'the "grant_type" parameter is required');
      const handler = GRANTS.get(grantType);
      const { client } = await authenticateClient(state, ctx, params);
      clientId = client.id;
      if (handler === undefined) {
        throw new OAuthError('unsupported_grant_type', `grant type "${grantType.slice(0, 64)}" is not supported`);
      }
      if (!client.grants.has(grantType as GrantType)) {
        throw new OAuthError('unauthorized_client', `the client may not use the ${grantType} grant`);
      }
      const admitted = startRateLimit(state, 'token', client.id);
      // client_credentials mints while the count is under way (one round trip with an opaque token's write on a
      // pipelining store) and withdraws the token if the count refuses; every other grant consumes something (a
      // code, a refresh token, a DPoP proof's jti) and waits for the count first.
      const overlap = grantType === 'client_credentials' && ctx.req.headers.dpop === undefined
        && mayOverlapCount(state, 'token', client.id);
      if (!overlap) await admitted;
      const jkt = await state.dpop.check(ctx, state.urls.token, client.requireDpop);
      sendJson(ctx, 200, await handler({ state, ctx, client, params, jkt, admitted }));
    } catch (err) {
      state.audit({ type: 'token.rejected', clientId, grantType, error: toOAuthError(err).code, outcome: 'failure' });
      throw err;
    }
  };
}
