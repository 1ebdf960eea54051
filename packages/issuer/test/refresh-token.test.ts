import { MemoryTokenStore } from '@tessera/core';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import type { AuditEvent, IssuerOptions } from '../src/index.js';
import { SECRET, basic, insecure, payloadOf, post, startIssuer, type StartOptions } from './helpers.js';

const authenticateUser: IssuerOptions['authenticateUser'] = async ({ username, password }) =>
  username === 'alice' && password === 'wonderland' ? { subject: 'user-alice', claims: { email: 'alice@example.com' } } : undefined;

const clients: StartOptions['clients'] = [
  { id: 'web', secret: SECRET, grants: ['password', 'refresh_token'], scopes: ['read', 'write'] },
  { id: 'other', secret: SECRET, grants: ['password', 'refresh_token'], scopes: ['read'] },
  { id: 'opaque-web', secret: SECRET, format: 'opaque', grants: ['password', 'refresh_token'], scopes: ['read'] },
];

const web: oauth.Client = { client_id: 'web' };
const auth = oauth.ClientSecretBasic(SECRET);

async function login(as: oauth.AuthorizationServer, client: oauth.Client = web, scope = 'read write') {
  const response = await oauth.genericTokenEndpointRequest(as, client, auth, 'password',
    { username: 'alice', password: 'wonderland', scope }, insecure);
  return oauth.processGenericTokenEndpointResponse(as, client, response);
}

async function refresh(as: oauth.AuthorizationServer, token: string, client: oauth.Client = web, scope?: string) {
  const response = await oauth.refreshTokenGrantRequest(as, client, auth, token,
    { ...insecure, ...(scope === undefined ? {} : { additionalParameters: { scope } }) });
  return oauth.processRefreshTokenResponse(as, client, response);
}

async function introspect(url: string, token: string): Promise<Record<string, unknown>> {
  return (await post(`${url}/introspect`, { token }, { headers: { authorization: basic('web', SECRET) } })).json;
}

function refreshRaw(url: string, token: string, client = 'web') {
  return post(`${url}/token`, { grant_type: 'refresh_token', refresh_token: token }, { headers: { authorization: basic(client, SECRET) } });
}

