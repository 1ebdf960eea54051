import { isTesseraError } from '@tessera/core';
import { createTokenClient, type TokenClient } from '@tessera/client';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { ISSUER, REDIRECT_URI, TOKEN_ENDPOINT, mockIssuer, record } from './helpers.js';

const { use, server } = mockIssuer();
const clients: TokenClient[] = [];
const make = (options: Partial<Parameters<typeof createTokenClient>[0]> = {}) => {
  const client = createTokenClient({ issuer: ISSUER, clientId: 'spa', redirectUri: REDIRECT_URI, ...options });
  clients.push(client);
  return client;
};
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe('discovery and endpoints', () => {
  it('discovers the token endpoint from RFC 8414 metadata once', async () => {
    const issuer = use();
    const client = make();
    await client.password({ username: 'alice', password: 'wonderland' });
    await client.refresh();
    expect(issuer.requests.map((r) => r.grant)).toEqual(['password', 'refresh_token']);
  });

  it('uses explicit endpoints without discovery', async () => {
    const issuer = use();
    const client = make({ issuer: undefined, endpoints: { token: TOKEN_ENDPOINT } });
    const tokens = await client.password({ username: 'alice', password: 'wonderland' });
    expect(tokens.tokenType).toBe('Bearer');
    expect(issuer.requests).toHaveLength(1);
  });

  it('reports metadata whose issuer does not match as discovery_failed, and tries again on next use', async () => {
    const issuer = use();
    let answers = 0;
    server.use(
      http.get(`${ISSUER}/.well-known/oauth-authorization-server/tenant`, () =>
        HttpResponse.json({ issuer: ++answers === 1 ? 'https://evil.example' : `${ISSUER}/tenant`, token_endpoint: TOKEN_ENDPOINT }),
      ),
    );
    const client = make({ issuer: `${ISSUER}/tenant` });
    const err = await client.password({ username: 'alice', password: 'wonderland' }).catch((e: unknown) => e);
    expect(isTesseraError(err, 'discovery_failed')).toBe(true);
    expect((err as Error).message).toBe(
      `the issuer's answer is not a valid response: "response" body "issuer" property does not match the expected value`,
    );
    await client.password({ username: 'alice', password: 'wonderland' });
    expect(issuer.requests).toHaveLength(1);
  });

  it('reports an unreachable metadata endpoint as issuer_unavailable', async () => {
    use();
    server.use(http.get(`${ISSUER}/.well-known/oauth-authorization-server`, () => HttpResponse.error()));
    const client = make();
    await expect(client.password({ username: 'alice', password: 'wonderland' })).rejects.toMatchObject({
      code: 'issuer_unavailable',
      status: 503,
      message: 'the issuer cannot be reached (network error)',
    });
  });
});

describe('refresh_token grant with rotation', () => {
  it('spends each refresh token once and stores its successor', async () => {
    const issuer = use();
    const client = make();
    const first = await client.password({ username: 'alice', password: 'wonderland' });
    const second = await client.refresh();
    const third = await client.refresh();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(third.refreshToken).not.toBe(second.refreshToken);
    expect(issuer.requests.filter((r) => r.grant === 'refresh_token').map((r) => r.body.get('refresh_token'))).toEqual([
      first.refreshToken,
      second.refreshToken,
    ]);
    expect((await client.getTokens())?.accessToken).toBe(third.accessToken);
  });

  it('keeps the old refresh token when the answer has none (RFC 6749 §6)', async () => {
    const issuer = use();
    const client = make();
    const first = await client.password({ username: 'alice', password: 'wonderland' });
    issuer.omitRefreshToken = true;
    issuer.refreshTokens.set(first.refreshToken!, 'live'); // this issuer does not rotate: the token stays valid
    const second = await client.refresh();
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.scope).toBe('orders:read');
  });

  it('sends extra token parameters on every token request', async () => {
    const issuer = use();
    const client = make({ tokenParameters: { resource: 'https://api.example' } });
    await client.password({ username: 'alice', password: 'wonderland' });
    await client.refresh();
    expect(issuer.requests.map((r) => r.body.get('resource'))).toEqual(['https://api.example', 'https://api.example']);
  });
});

