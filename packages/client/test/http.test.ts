import { createTokenClient, type TokenClient } from '@tessera/client';
import { HTTPError } from 'ky';
import { afterEach, describe, expect, it } from 'vitest';
import { API, ISSUER, mockIssuer, record } from './helpers.js';

const { use } = mockIssuer();
const clients: TokenClient[] = [];
const make = () => {
  const client = createTokenClient({ issuer: ISSUER, clientId: 'spa', autoRefresh: false });
  clients.push(client);
  return client;
};
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
const login = (client: TokenClient) => client.password({ username: 'alice', password: 'wonderland' });

describe.each(['fetch', 'ky'] as const)('client.%s', (via) => {
  const call = (client: TokenClient, path: string, init?: { method: string; body: string }) =>
    via === 'fetch'
      ? client.fetch(`${API}${path}`, init)
      : client.ky(`${API}${path}`, { ...init, throwHttpErrors: false });

  it('attaches the access token as Bearer', async () => {
    const issuer = use();
    const client = make();
    const { accessToken } = await login(client);
    const response = await call(client, '/orders');
    expect(response.status).toBe(200);
    expect(issuer.apiCalls).toEqual([{ authorization: `Bearer ${accessToken}`, dpop: null }]);
  });

  it('401 invalid_token → one refresh → the request retried once, body included', async () => {
    const issuer = use();
    const client = make();
    const first = await login(client);
    issuer.forgetAccessTokens(); // revoked at the API: the token is fresh by its expiry but refused
    const response = await call(client, '/orders', { method: 'POST', body: 'order=42' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, body: 'order=42' });
    expect(issuer.refreshes).toBe(1);
    expect(issuer.apiCalls).toHaveLength(2);
    expect(issuer.apiCalls[0]?.authorization).toBe(`Bearer ${first.accessToken}`);
    expect(issuer.apiCalls[1]?.authorization).toBe(`Bearer ${(await client.getTokens())?.accessToken}`);
  });

  it('a 401 that persists after the refresh is returned: one refresh, two API calls, no loop', async () => {
    const issuer = use();
    const client = make();
    await login(client);
    issuer.apiRejectsAll = true;
    const response = await call(client, '/orders');
    expect(response.status).toBe(401);
    expect(issuer.refreshes).toBe(1);
    expect(issuer.apiCalls).toHaveLength(2);
  });

  it('a 401 without error="invalid_token" (a bare challenge) is returned as it is: no refresh, no retry', async () => {
    const issuer = use();
    const client = make();
    await login(client);
    const response = await call(client, '/no-credentials');
    expect(response.status).toBe(401);
    expect(issuer.refreshes).toBe(0);
  });

  it('when the refresh is refused (invalid_grant), returns the 401 and logs out once', async () => {
    const issuer = use();
    const client = make();
    const { refreshToken } = await login(client);
    issuer.forgetAccessTokens();
    issuer.refreshTokens.set(refreshToken!, 'spent');
    const events = record(client);
    const response = await call(client, '/orders');
    expect(response.status).toBe(401);
    expect(issuer.apiCalls).toHaveLength(1);
    expect(events.of('logout')).toEqual([{ reason: 'invalid_grant' }]);
  });

  it('concurrent 401s for the same token share one refresh', async () => {
    const issuer = use();
    const client = make();
    await login(client);
    issuer.forgetAccessTokens();
    const responses = await Promise.all(Array.from({ length: 10 }, () => call(client, '/orders')));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(issuer.refreshes).toBe(1);
  });

  it('without tokens, rejects with not_authenticated and sends nothing', async () => {
    const issuer = use();
    const client = make();
    await expect(call(client, '/orders')).rejects.toMatchObject({ code: 'not_authenticated' });
    expect(issuer.apiCalls).toHaveLength(0);
  });
});

describe('client.fetch specifics', () => {
  it('works detached, as the fetch function another HTTP client is given', async () => {
    const issuer = use();
    const client = make();
    const { accessToken } = await login(client);
    const { fetch, getAccessToken } = client;
    expect((await fetch(`${API}/orders`)).status).toBe(200);
    expect(await getAccessToken()).toBe(accessToken);
    expect(issuer.apiCalls).toEqual([{ authorization: `Bearer ${accessToken}`, dpop: null }]);
  });
});

describe('client.ky specifics', () => {
  it('extends with a prefixUrl and keeps the hooks', async () => {
    const issuer = use();
    const client = make();
    await login(client);
    issuer.forgetAccessTokens();
    const api = client.ky.extend({ prefixUrl: API });
    expect(await api.get('orders').json()).toEqual({ ok: true });
    expect(issuer.refreshes).toBe(1);
  });

  it('the refresh request never passes through the intercepting hooks', async () => {
    const issuer = use();
    const client = make();
    await login(client);
    issuer.forgetAccessTokens();
    const seen: string[] = [];
    const api = client.ky.extend({ hooks: { beforeRequest: [(request) => void seen.push(request.url)] } });
    await api.get(`${API}/orders`);
    expect(seen).toEqual([`${API}/orders`, `${API}/orders`]);
    const refresh = issuer.requests.find((r) => r.grant === 'refresh_token');
    expect(refresh?.headers.get('authorization')).toBeNull();
  });

  it('throws HTTPError for a persistent 401 (ky semantics), after exactly one refresh', async () => {
    const issuer = use();
    const client = make();
    await login(client);
    issuer.apiRejectsAll = true;
    await expect(client.ky.get(`${API}/orders`)).rejects.toBeInstanceOf(HTTPError);
    expect(issuer.refreshes).toBe(1);
    expect(issuer.apiCalls).toHaveLength(2);
  });

  it('with retry: 0 the 401 is returned without a refresh-retry', async () => {
    const issuer = use();
    const client = make();
    await login(client);
    issuer.forgetAccessTokens();
    const response = await client.ky.get(`${API}/orders`, { retry: 0, throwHttpErrors: false });
    expect(response.status).toBe(401);
    expect(issuer.apiCalls).toHaveLength(1);
  });
});
