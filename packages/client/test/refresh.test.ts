import { createTokenClient, type TokenClient, type TokenClientOptions } from '@tessera/client';
import { delay, http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ISSUER, TOKEN_ENDPOINT, mockIssuer, record } from './helpers.js';

const { use, server } = mockIssuer();
const clients: TokenClient[] = [];
const make = (options: Partial<TokenClientOptions> = {}) => {
  const client = createTokenClient({ issuer: ISSUER, clientId: 'spa', ...options });
  clients.push(client);
  return client;
};
afterEach(() => {
  vi.useRealTimers();
  for (const c of clients.splice(0)) c.close();
});
const login = (client: TokenClient) => client.password({ username: 'alice', password: 'wonderland' });

describe('single-flight', () => {
  it('50 concurrent calls needing a refresh share exactly one refresh request', async () => {
    const issuer = use();
    issuer.expiresIn = 0; // expired on arrival: every call needs a renewal
    const client = make({ autoRefresh: false });
    const first = await login(client);
    issuer.expiresIn = 3600;
    const tokens = await Promise.all(Array.from({ length: 50 }, () => client.getAccessToken()));
    expect(issuer.refreshes).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(first.accessToken);
  });

  it('50 concurrent API calls through ky with an expired token → one refresh, 50 answers', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const client = make({ autoRefresh: false });
    await login(client);
    issuer.expiresIn = 3600;
    const answers = await Promise.all(Array.from({ length: 50 }, () => client.ky.get('https://api.example/orders').json()));
    expect(answers.every((a) => (a as { ok: boolean }).ok)).toBe(true);
    expect(issuer.refreshes).toBe(1);
  });

  it('does not refresh a fresh token', async () => {
    const issuer = use();
    const client = make();
    const { accessToken } = await login(client);
    expect(await client.getAccessToken()).toBe(accessToken);
    expect(issuer.refreshes).toBe(0);
  });
});

describe('proactive refresh', () => {
  it('renews refreshSkew before expiry on a timer, and again for the next token', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const issuer = use();
    issuer.expiresIn = 600;
    const client = make({ refreshSkew: 60 });
    const events = record(client);
    await login(client);
    await vi.advanceTimersByTimeAsync(539_000);
    expect(issuer.refreshes).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(issuer.refreshes).toBe(1));
    expect(events.of('refresh')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(540_000);
    await vi.waitFor(() => expect(issuer.refreshes).toBe(2));
  });

  it('never renews more than half a lifetime early (short-lived tokens are not renewed on every call)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const issuer = use();
    issuer.expiresIn = 20;
    const client = make({ refreshSkew: 30 });
    const { accessToken } = await login(client);
    expect(await client.getAccessToken()).toBe(accessToken);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(issuer.refreshes).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(issuer.refreshes).toBe(1));
  });

  it('close() clears the timer: no refresh afterwards', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const issuer = use();
    issuer.expiresIn = 100;
    const client = make({ refreshSkew: 10 });
    await login(client);
    client.close();
    await vi.advanceTimersByTimeAsync(200_000);
    expect(issuer.refreshes).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'client_closed' });
  });

  it('with autoRefresh off, renews only when a call needs it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const issuer = use();
    issuer.expiresIn = 100;
    const client = make({ autoRefresh: false, refreshSkew: 10 });
    const first = await login(client);
    await vi.advanceTimersByTimeAsync(200_000);
    expect(issuer.refreshes).toBe(0);
    expect(await client.getAccessToken()).not.toBe(first.accessToken);
    expect(issuer.refreshes).toBe(1);
  });
});

describe('invalid_grant', () => {
  it('clears the tokens and emits one logout, however many calls were waiting', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const client = make({ autoRefresh: false });
    const { refreshToken } = await login(client);
    issuer.refreshTokens.set(refreshToken!, 'spent'); // revoked at the issuer
    const events = record(client);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => client.getAccessToken()));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'invalid_grant')).toBe(true);
    expect(issuer.refreshes).toBe(1);
    expect(events.of('logout')).toEqual([{ reason: 'invalid_grant' }]);
    expect(await client.getTokens()).toBeUndefined();
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'not_authenticated', message: 'no token set: log in first' });
  });

  it('a token set without a refresh token cannot be renewed: not_authenticated, and no logout', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    issuer.omitRefreshToken = true;
    const client = make({ autoRefresh: false });
    const events = record(client);
    await login(client);
    await expect(client.getAccessToken()).rejects.toMatchObject({
      code: 'not_authenticated',
      message: 'the token set has no refresh token to renew it with',
    });
    expect(issuer.refreshes).toBe(0);
    expect(events.of('logout')).toEqual([]);
  });
});

