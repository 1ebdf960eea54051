import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/index.js';
import { SECRET, basic, post, startIssuer } from './helpers.js';

const authenticateUser = async ({ username }: { username: string }) => (username === 'alice' ? { subject: 'alice' } : null);

describe('the audit hook', () => {
  it('gets one typed event per token operation, with client, subject, jti/family and outcome, never a token', async () => {
    const events: AuditEvent[] = [];
    const { url } = await startIssuer({
      clients: [{ id: 'web', secret: SECRET, grants: ['password', 'refresh_token'] }, { id: 'rs', secret: SECRET, introspect: true }],
      authenticateUser, onAudit: (e) => void events.push(e),
    });
    const auth = { authorization: basic('web', SECRET) };
    const login = (await post(`${url}/token`, { grant_type: 'password', username: 'alice', password: 'x' }, { headers: auth })).json;
    const refreshed = (await post(`${url}/token`, { grant_type: 'refresh_token', refresh_token: login.refresh_token as string }, { headers: auth })).json;
    await post(`${url}/introspect`, { token: refreshed.access_token as string }, { headers: { authorization: basic('rs', SECRET) } });
    await fetch(`${url}/verify-token`, { headers: { authorization: `Bearer ${refreshed.access_token as string}` } });
    await post(`${url}/token`, { grant_type: 'password', username: 'mallory', password: 'x' }, { headers: auth });
    await post(`${url}/revoke`, { token: refreshed.refresh_token as string }, { headers: auth });

    expect(events.map((e) => e.type)).toEqual([
      'token.issued', 'token.refreshed', 'token.introspected', 'verify_token.answered', 'token.rejected', 'family.revoked', 'token.revoked',
    ]);
    const [issued, refresh, introspected, verified, rejected, family, revoked] = events;
    expect(issued).toMatchObject({ clientId: 'web', grantType: 'password', subject: 'alice', format: 'jwt', dpop: false, outcome: 'success' });
    expect(refresh).toMatchObject({ clientId: 'web', subject: 'alice', familyId: (issued as { familyId: string }).familyId, outcome: 'rotated' });
    expect(introspected).toMatchObject({ clientId: 'rs', subject: 'alice', active: true, outcome: 'active' });
    expect(verified).toMatchObject({ clientId: 'web', valid: true, outcome: 'valid' });
    expect(rejected).toMatchObject({ clientId: 'web', grantType: 'password', error: 'invalid_grant', outcome: 'failure' });
    expect(family).toMatchObject({ reason: 'revocation', outcome: 'revoked' });
    expect(revoked).toMatchObject({ tokenType: 'refresh_token', outcome: 'revoked' });
    for (const e of events) expect(typeof e.at).toBe('number');
    const text = JSON.stringify(events);
    for (const token of [login.access_token, login.refresh_token, refreshed.access_token, refreshed.refresh_token]) {
      expect(text).not.toContain(token as string);
    }
    expect(text).not.toContain(SECRET);
  });

  it('never breaks a request when the hook throws or rejects', async () => {
    let calls = 0;
    const { url } = await startIssuer({
      clients: [{ id: 'svc', secret: SECRET }],
      onAudit: (e) => {
        calls++;
        if (e.type === 'token.issued' && calls % 2 === 0) return Promise.reject(new Error('audit sink down'));
        throw new Error('audit sink down');
      },
    });
    for (let i = 0; i < 2; i++) {
      expect((await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('svc', SECRET) } })).status).toBe(200);
    }
    expect(calls).toBe(2);
  });
});
