import type { Context } from 'koa';
import type { ResolvedClient } from '../clients/resolve-client.js';
import { OAuthError } from '../errors.js';
import { codeKey, type CodeRecord } from '../grants/authorization-code.js';
import { grantScope, userClaims, userScopes } from '../grants/scope.js';
import { readBody } from '../http/read-body.js';
import { sendError } from '../http/respond.js';
import type { IssuerState } from '../internal/state.js';
import { randomToken } from '../internal/random.js';
import type { AuthorizationRequest } from '../options.js';

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const JKT = /^[A-Za-z0-9_-]{43}$/;

/** An error that goes back to the client's redirect URI (RFC 6749 §4.1.2.1). */
class RedirectError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description);
  }
}

function queryParams(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.query)) {
    if (Array.isArray(value)) throw new OAuthError('invalid_request', `parameter "${name.slice(0, 40)}" is repeated`);
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

function redirect(ctx: Context, state: IssuerState, target: string, params: Record<string, string | undefined>): void {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  url.searchParams.set('iss', state.issuer);
  ctx.set('Cache-Control', 'no-store');
  ctx.redirect(url.href);
  // After a form POST the browser must GET the redirect URI (303), never re-POST the credentials to it.
  ctx.status = ctx.method === 'POST' ? 303 : 302;
}

function checkClient(state: IssuerState, p: Record<string, string>): { client: ResolvedClient; redirectUri: string } {
  const clientId = p.client_id;
  const client = clientId === undefined ? undefined : state.clients.get(clientId);
  if (client === undefined) throw new OAuthError('invalid_request', 'unknown or missing client_id');
  let redirectUri = p.redirect_uri;
  if (redirectUri === undefined) {
    if (client.redirectUris.size !== 1) throw new OAuthError('invalid_request', 'redirect_uri is required');
    redirectUri = [...client.redirectUris][0] as string;
  }
  // Exact string match (RFC 9700 §4.1.3); never redirect to an unregistered URI.
  if (!client.redirectUris.has(redirectUri)) throw new OAuthError('invalid_request', 'redirect_uri is not registered for this client');
  return { client, redirectUri };
}

/**
 * `GET`/`POST /authorize` (RFC 6749 §4.1.1) for the authorization code grant with PKCE S256 (required, RFC 9700
 * §2.1.1): the client and redirect URI are checked first (errors shown here, never redirected), then the request
 * (errors redirected with `state` and `iss`, RFC 9207); the login/consent step decides; a 256-bit code, stored
 * hashed for `authorizationCodeTtl`, goes back to the redirect URI.
 */
export function authorizeRoute(state: IssuerState): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    const authorize = state.authorize;
    if (authorize === undefined) return;
    let p: Record<string, string>;
    if (ctx.method === 'POST') {
      const body = await readBody(ctx, { limit: state.maxBodyBytes, form: true, json: false });
      p = body.kind === 'form' ? Object.fromEntries(body.params) : {};
    } else {
      p = queryParams(ctx);
    }
    const { client, redirectUri } = checkClient(state, p);
    try {
      if (p.response_type !== 'code') throw new RedirectError('unsupported_response_type', 'response_type must be "code"');
      if (!client.grants.has('authorization_code')) {
        throw new RedirectError('unauthorized_client', 'the client may not use the authorization_code grant');
      }
      if (p.code_challenge === undefined || !CHALLENGE.test(p.code_challenge)) {
        throw new RedirectError('invalid_request', 'a PKCE code_challenge (S256) is required');
      }
      if (p.code_challenge_method !== 'S256') throw new RedirectError('invalid_request', 'code_challenge_method must be S256');
      if (p.dpop_jkt !== undefined && !JKT.test(p.dpop_jkt)) throw new RedirectError('invalid_request', 'dpop_jkt is malformed');
      let scope: string[];
      try {
        scope = grantScope(p.scope, client.scopes, client.defaultScopes);
      } catch (err) {
        throw new RedirectError('invalid_scope', (err as Error).message);
      }
      const request: AuthorizationRequest = {
        client, redirectUri, scope, state: p.state, parameters: Object.freeze({ ...p }), method: ctx.method,
      };
      const decision = await authorize(request, ctx);
      if (decision === undefined) return; // the login step answered (a login page, a redirect to an IdP…)
      if ('error' in decision) throw new RedirectError('access_denied', decision.description ?? 'the request was denied');
      if (typeof decision.subject !== 'string' || decision.subject.length === 0) {
        throw new TypeError('the authorize step must return a non-empty subject');
      }
      const granted = grantScope(undefined, userScopes(client, decision.scope), scope);
      const code = randomToken();
      const record: CodeRecord = {
        clientId: client.id, redirectUri, codeChallenge: p.code_challenge, scope: granted, subject: decision.subject,
        claims: userClaims(decision.claims), ...(p.dpop_jkt === undefined ? {} : { dpopJkt: p.dpop_jkt }),
      };
      await state.store.putOneTime(codeKey(code), record, state.authorizationCodeTtl);
      redirect(ctx, state, redirectUri, { code, state: p.state });
    } catch (err) {
      if (err instanceof RedirectError) {
        redirect(ctx, state, redirectUri, { error: err.error, error_description: err.description, state: p.state });
        return;
      }
      if (err instanceof OAuthError) {
        sendError(ctx, err);
        return;
      }
      throw err;
    }
  };
}
