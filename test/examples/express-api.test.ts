// examples/express-api: nothing verified locally — `/api/hello` introspects at the issuer (RFC 7662, as the
// `express-api` client), `/system/hello` follows the remote verify-token contract (`X-System-Authorization`).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../examples/demo.js';
import { FORMAT_CLIENT_IDS, basic, clientToken, demo, get, postForm, postJson } from './support.js';

describe('examples/express-api', () => {
  let d: Demo;
  beforeAll(async () => {
    d = await demo();
  });

  for (const [format, clientId] of Object.entries(FORMAT_CLIENT_IDS)) {
    it(`accepts a ${format} token through introspection and through verify-token`, async () => {
      const token = await clientToken(d.urls.issuer, clientId);
      const introspected = await get(`${d.urls.expressApi}/api/hello`, { authorization: `Bearer ${token}` });
      expect(introspected.status).toBe(200);
      expect(introspected.json).toMatchObject({ api: 'express', subject: clientId, clientId, scopes: ['api:read'], strategy: 'remote', format });
      expect(typeof introspected.json.issuedAt).toBe('number');
      expect(typeof introspected.json.expiresAt).toBe('number');

      const system = await get(`${d.urls.expressApi}/system/hello`, { 'x-system-authorization': `Bearer ${token}` });
      expect(system.status).toBe(200);
      // verify-token answers the client's systemId as the subject.
      expect(system.json).toMatchObject({ api: 'express', subject: clientId, clientId, scopes: ['api:read'], strategy: 'remote', format });
    });
  }

  it('serves the JWE service\'s jwt_config client (its own HS256 key) beside the issuer\'s ES256 tokens', async () => {
    // secure-auth.json signs with its own HS256 secret, then encrypts (dir A256GCM): the JWE service's manifest block.
    const login = await postJson(`${d.urls.issuer}/token`, { username: 'demo', password: 'demo', api_key: 'secure-auth' });
    expect(login.status).toBe(200);
    expect(login.json).toMatchObject({ token_type: 'JWE' });
    expect((login.json.access_token as string).split('.')).toHaveLength(5);
    // A client key of another alg in the issuer's key set must not turn the issuer's own ES256 tokens away.
    const token = await clientToken(d.urls.issuer, 'service');
    const system = await get(`${d.urls.expressApi}/system/hello`, { 'x-system-authorization': `Bearer ${token}` });
    expect(system.status).toBe(200);
    const introspected = await get(`${d.urls.expressApi}/api/hello`, { authorization: `Bearer ${token}` });
    expect(introspected.status).toBe(200);
  });

  it('reports the service client by its systemId at /system/hello', async () => {
    const token = await clientToken(d.urls.issuer, 'service');
    const system = await get(`${d.urls.expressApi}/system/hello`, { 'x-system-authorization': `Bearer ${token}` });
    expect(system.json).toMatchObject({ subject: 'TESSERA_DEMO_SERVICE', clientId: 'service' });
  });

  it('answers 401 with a challenge to a bad token on both routes, and to a token in the wrong header', async () => {
    const bad = await get(`${d.urls.expressApi}/api/hello`, { authorization: 'Bearer not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="express-api", error="invalid_token"/);
    expect(bad.json).toMatchObject({ code: 'invalid_token' });

    const system = await get(`${d.urls.expressApi}/system/hello`, { 'x-system-authorization': 'Bearer not-a-token' });
    expect(system.status).toBe(401);
    expect(system.headers.get('www-authenticate')).toBe('Bearer realm="express-api-system", error="invalid_token", error_description="Token is invalid"');

    const token = await clientToken(d.urls.issuer, 'service');
    const misplaced = await get(`${d.urls.expressApi}/system/hello`, { authorization: `Bearer ${token}` });
    expect(misplaced.status).toBe(401);
    expect(misplaced.json).toMatchObject({ code: 'missing_token' });
  });

  it('sees a revocation at the issuer on the next request', async () => {
    const token = await clientToken(d.urls.issuer, FORMAT_CLIENT_IDS.jwt);
    expect((await get(`${d.urls.expressApi}/api/hello`, { authorization: `Bearer ${token}` })).status).toBe(200);
    const revoked = await postForm(`${d.urls.issuer}/revoke`, { token }, { authorization: basic(FORMAT_CLIENT_IDS.jwt) });
    expect(revoked.status).toBe(200);
    expect((await get(`${d.urls.expressApi}/api/hello`, { authorization: `Bearer ${token}` })).status).toBe(401);
    const system = await get(`${d.urls.expressApi}/system/hello`, { 'x-system-authorization': `Bearer ${token}` });
    expect(system.status).toBe(401);
    expect(system.headers.get('www-authenticate')).toContain('error_description="Token is revoked"');
  });

  it('lets the SPA origin send X-System-Authorization cross-origin', async () => {
    const origin = new URL(d.urls.spa).origin;
    const preflight = await fetch(`${d.urls.expressApi}/system/hello`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-system-authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-System-Authorization');
    const answer = await fetch(`${d.urls.expressApi}/api/hello`, { headers: { origin } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate');
  });
});
