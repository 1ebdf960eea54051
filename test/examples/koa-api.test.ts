// examples/koa-api: JWT and JWE tokens verified locally (the issuer's JWKS, shared decryption keys), opaque tokens
// looked up in the issuer's store; RFC 6750 answers; CORS for the SPA's origin only.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../examples/demo.js';
import { FORMAT_CLIENT_IDS, clientToken, demo, get, postJson } from './support.js';

describe('examples/koa-api', () => {
  let d: Demo;
  beforeAll(async () => {
    d = await demo();
  });

  for (const [format, clientId] of Object.entries(FORMAT_CLIENT_IDS)) {
    it(`accepts a ${format} access token (client_credentials as ${clientId}) and says how`, async () => {
      const token = await clientToken(d.urls.issuer, clientId);
      const hello = await get(`${d.urls.koaApi}/api/hello`, { authorization: `Bearer ${token}` });
      expect(hello.status).toBe(200);
      expect(hello.json).toMatchObject({
        api: 'koa', subject: clientId, clientId, scopes: ['api:read'], format,
        strategy: format === 'opaque' ? 'opaque' : 'local',
      });
      const { issuedAt, expiresAt } = hello.json as { issuedAt: number; expiresAt: number };
      expect(expiresAt - issuedAt).toBe(30);
      expect(Math.abs(issuedAt - Date.now() / 1000)).toBeLessThan(60);
    });
  }

  it('answers 401 with an RFC 6750 challenge to a bad token and to none', async () => {
    const bad = await get(`${d.urls.koaApi}/api/hello`, { authorization: 'Bearer not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="koa-api", error="invalid_token"/);
    const forged = await get(`${d.urls.koaApi}/api/hello`, { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    expect(forged.status).toBe(401);
    const none = await get(`${d.urls.koaApi}/api/hello`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="koa-api"');
    expect(none.json).toMatchObject({ code: 'missing_token' });
  });

  it('answers 403 insufficient_scope to a valid token without api:read (the JWE service login token)', async () => {
    const login = await postJson(`${d.urls.issuer}/token`, { username: 'demo', password: 'demo', api_key: 'api_key_jwe_example' });
    expect(login.status).toBe(200);
    const hello = await get(`${d.urls.koaApi}/api/hello`, { authorization: `Bearer ${login.json.access_token as string}` });
    expect(hello.status).toBe(403);
    expect(hello.headers.get('www-authenticate'))
      .toBe('Bearer realm="koa-api", error="insufficient_scope", error_description="the token lacks the scopes: api:read", scope="api:read"');
  });

  it('lets the SPA origin call it cross-origin (Authorization allowed, WWW-Authenticate exposed), no one else', async () => {
    const origin = new URL(d.urls.spa).origin;
    const preflight = await fetch(`${d.urls.koaApi}/api/hello`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const refused = await fetch(`${d.urls.koaApi}/api/hello`, { headers: { origin } });
    expect(refused.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    const other = await fetch(`${d.urls.koaApi}/api/hello`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).not.toBe('http://evil.example');
  });
});
