// The SPA client's flow, driven over HTTP as a browser would (the browser itself is test/e2e's job): the login page
// at the issuer's authorization step, code + PKCE through oauth4webapi, both APIs, refresh rotation with the grace
// window, revocation (logout) → 401 everywhere. Plus what the SPA needs cross-origin: CORS on /token, /revoke and
// discovery for its origin.
import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../examples/demo.js';
import { demo, discover, get, insecure, postForm, spaLogin } from './support.js';

describe('the SPA client: authorization code + PKCE through the login page, refresh, revocation', () => {
  let d: Demo;
  beforeAll(async () => {
    d = await demo({ accessTtlSeconds: 12 });
  });

  it('shows a login form with the demo account at the authorization step, and refuses a wrong password', async () => {
    const as = await discover(d.urls.issuer);
    const url = new URL(as.authorization_endpoint!);
    const params = {
      client_id: 'spa', response_type: 'code', redirect_uri: `${new URL(d.urls.spa).origin}/`, scope: 'api:read', state: 's',
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()), code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<input id="username" name="username"');
    expect(html).toContain('<input id="password" name="password" type="password"');
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).toContain('Demo account: user <code>demo</code>, password <code>demo</code>');

    const wrong = await fetch(as.authorization_endpoint!, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, username: 'demo', password: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong user name or password.');
  });

  it('logs in, calls both APIs, refreshes (rotation, grace window), logs out, and is refused everywhere after', async () => {
    const tokens = await spaLogin(d.urls);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid profile api:read', expires_in: 12 });
    expect(typeof tokens.refresh_token).toBe('string');
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    const koa = await get(`${d.urls.koaApi}/api/hello`, bearer(tokens.access_token));
    expect(koa.json).toMatchObject({ api: 'koa', subject: 'demo', clientId: 'spa', strategy: 'local', format: 'jwt' });
    expect(koa.json.scopes).toEqual(['openid', 'profile', 'api:read']);
    const express = await get(`${d.urls.expressApi}/api/hello`, bearer(tokens.access_token));
    expect(express.json).toMatchObject({ api: 'express', subject: 'demo', clientId: 'spa', strategy: 'remote', format: 'jwt' });

    const as = await discover(d.urls.issuer);
    const client: oauth.Client = { client_id: 'spa' };
    const refresh = async (token: string) => oauth.processRefreshTokenResponse(as, client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), token, insecure));
    const next = await refresh(tokens.refresh_token!);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.access_token).not.toBe(tokens.access_token);
    // A second tab presenting the same refresh token inside the grace window gets the same successor set.
    const racer = await refresh(tokens.refresh_token!);
    expect(racer.refresh_token).toBe(next.refresh_token);
    expect(racer.access_token).toBe(next.access_token);
    expect((await get(`${d.urls.koaApi}/api/hello`, bearer(next.access_token))).status).toBe(200);

    // Logout: the SPA revokes its refresh token (RFC 7009, public client): the family and its access tokens end.
    const revoked = await postForm(`${d.urls.issuer}/revoke`, { token: next.refresh_token!, token_type_hint: 'refresh_token', client_id: 'spa' });
    expect(revoked.status).toBe(200);
    for (const url of [`${d.urls.koaApi}/api/hello`, `${d.urls.expressApi}/api/hello`]) {
      const refused = await get(url, bearer(next.access_token));
      expect(refused.status, url).toBe(401);
      expect(refused.headers.get('www-authenticate'), url).toContain('error="invalid_token"');
    }
    const afterLogout = await postForm(`${d.urls.issuer}/token`, { grant_type: 'refresh_token', refresh_token: next.refresh_token!, client_id: 'spa' });
    expect(afterLogout).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
  });

  it('lets the SPA origin call /token, /revoke and discovery cross-origin, and no other origin', async () => {
    const origin = new URL(d.urls.spa).origin;
    for (const path of ['/token', '/revoke']) {
      const preflight = await fetch(`${d.urls.issuer}${path}`, {
        method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,dpop' },
      });
      expect(preflight.status, path).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin'), path).toBe(origin);
    }
    for (const path of ['/.well-known/oauth-authorization-server', '/jwks.json']) {
      const answer = await fetch(`${d.urls.issuer}${path}`, { headers: { origin } });
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get('access-control-allow-origin'), path).toBe(origin);
    }
    const introspect = await fetch(`${d.urls.issuer}/introspect`, {
      method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(introspect.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('redirects only to the SPA origin it was started with', async () => {
    const url = new URL(`${d.urls.issuer}/authorize`);
    for (const [k, v] of Object.entries({ client_id: 'spa', response_type: 'code', redirect_uri: 'http://evil.example/', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })) {
      url.searchParams.set(k, v);
    }
    const answer = await fetch(url, { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
  });
});
