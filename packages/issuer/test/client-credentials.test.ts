import { createTokenVerifier, generateSecret, importSecret } from '@tessera/core';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { SECRET, basic, headerOf, insecure, payloadOf, post, startIssuer, testKeys } from './helpers.js';

const DIR_KEY = generateSecret('A256GCM');

async function issuerWithFormats() {
  return startIssuer({
    audience: 'api://orders',
    clients: [
      { id: 'svc-jwt', secret: SECRET, scopes: ['orders:read', 'orders:write'], defaultScopes: ['orders:read'], claims: { tier: 'gold' } },
      { id: 'svc-jwe', secret: SECRET, format: 'jwe', scopes: ['orders:read'] },
      { id: 'svc-dir', secret: SECRET, format: 'jwe-dir', encryption: { key: DIR_KEY, enc: 'A256GCM' }, scopes: ['orders:read'] },
      { id: 'svc-opaque', secret: SECRET, format: 'opaque', scopes: ['orders:read'] },
      { id: 'no-cc', secret: SECRET, grants: ['refresh_token'] },
    ],
  });
}

describe('POST /token grant_type=client_credentials', () => {
  it('issues an RFC 9068 access token that oauth4webapi validates (typ at+jwt, iss, sub, aud, exp, iat, jti, client_id, scope)', async () => {
    const { as, url } = await issuerWithFormats();
    const client: oauth.Client = { client_id: 'svc-jwt' };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(SECRET), {}, insecure);
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.token_type).toBe('bearer');
    expect(result.expires_in).toBe(600);
    expect(result.scope).toBe('orders:read');
    expect(result.refresh_token).toBeUndefined();
    expect(response.headers.get('cache-control')).toBe('no-store');

    const request = new Request('https://api.example/orders', { headers: { authorization: `Bearer ${result.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, request, 'api://orders', insecure);
    expect(claims).toMatchObject({ iss: url, sub: 'svc-jwt', aud: 'api://orders', client_id: 'svc-jwt', scope: 'orders:read', tier: 'gold' });
    expect(typeof claims.jti).toBe('string');
    expect(claims.exp - claims.iat).toBe(600);
    expect(headerOf(result.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
  });

  it('authenticates with client_secret_post and grants a requested subset of the allowed scopes', async () => {
    const { as } = await issuerWithFormats();
    const client: oauth.Client = { client_id: 'svc-jwt' };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(SECRET),
      { scope: 'orders:write orders:read' }, insecure);
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.scope).toBe('orders:write orders:read');
    expect(payloadOf(result.access_token).scope).toBe('orders:write orders:read');
  });

  it('gives every token a unique jti, even many within one second', async () => {
    const { url } = await issuerWithFormats();
    const answers = await Promise.all(Array.from({ length: 50 }, () =>
      post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('svc-jwt', SECRET) } })));
    const jtis = new Set(answers.map((a) => payloadOf(a.json.access_token as string).jti));
    expect(jtis.size).toBe(50);
  });

  it('issues nested JWS-in-JWE tokens (ES256 inside ECDH-ES+A256KW, cty JWT) for a "jwe" client', async () => {
    const { url } = await issuerWithFormats();
    const { sig, enc } = await testKeys();
    const { status, json } = await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('svc-jwe', SECRET) } });
    expect(status).toBe(200);
    const token = json.access_token as string;
    expect(headerOf(token)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT', kid: enc.kid });
    const verifier = createTokenVerifier({ keys: sig.publicKey, decryptionKeys: enc.privateKey, typ: 'at+jwt', issuer: url, requireSignedJwe: true });
    const result = await verifier.verify(token);
    expect(result.format).toBe('nested');
    expect(result.payload).toMatchObject({ sub: 'svc-jwe', client_id: 'svc-jwe', scope: 'orders:read' });
  });

  it('issues dir-encrypted tokens under the client\'s shared key for a "jwe-dir" client', async () => {
    const { url } = await issuerWithFormats();
    const { sig } = await testKeys();
    const { json } = await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('svc-dir', SECRET) } });
    const token = json.access_token as string;
    expect(headerOf(token)).toMatchObject({ alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const dir = await importSecret(DIR_KEY, { alg: 'dir', enc: 'A256GCM' });
    const result = await createTokenVerifier({ keys: sig.publicKey, decryptionKeys: dir, typ: 'at+jwt' }).verify(token);
    expect(result.payload.client_id).toBe('svc-dir');
  });

  it('issues a 256-bit opaque token for an "opaque" client, known to introspection', async () => {
    const { as, url } = await issuerWithFormats();
    const { json } = await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('svc-opaque', SECRET) } });
    const token = json.access_token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const client: oauth.Client = { client_id: 'svc-opaque' };
    const response = await oauth.introspectionRequest(as, client, oauth.ClientSecretBasic(SECRET), token, insecure);
    const info = await oauth.processIntrospectionResponse(as, client, response);
    expect(info).toMatchObject({ active: true, client_id: 'svc-opaque', sub: 'svc-opaque', scope: 'orders:read', token_type: 'Bearer', iss: url });
  });

  it('decodes Basic credentials form-encoded as RFC 6749 §2.3.1 says (an id and secret with +, %, : and spaces)', async () => {
    const secret = 'a secret+with:colon%25 and more';
    const { as } = await startIssuer({ clients: [{ id: 'svc:eu+1', secret, scopes: ['orders:read'] }] });
    const client: oauth.Client = { client_id: 'svc:eu+1' };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(secret), {}, insecure);
    expect((await oauth.processClientCredentialsResponse(as, client, response)).access_token).toBeTypeOf('string');
    const wrong = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(secret.replace('%25', '%')), {}, insecure);
    expect(wrong.status).toBe(401);
  });

  it('answers a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    const { as } = await issuerWithFormats();
    const client: oauth.Client = { client_id: 'svc-jwt' };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('wrong-secret-of-enough-length'), {}, insecure);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="http:\/\/127\.0\.0\.1:\d+"/);
    const error = await oauth.processClientCredentialsResponse(as, client, response).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect((error as oauth.WWWAuthenticateChallengeError).cause[0]).toMatchObject({ scheme: 'basic' });
    expect(await (error as oauth.WWWAuthenticateChallengeError).response.json())
      .toEqual({ error: 'invalid_client', error_description: 'unknown client or wrong credentials' });
  });

  it('answers an unknown client and a missing authentication with invalid_client', async () => {
    const { url } = await issuerWithFormats();
    const unknown = await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('nobody', SECRET) } });
    expect(unknown).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    const none = await post(`${url}/token`, { grant_type: 'client_credentials' });
    expect(none).toMatchObject({ status: 401, json: { error: 'invalid_client', error_description: 'client authentication is required' } });
  });

  it('refuses Basic and client_secret together with invalid_request', async () => {
    const { url } = await issuerWithFormats();
    const both = await post(`${url}/token`, { grant_type: 'client_credentials', client_secret: SECRET }, { headers: { authorization: basic('svc-jwt', SECRET) } });
    expect(both).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });

  it('answers a scope the client may not have with invalid_scope', async () => {
    const { as } = await issuerWithFormats();
    const client: oauth.Client = { client_id: 'svc-jwt' };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(SECRET), { scope: 'admin' }, insecure);
    const error = await oauth.processClientCredentialsResponse(as, client, response).catch((e: unknown) => e);
    expect(error).toMatchObject({ error: 'invalid_scope', status: 400 });
  });

  it('answers a grant the client may not use with unauthorized_client, and an unknown grant with unsupported_grant_type', async () => {
    const { url } = await issuerWithFormats();
    const auth = { authorization: basic('no-cc', SECRET) };
    expect(await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'unauthorized_client' } });
    expect(await post(`${url}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code' }, { headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'unsupported_grant_type' } });
    expect(await post(`${url}/token`, { scope: 'x' }, { headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the "grant_type" parameter is required' } });
  });
});
