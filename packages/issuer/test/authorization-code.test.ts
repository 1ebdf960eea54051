import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import type { AuthorizationDecision, AuthorizationRequest } from '../src/index.js';
import { SECRET, basic, insecure, post, startIssuer, type StartOptions } from './helpers.js';

const REDIRECT = 'https://app.example/callback';

/** A login page: GET shows a form echoing the request; POST checks the credentials. */
async function loginPage(request: AuthorizationRequest, ctx: Parameters<NonNullable<StartOptions['authorize']>>[1]): Promise<AuthorizationDecision> {
  const { username, password, deny } = request.parameters;
  if (request.method === 'GET') {
    const hidden = Object.entries(request.parameters).map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`).join('');
    ctx.type = 'text/html';
    ctx.body = `<form method="post">${hidden}<input name="username"><input name="password" type="password"></form>`;
    return undefined;
  }
  if (deny === 'yes') return { error: 'access_denied', description: 'the user said no' };
  if (username === 'alice' && password === 'wonderland') return { subject: 'user-alice', claims: { name: 'Alice' } };
  ctx.status = 401;
  ctx.body = 'wrong password';
  return undefined;
}

const clients: StartOptions['clients'] = [
  { id: 'spa', redirectUris: [REDIRECT], scopes: ['read', 'write'], defaultScopes: ['read'] },
  { id: 'confidential-web', secret: SECRET, grants: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT, 'https://app.example/other'], scopes: ['read'] },
  { id: 'machine', secret: SECRET, scopes: ['read'] },
];

interface Flow {
  url: string;
  as: oauth.AuthorizationServer;
  verifier: string;
  state: string;
  location: URL;
}

/** Walks a browser through the login page and returns the redirect back to the client. */
async function authorize(url: string, as: oauth.AuthorizationServer, params: Record<string, string>, form: Record<string, string>): Promise<Flow> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const query = new URLSearchParams({
    response_type: 'code', redirect_uri: REDIRECT, state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...params,
  });
  const page = await fetch(`${as.authorization_endpoint}?${query}`, { redirect: 'manual' });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<form method="post">');
  const submitted = await fetch(as.authorization_endpoint!, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...Object.fromEntries(query), ...form }),
  });
  expect(submitted.status).toBe(303);
  return { url, as, verifier, state, location: new URL(submitted.headers.get('location')!) };
}

describe('authorization_code with PKCE S256 and a login page', () => {
  it('runs the whole flow with oauth4webapi for a public client (RFC 9207 iss in the redirect)', async () => {
    const { url, as } = await startIssuer({ clients, authorize: loginPage });
    expect(as.authorization_endpoint).toBe(`${url}/authorize`);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    const flow = await authorize(url, as, { client_id: 'spa', scope: 'read write' }, { username: 'alice', password: 'wonderland' });
    expect(flow.location.searchParams.get('iss')).toBe(url);
    const client: oauth.Client = { client_id: 'spa' };
    const params = oauth.validateAuthResponse(as, client, flow.location, flow.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, flow.verifier, insecure);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.scope).toBe('read write');
    expect(tokens.refresh_token).toBeDefined();
    const claims = await oauth.validateJwtAccessToken(as,
      new Request('https://api.example/', { headers: { authorization: `Bearer ${tokens.access_token}` } }), url, insecure);
    expect(claims).toMatchObject({ sub: 'user-alice', client_id: 'spa', name: 'Alice' });
  });

  it('lets a confidential client exchange its code with its secret', async () => {
    const { url, as } = await startIssuer({ clients, authorize: loginPage });
    const flow = await authorize(url, as, { client_id: 'confidential-web' }, { username: 'alice', password: 'wonderland' });
    const client: oauth.Client = { client_id: 'confidential-web' };
    const params = oauth.validateAuthResponse(as, client, flow.location, flow.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic(SECRET), params, REDIRECT, flow.verifier, insecure);
    await expect(oauth.processAuthorizationCodeResponse(as, client, response)).resolves.toMatchObject({ scope: 'read' });
  });

  it('sends access_denied to the redirect URI when the login step refuses', async () => {
    const { url, as } = await startIssuer({ clients, authorize: loginPage });
    const flow = await authorize(url, as, { client_id: 'spa' }, { deny: 'yes' });
    expect(Object.fromEntries(flow.location.searchParams)).toEqual({
      error: 'access_denied', error_description: 'the user said no', state: flow.state, iss: url,
    });
    const error = (() => {
      try {
        return oauth.validateAuthResponse(as, { client_id: 'spa' }, flow.location, flow.state);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ error: 'access_denied' });
  });

  it('refuses a wrong code_verifier, a wrong redirect_uri and a second use of a code with invalid_grant', async () => {
    const { url, as } = await startIssuer({ clients, authorize: loginPage });
    const exchange = (code: string, verifier: string, redirect = REDIRECT) =>
      post(`${url}/token`, { grant_type: 'authorization_code', client_id: 'confidential-web', code, code_verifier: verifier, redirect_uri: redirect },
        { headers: { authorization: basic('confidential-web', SECRET) } });

    const a = await authorize(url, as, { client_id: 'confidential-web' }, { username: 'alice', password: 'wonderland' });
    expect(await exchange(a.location.searchParams.get('code')!, oauth.generateRandomCodeVerifier()))
      .toMatchObject({ status: 400, json: { error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' } });

    const b = await authorize(url, as, { client_id: 'confidential-web' }, { username: 'alice', password: 'wonderland' });
    expect(await exchange(b.location.searchParams.get('code')!, b.verifier, 'https://app.example/other'))
      .toMatchObject({ status: 400, json: { error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request' } });

    const c = await authorize(url, as, { client_id: 'confidential-web' }, { username: 'alice', password: 'wonderland' });
    const code = c.location.searchParams.get('code')!;
    const first = await exchange(code, c.verifier);
    expect(first.status).toBe(200);
    expect(await exchange(code, c.verifier))
      .toMatchObject({ status: 400, json: { error: 'invalid_grant', error_description: 'authorization code is unknown, expired or already used' } });
    // The replay ended what the first exchange issued (RFC 6749 §4.1.2).
    expect(await post(`${url}/token`, { grant_type: 'refresh_token', refresh_token: first.json.refresh_token as string },
      { headers: { authorization: basic('confidential-web', SECRET) } })).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    const introspected = await post(`${url}/introspect`, { token: first.json.access_token as string },
      { headers: { authorization: basic('confidential-web', SECRET) } });
    expect(introspected.json).toEqual({ active: false });
  });

  it('refuses a code_verifier that is not 43–128 unreserved characters with invalid_request', async () => {
    const { url } = await startIssuer({ clients, authorize: loginPage });
    expect(await post(`${url}/token`, { grant_type: 'authorization_code', client_id: 'spa', code: 'x', code_verifier: 'short', redirect_uri: REDIRECT }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });

  it('never redirects for an unknown client or an unregistered redirect_uri (400 here)', async () => {
    const { as } = await startIssuer({ clients, authorize: loginPage });
    const unknown = await fetch(`${as.authorization_endpoint}?response_type=code&client_id=nobody&redirect_uri=${encodeURIComponent(REDIRECT)}`, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_request', error_description: 'unknown or missing client_id' });
    const evil = await fetch(`${as.authorization_endpoint}?response_type=code&client_id=spa&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, { redirect: 'manual' });
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();
  });

  it('redirects request errors: no PKCE, plain PKCE, wrong response_type, unknown scope, a client without the grant', async () => {
    const { as, url } = await startIssuer({
      clients: [...clients, { id: 'cc-only', secret: SECRET, redirectUris: [REDIRECT] }], authorize: loginPage,
    });
    const go = async (params: Record<string, string>) => {
      const r = await fetch(`${as.authorization_endpoint}?${new URLSearchParams({ redirect_uri: REDIRECT, state: 's1', ...params })}`, { redirect: 'manual' });
      expect(r.status).toBe(302);
      const location = new URL(r.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(REDIRECT);
      expect(location.searchParams.get('state')).toBe('s1');
      expect(location.searchParams.get('iss')).toBe(url);
      return location.searchParams.get('error');
    };
    const challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier());
    expect(await go({ client_id: 'spa', response_type: 'code' })).toBe('invalid_request');
    expect(await go({ client_id: 'spa', response_type: 'code', code_challenge: challenge, code_challenge_method: 'plain' })).toBe('invalid_request');
    expect(await go({ client_id: 'spa', response_type: 'token', code_challenge: challenge, code_challenge_method: 'S256' })).toBe('unsupported_response_type');
    expect(await go({ client_id: 'spa', response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', scope: 'admin' })).toBe('invalid_scope');
    expect(await go({ client_id: 'cc-only', response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256' })).toBe('unauthorized_client');
  });

  it('refuses to start with an authorization_code client but no login step', async () => {
    await expect(startIssuer({ clients })).rejects.toMatchObject({
      code: 'invalid_issuer_config', client: 'spa', field: 'grants',
      message: 'client "spa", field "grants": the authorization_code grant needs the issuer option "authorize"',
    });
  });
});