describe('POST /token grant_type=refresh_token', () => {
  it('rotates: a new access and refresh token, the user\'s claims carried over', async () => {
    const { as } = await startIssuer({ clients, authenticateUser });
    const first = await login(as);
    const second = await refresh(as, first.refresh_token!);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(payloadOf(second.access_token)).toMatchObject({ sub: 'user-alice', email: 'alice@example.com', scope: 'read write', client_id: 'web' });
    const third = await refresh(as, second.refresh_token!);
    expect(third.refresh_token).not.toBe(second.refresh_token);
  });

  it('treats reuse of a rotated token as theft: invalid_grant, family revoked, its live access tokens denylisted', async () => {
    const events: AuditEvent[] = [];
    const { as, url } = await startIssuer({ clients, authenticateUser, onAudit: (e) => void events.push(e) });
    const first = await login(as);
    const second = await refresh(as, first.refresh_token!);
    expect(await introspect(url, second.access_token)).toMatchObject({ active: true });

    const reuse = await refreshRaw(url, first.refresh_token!);
    expect(reuse).toMatchObject({ status: 400, json: { error: 'invalid_grant', error_description: 'refresh token was already used; its family is revoked' } });
    expect(await refreshRaw(url, second.refresh_token!)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect(await introspect(url, second.access_token)).toEqual({ active: false });
    expect(await introspect(url, first.access_token)).toEqual({ active: false });

    const types = events.map((e) => e.type);
    expect(types).toContain('refresh.reuse_detected');
    expect(types).toContain('family.revoked');
    const serialized = JSON.stringify(events);
    for (const token of [first.access_token, first.refresh_token!, second.access_token, second.refresh_token!]) {
      expect(serialized).not.toContain(token);
    }
  });

  it('revokes the opaque access tokens of a family on reuse too', async () => {
    const { as, url } = await startIssuer({ clients, authenticateUser });
    const client = { client_id: 'opaque-web' };
    const first = await login(as, client, 'read');
    const second = await refresh(as, first.refresh_token!, client);
    const check = async (token: string) =>
      (await post(`${url}/introspect`, { token }, { headers: { authorization: basic('opaque-web', SECRET) } })).json;
    expect(await check(second.access_token)).toMatchObject({ active: true, sub: 'user-alice' });
    await refreshRaw(url, first.refresh_token!, 'opaque-web');
    expect(await check(second.access_token)).toEqual({ active: false });
  });

  it('narrows scopes on request and refuses to widen them (invalid_scope)', async () => {
    const { as } = await startIssuer({ clients, authenticateUser });
    const first = await login(as, web, 'read');
    const error = await refresh(as, first.refresh_token!, web, 'read write').catch((e: unknown) => e);
    expect(error).toMatchObject({ error: 'invalid_scope' });
    const narrowed = await refresh(as, (await login(as)).refresh_token!, web, 'read');
    expect(narrowed.scope).toBe('read');
    // RFC 6749 §6: the new refresh token keeps the grant's scope; only that access token was narrowed.
    const full = await refresh(as, narrowed.refresh_token!);
    expect(full.scope).toBe('read write');
  });

  it('refuses another client\'s refresh token without rotating it', async () => {
    const { as, url } = await startIssuer({ clients, authenticateUser });
    const first = await login(as);
    expect(await refreshRaw(url, first.refresh_token!, 'other'))
      .toMatchObject({ status: 400, json: { error: 'invalid_grant', error_description: 'refresh token is unknown, expired or revoked' } });
    await expect(refresh(as, first.refresh_token!)).resolves.toMatchObject({ token_type: 'bearer' });
  });

  it('refuses an unknown refresh token and a missing one', async () => {
    const { url } = await startIssuer({ clients, authenticateUser });
    expect(await refreshRaw(url, 'x'.repeat(43))).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect(await post(`${url}/token`, { grant_type: 'refresh_token' }, { headers: { authorization: basic('web', SECRET) } }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the "refresh_token" parameter is required' } });
  });

  it('never extends a family past refreshTokenFamilyTtl', async () => {
    let now = Date.now();
    const store = new MemoryTokenStore({ now: () => now });
    const { as, url } = await startIssuer({
      clients, authenticateUser, store, now: () => now, refreshTokenTtl: '1h', refreshTokenFamilyTtl: '90m',
    });
    const first = await login(as);
    now += 50 * 60_000;
    const second = await refresh(as, first.refresh_token!);
    now += 50 * 60_000; // 100 minutes after the login: past the family's end, inside the second token's hour
    expect(await refreshRaw(url, second.refresh_token!)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    await store.close();
  });

  describe('with the reuse grace window', () => {
    it('gives the immediately previous token the same successor set, not a new one', async () => {
      const { as, url } = await startIssuer({ clients, authenticateUser, refreshGraceSeconds: 10 });
      const first = await login(as);
      const second = await refresh(as, first.refresh_token!);
      const again = await refreshRaw(url, first.refresh_token!);
      expect(again.status).toBe(200);
      expect(again.json.access_token).toBe(second.access_token);
      expect(again.json.refresh_token).toBe(second.refresh_token);
      // The family is intact: the successor rotates normally.
      const third = await refresh(as, second.refresh_token!);
      expect(third.refresh_token).not.toBe(second.refresh_token);
    });

    it('still revokes the family for a token two rotations old, or once the window has passed', async () => {
      let now = Date.now();
      const store = new MemoryTokenStore({ now: () => now });
      const { as, url } = await startIssuer({ clients, authenticateUser, refreshGraceSeconds: 10, store, now: () => now });
      const first = await login(as);
      const second = await refresh(as, first.refresh_token!);
      await refresh(as, second.refresh_token!);
      expect(await refreshRaw(url, first.refresh_token!)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });

      const a = await login(as);
      const b = await refresh(as, a.refresh_token!);
      now += 11_000;
      expect(await refreshRaw(url, a.refresh_token!)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
      expect(await refreshRaw(url, b.refresh_token!)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
      await store.close();
    });
  });

  describe('under concurrency (memory store)', () => {
    it('200 concurrent refreshes of one token: exactly one succeeds, the rest get invalid_grant', async () => {
      const { as, url } = await startIssuer({ clients, authenticateUser, rateLimit: false });
      const first = await login(as);
      const answers = await Promise.all(Array.from({ length: 200 }, () => refreshRaw(url, first.refresh_token!)));
      const ok = answers.filter((a) => a.status === 200);
      expect(ok).toHaveLength(1);
      expect(answers.filter((a) => a.status === 400 && a.json.error === 'invalid_grant')).toHaveLength(199);
      // The racers were reuse: the winner's family is revoked as well (RFC 9700 §4.14.2).
      expect(await refreshRaw(url, ok[0]!.json.refresh_token as string)).toMatchObject({ status: 400 });
    });

    it('with the grace window on, every one of 200 racers gets the same successor', async () => {
      const { as, url } = await startIssuer({ clients, authenticateUser, rateLimit: false, refreshGraceSeconds: 10 });
      const first = await login(as);
      const answers = await Promise.all(Array.from({ length: 200 }, () => refreshRaw(url, first.refresh_token!)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(new Set(answers.map((a) => a.json.refresh_token)).size).toBe(1);
      expect(new Set(answers.map((a) => a.json.access_token)).size).toBe(1);
      await expect(refresh(as, answers[0]!.json.refresh_token as string)).resolves.toMatchObject({ token_type: 'bearer' });
    });

    it('a revoke racing a refresh leaves the family revoked, whichever lands first', async () => {
      const { as, url } = await startIssuer({ clients, authenticateUser, rateLimit: false });
      for (const revokeFirst of [true, false]) {
        for (let round = 0; round < 10; round++) {
          const first = await login(as);
          const revoke = () => post(`${url}/revoke`, { token: first.refresh_token!, token_type_hint: 'refresh_token' },
            { headers: { authorization: basic('web', SECRET) } });
          const rotate = () => refreshRaw(url, first.refresh_token!);
          const [r1, r2] = revokeFirst ? await Promise.all([revoke(), rotate()]) : await Promise.all([rotate(), revoke()]);
          const [revoked, rotated] = revokeFirst ? [r1, r2] : [r2, r1];
          expect(revoked.status).toBe(200);
          if (rotated.status === 200) {
            expect(await refreshRaw(url, rotated.json.refresh_token as string)).toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
            expect(await introspect(url, rotated.json.access_token as string)).toEqual({ active: false });
          } else {
            expect(rotated.json.error).toBe('invalid_grant');
          }
          expect(await introspect(url, first.access_token)).toEqual({ active: false });
        }
      }
    });
  });
});