describe('authorization_code + PKCE', () => {
  it('builds an S256 authorization URL and exchanges the code on the redirect', async () => {
    const issuer = use();
    const client = make({ scope: 'openid orders:read' });
    const url = await client.authorizeUrl({ parameters: { prompt: 'login' } });
    expect(url.origin + url.pathname).toBe(`${ISSUER}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'spa',
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid orders:read',
      code_challenge_method: 'S256',
      prompt: 'login',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{43}$/);

    const tokens = await client.handleRedirect(issuer.authorize(url));
    expect(tokens.grant).toBe('authorization_code');
    expect(issuer.requests[0]?.body.get('code_verifier')).toMatch(/^[\w-]{43}$/);
    expect((await client.getTokens())?.accessToken).toBe(tokens.accessToken);
  });

  it('uses the pending state once: a replayed redirect fails', async () => {
    const issuer = use();
    const client = make();
    const back = issuer.authorize(await client.authorizeUrl());
    await client.handleRedirect(back);
    await expect(client.handleRedirect(back)).rejects.toMatchObject({
      code: 'authorization_failed',
      message: 'no pending authorization: call authorizeUrl() before handleRedirect()',
    });
  });

  it('refuses a redirect whose state does not match', async () => {
    const issuer = use();
    const client = make();
    const back = new URL(issuer.authorize(await client.authorizeUrl()));
    back.searchParams.set('state', 'forged');
    await expect(client.handleRedirect(back)).rejects.toMatchObject({
      code: 'authorization_failed',
      message: 'the redirect does not answer this authorization (state mismatch or no code)',
    });
    expect(issuer.requests).toHaveLength(0);
  });

  it('reports the authorization server error of the callback', async () => {
    use();
    const client = make();
    const url = await client.authorizeUrl();
    const back = new URL(REDIRECT_URI);
    back.searchParams.set('error', 'access_denied');
    back.searchParams.set('state', url.searchParams.get('state')!);
    back.searchParams.set('iss', ISSUER);
    await expect(client.handleRedirect(back)).rejects.toMatchObject({
      code: 'authorization_failed',
      oauthError: 'access_denied',
      message: 'the authorization server answered access_denied',
    });
  });

  it('refuses a code with the wrong verifier at the issuer (invalid_grant), without logging anyone out', async () => {
    const issuer = use();
    const client = make();
    const url = await client.authorizeUrl();
    url.searchParams.set('code_challenge', 'A'.repeat(43)); // the issuer remembers another challenge
    const events = record(client);
    await expect(client.handleRedirect(issuer.authorize(url))).rejects.toMatchObject({ code: 'invalid_grant', status: 401 });
    expect(events.of('logout')).toEqual([]);
  });
});

describe('client_credentials', () => {
  it('authenticates with HTTP Basic by default, and renews with the same grant (no refresh token)', async () => {
    const issuer = use();
    const client = make({ clientId: 'service', clientAuth: { secret: 's3cret' } });
    const first = await client.clientCredentials({ scope: 'orders:read' });
    expect(first.refreshToken).toBeUndefined();
    expect(issuer.requests[0]?.headers.get('authorization')).toMatch(/^Basic /);
    const second = await client.refresh();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(issuer.requests.map((r) => r.grant)).toEqual(['client_credentials', 'client_credentials']);
  });

  it('can send the secret in the body (client_secret_post)', async () => {
    const issuer = use();
    const client = make({ clientId: 'service', clientAuth: { secret: 's3cret', method: 'client_secret_post' } });
    await client.clientCredentials();
    expect(issuer.requests[0]?.body.get('client_secret')).toBe('s3cret');
  });

  it('reports invalid_client as token_request_failed', async () => {
    use();
    const client = make({ clientId: 'service', clientAuth: { secret: 'wrong' } });
    await expect(client.clientCredentials()).rejects.toMatchObject({
      code: 'token_request_failed',
      oauthError: 'invalid_client',
      message: 'the issuer refused the request (invalid_client)',
    });
  });
});

describe('password grant', () => {
  it('sends the RFC 6749 form and refuses wrong credentials with invalid_grant', async () => {
    const issuer = use();
    const client = make();
    await expect(client.password({ username: 'alice', password: 'nope' })).rejects.toMatchObject({ code: 'invalid_grant' });
    const tokens = await client.password({ username: 'alice', password: 'wonderland', scope: 'orders:read' });
    expect(issuer.requests[1]?.body.get('scope')).toBe('orders:read');
    expect(tokens.grant).toBe('password');
  });

  it("speaks the reference JWE service's JSON body and accepts its token_type JWE", async () => {
    const issuer = use();
    const client = make({ issuer: undefined, endpoints: { token: TOKEN_ENDPOINT } });
    const tokens = await client.password({ username: 'admin', password: 'admin123', apiKey: 'api_key_jwe_example' });
    expect(issuer.requests[0]?.grant).toBe('jwe-service-json');
    expect(issuer.requests[0]?.headers.get('content-type')).toBe('application/json');
    expect(tokens).toMatchObject({ tokenType: 'Bearer', format: 'jwe', expiresAt: undefined });
  });
});

describe('logout and revocation (RFC 7009)', () => {
  it('revokes the refresh token, clears the tokens and emits logout once', async () => {
    const issuer = use();
    const client = make();
    const tokens = await client.password({ username: 'alice', password: 'wonderland' });
    const events = record(client);
    expect(await client.logout()).toEqual({ revoked: true });
    expect(issuer.revoked).toEqual([tokens.refreshToken]);
    expect(await client.getTokens()).toBeUndefined();
    expect(events.of('logout')).toEqual([{ reason: 'user' }]);
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated' });
  });

  it('logs out locally even when the issuer cannot be reached for revocation', async () => {
    use();
    server.use(http.post('https://down.example/revoke', () => HttpResponse.error()));
    const client = make({ issuer: undefined, endpoints: { token: TOKEN_ENDPOINT, revocation: 'https://down.example/revoke' } });
    await client.password({ username: 'alice', password: 'wonderland' });
    expect(await client.logout()).toEqual({ revoked: false });
    expect(await client.getTokens()).toBeUndefined();
  });
});
