import { generateKeyPair, MemoryTokenStore } from '@tessera/core';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/index.js';
import { SECRET, basic, headerOf, insecure, payloadOf, post, startIssuer, testKeys, type StartOptions } from './helpers.js';

const clients: StartOptions['clients'] = [
  { id: 'svc', secret: SECRET, scopes: ['read'], systemId: 'JOB_MANAGER_SYSTEM' },
  { id: 'svc-opaque', secret: SECRET, format: 'opaque', scopes: ['read'] },
  { id: 'other', secret: SECRET },
  { id: 'resource-server', secret: SECRET, introspect: true },
  { id: 'web', secret: SECRET, grants: ['password', 'refresh_token'] },
  { id: 'public-app', redirectUris: ['https://app.example/cb'], grants: ['authorization_code', 'refresh_token'] },
];
const authenticateUser: StartOptions['authenticateUser'] = async ({ username }) => (username === 'alice' ? { subject: 'alice' } : null);
const authorize: StartOptions['authorize'] = async () => ({ subject: 'alice' });

async function tokenFor(url: string, client: string): Promise<string> {
  const { json } = await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic(client, SECRET) } });
  return json.access_token as string;
}

async function introspect(url: string, token: string, client = 'resource-server') {
  return post(`${url}/introspect`, { token }, { headers: { authorization: basic(client, SECRET) } });
}

async function verifyToken(url: string, token: string | undefined) {
  const response = await fetch(`${url}/verify-token`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, json: await response.json() as Record<string, unknown> };
}

describe('POST /revoke (RFC 7009)', () => {
  it('denylists a JWT access token for the rest of its life: introspection and /verify-token say so', async () => {
    const events: AuditEvent[] = [];
    const { as, url } = await startIssuer({ clients, authenticateUser, authorize, onAudit: (e) => void events.push(e) });
    const token = await tokenFor(url, 'svc');
    const client = { client_id: 'svc' };
    const response = await oauth.revocationRequest(as, client, oauth.ClientSecretBasic(SECRET), token, insecure);
    await expect(oauth.processRevocationResponse(response)).resolves.toBeUndefined();
    expect((await introspect(url, token)).json).toEqual({ active: false });
    expect((await verifyToken(url, token)).json).toEqual({ valid: false, systemId: null, message: 'Token is revoked' });
    expect(events.find((e) => e.type === 'token.revoked')).toMatchObject({
      clientId: 'svc', tokenType: 'access_token', jti: payloadOf(token).jti, outcome: 'revoked',
    });
  });

  it('deletes an opaque access token', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    const token = await tokenFor(url, 'svc-opaque');
    expect((await introspect(url, token)).json).toMatchObject({ active: true });
    expect((await post(`${url}/revoke`, { token, token_type_hint: 'access_token' }, { headers: { authorization: basic('svc-opaque', SECRET) } })).status).toBe(200);
    expect((await introspect(url, token)).json).toEqual({ active: false });
  });

  it('answers 200 for unknown tokens and other clients\' tokens, leaving the latter alone', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    const token = await tokenFor(url, 'svc');
    const asOther = await post(`${url}/revoke`, { token }, { headers: { authorization: basic('other', SECRET) } });
    expect(asOther.status).toBe(200);
    expect((await introspect(url, token)).json).toMatchObject({ active: true });
    expect((await post(`${url}/revoke`, { token: 'no-such-token' }, { headers: { authorization: basic('svc', SECRET) } })).status).toBe(200);
  });

  it('lets a public client revoke its refresh token with client_id alone', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    expect(await post(`${url}/revoke`, { token: 'x', client_id: 'public-app' })).toMatchObject({ status: 200 });
  });

  it('refuses a request without token (invalid_request) or without client authentication (invalid_client)', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    expect(await post(`${url}/revoke`, {}, { headers: { authorization: basic('svc', SECRET) } }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the "token" parameter is required' } });
    const anonymous = await post(`${url}/revoke`, { token: 'x' });
    expect(anonymous).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
  });
});