describe('network failures and a slow issuer', () => {
  it('keeps the tokens, emits refresh_error, and retries with backoff until the issuer answers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const issuer = use();
    issuer.expiresIn = 100;
    const client = make({ refreshSkew: 10 });
    const events = record(client);
    const first = await login(client);
    let failures = 2;
    server.use(http.post(TOKEN_ENDPOINT, () => (failures-- > 0 ? HttpResponse.error() : undefined)));
    await vi.advanceTimersByTimeAsync(90_000);
    await vi.waitFor(() => expect(events.of('refresh_error')).toHaveLength(1));
    const [firstError] = events.of('refresh_error') as { error: { code: string; message: string }; attempt: number; retryInMs: number }[];
    expect(firstError).toMatchObject({ attempt: 1, error: { code: 'issuer_unavailable', message: 'the issuer cannot be reached (network error)' } });
    expect(firstError!.retryInMs).toBeGreaterThanOrEqual(750);
    expect(firstError!.retryInMs).toBeLessThanOrEqual(1250);
    // Still valid: calls keep working with the current token while the client backs off.
    expect(await client.getAccessToken()).toBe(first.accessToken);
    await vi.advanceTimersByTimeAsync(1_300);
    await vi.waitFor(() => expect(events.of('refresh_error')).toHaveLength(2));
    expect((events.of('refresh_error')[1] as { attempt: number }).attempt).toBe(2);
    await vi.advanceTimersByTimeAsync(2_600);
    await vi.waitFor(() => expect(events.of('refresh')).toHaveLength(1));
    expect(await client.getAccessToken()).not.toBe(first.accessToken);
    expect(events.of('logout')).toEqual([]);
  });

  it('an expired token and an unreachable issuer: the call fails with issuer_unavailable, the tokens stay', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const client = make({ autoRefresh: false });
    const first = await login(client);
    server.use(http.post(TOKEN_ENDPOINT, () => HttpResponse.error()));
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'issuer_unavailable', status: 503 });
    expect((await client.getTokens())?.refreshToken).toBe(first.refreshToken);
  });

  it('a slow issuer times out after `timeout` seconds as issuer_unavailable', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const client = make({ autoRefresh: false, timeout: 0.2 });
    await login(client);
    server.use(http.post(TOKEN_ENDPOINT, async () => {
      await delay(5_000);
      return HttpResponse.json({});
    }));
    const started = Date.now();
    await expect(client.getAccessToken()).rejects.toMatchObject({
      code: 'issuer_unavailable',
      message: 'the issuer did not answer in time',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a 5xx answer is a transient failure (issuer_unavailable), not a logout', async () => {
    const issuer = use();
    issuer.expiresIn = 0;
    const client = make({ autoRefresh: false });
    const events = record(client);
    await login(client);
    issuer.nextAnswer = () => HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 503 });
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'issuer_unavailable', message: 'the issuer failed (HTTP 503)' });
    expect(events.of('logout')).toEqual([]);
    expect(await client.getAccessToken()).toBeTypeOf('string');
  });
});

describe('renewal rate limit', () => {
  it('stops renewing after refreshRateLimit.max requests in the window', async () => {
    const issuer = use();
    const client = make({ refreshRateLimit: { max: 3, windowSeconds: 60 } });
    const events = record(client);
    await login(client);
    for (let i = 0; i < 3; i++) await client.refresh();
    await expect(client.refresh()).rejects.toMatchObject({
      code: 'refresh_rate_limited',
      status: 429,
      message: 'more than 3 renewals in 60 s: renewal paused (is the API rejecting fresh tokens?)',
    });
    expect(issuer.refreshes).toBe(3);
    expect((events.of('refresh_error')[0] as { retryInMs: unknown }).retryInMs).toBeUndefined();
  });
});