describe('POST /introspect (RFC 7662)', () => {
  it('answers an active token with its members through oauth4webapi', async () => {
    const { as, url } = await startIssuer({ clients, authenticateUser, authorize });
    const token = await tokenFor(url, 'svc');
    const client = { client_id: 'resource-server' };
    const response = await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic(SECRET), token, insecure);
    const info = await oauth.processIntrospectionResponse(as, client, response);
    const claims = payloadOf(token);
    expect(info).toEqual({
      active: true, token_type: 'Bearer', scope: 'read', client_id: 'svc', sub: 'svc', aud: url, iss: url,
      exp: claims.exp, iat: claims.iat, jti: claims.jti,
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('shows a client only its own tokens unless it is a resource server (introspect: true)', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    const token = await tokenFor(url, 'svc');
    expect((await introspect(url, token, 'other')).json).toEqual({ active: false });
    expect((await introspect(url, token, 'svc')).json).toMatchObject({ active: true });
    expect((await introspect(url, token, 'resource-server')).json).toMatchObject({ active: true });
  });

  it('answers refresh tokens: active until rotated', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    const login = await post(`${url}/token`, { grant_type: 'password', username: 'alice', password: 'x' }, { headers: { authorization: basic('web', SECRET) } });
    const refresh = login.json.refresh_token as string;
    expect((await introspect(url, refresh, 'web')).json).toMatchObject({ active: true, token_type: 'refresh_token', sub: 'alice', client_id: 'web' });
    await post(`${url}/token`, { grant_type: 'refresh_token', refresh_token: refresh }, { headers: { authorization: basic('web', SECRET) } });
    expect((await introspect(url, refresh, 'web')).json).toEqual({ active: false });
  });

  it('answers garbage, tampered and expired tokens with { active: false }', async () => {
    let now = Date.now();
    const { url } = await startIssuer({ clients, authenticateUser, authorize, now: () => now });
    const token = await tokenFor(url, 'svc');
    expect((await introspect(url, 'garbage')).json).toEqual({ active: false });
    expect((await introspect(url, `${token.slice(0, -4)}AAAA`)).json).toEqual({ active: false });
    now += 601_000;
    expect((await introspect(url, token)).json).toEqual({ active: false });
  });

  it('needs a confidential client and a token parameter', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    expect(await post(`${url}/introspect`, { token: 'x', client_id: 'public-app' }))
      .toMatchObject({ status: 401, json: { error: 'invalid_client', error_description: 'introspection needs a confidential client' } });
    expect(await post(`${url}/introspect`, {}, { headers: { authorization: basic('svc', SECRET) } }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });
});

describe('GET /verify-token (remote verify-token contract)', () => {
  it('answers { valid: true, systemId, message } for a good token, with the client\'s systemId', async () => {
    const events: AuditEvent[] = [];
    const { url } = await startIssuer({ clients, authenticateUser, authorize, onAudit: (e) => void events.push(e) });
    const token = await tokenFor(url, 'svc');
    const answer = await verifyToken(url, token);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ valid: true, systemId: 'JOB_MANAGER_SYSTEM', message: 'Token is valid', sub: 'svc', client_id: 'svc', scope: 'read' });
    expect(events.find((e) => e.type === 'verify_token.answered')).toMatchObject({ valid: true, systemId: 'JOB_MANAGER_SYSTEM', jti: payloadOf(token).jti, outcome: 'valid' });
  });

  it('answers opaque tokens too, with the client id as systemId by default', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    expect((await verifyToken(url, await tokenFor(url, 'svc-opaque'))).json).toMatchObject({ valid: true, systemId: 'svc-opaque' });
  });

  it('answers 200 { valid: false } for invalid and expired tokens', async () => {
    let now = Date.now();
    const { url } = await startIssuer({ clients, authenticateUser, authorize, now: () => now });
    const token = await tokenFor(url, 'svc');
    expect(await verifyToken(url, 'not.a.token')).toMatchObject({ status: 200, json: { valid: false, systemId: null, message: 'Token is invalid' } });
    now += 601_000;
    expect(await verifyToken(url, token)).toMatchObject({ status: 200, json: { valid: false, message: 'Token is expired' } });
  });

  it('answers 401 with a Bearer challenge when there is no token', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    const answer = await verifyToken(url, undefined);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe(`Bearer realm="${url}"`);
    expect(answer.json).toMatchObject({ valid: false });
  });

  it('fails closed with 503 when the store is down', async () => {
    const store = new MemoryTokenStore();
    const { url } = await startIssuer({ clients, authenticateUser, authorize, store });
    const token = await tokenFor(url, 'svc');
    await store.close();
    expect(await verifyToken(url, token)).toMatchObject({ status: 503, json: { valid: false, systemId: null } });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unavailable', store: 'down' });
    expect(await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('svc', SECRET) } }))
      .toMatchObject({ status: 503, json: { error: 'temporarily_unavailable' } });
  });
});

describe('GET /jwks.json, metadata, health', () => {
  it('publishes only public sig and enc keys, and follows a rotation at once', async () => {
    const { url, issuer } = await startIssuer({ clients, authenticateUser, authorize });
    const { sig, enc } = await testKeys();
    const first = await (await fetch(`${url}/jwks.json`)).json() as { keys: Record<string, unknown>[] };
    expect(first.keys.map((k) => [k.kid, k.use])).toEqual([[sig.kid, 'sig'], [enc.kid, 'enc']]);
    for (const key of first.keys) for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);

    const oldToken = await tokenFor(url, 'svc');
    const next = await generateKeyPair('ES256');
    issuer.signingKeys.rotate(next.privateKey, { overlapSeconds: 3600 });
    const rotated = await (await fetch(`${url}/jwks.json`)).json() as { keys: Record<string, unknown>[] };
    expect(rotated.keys.map((k) => k.kid)).toEqual([next.kid, sig.kid, enc.kid]);
    const newToken = await tokenFor(url, 'svc');
    expect(headerOf(newToken).kid).toBe(next.kid);
    expect((await introspect(url, oldToken)).json).toMatchObject({ active: true });
    expect((await introspect(url, newToken)).json).toMatchObject({ active: true });
  });

  it('serves RFC 8414 metadata that oauth4webapi discovers', async () => {
    const { as, url } = await startIssuer({ clients, authenticateUser, authorize });
    expect(as).toMatchObject({
      issuer: url,
      token_endpoint: `${url}/token`,
      jwks_uri: `${url}/jwks.json`,
      revocation_endpoint: `${url}/revoke`,
      introspection_endpoint: `${url}/introspect`,
      authorization_endpoint: `${url}/authorize`,
      grant_types_supported: ['authorization_code', 'client_credentials', 'password', 'refresh_token'],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'],
      authorization_response_iss_parameter_supported: true,
      scopes_supported: ['read'],
    });
  });

  it('answers GET /health with the store\'s state, and 405 for a wrong method', async () => {
    const { url } = await startIssuer({ clients, authenticateUser, authorize });
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', store: 'up' });
    const wrong = await fetch(`${url}/token`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
  });
});
