import { createTokenVerifier, generateSecret, importSecret } from '@tessera/core';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import type { IssuerOptions } from '../src/index.js';
import { SECRET, headerOf, insecure, payloadOf, post, startIssuer, testKeys } from './helpers.js';

const authenticateUser: IssuerOptions['authenticateUser'] = async ({ username, password, client }) => {
  if (username === 'user@example.com' && password === 'password123') {
    return { subject: 'user-1', claims: { email: username, via: client.id }, ...(client.id === 'narrow' ? { scope: ['read'] } : {}) };
  }
  return null;
};

const JWE_KEY = generateSecret('A256GCM');

describe('POST /token grant_type=password', () => {
  it('logs a user in through authenticateUser and issues an access and a refresh token', async () => {
    const { as } = await startIssuer({
      authenticateUser,
      clients: [{ id: 'web', secret: SECRET, grants: ['password', 'refresh_token'], scopes: ['read', 'write'] }],
    });
    const client = { client_id: 'web' };
    const response = await oauth.genericTokenEndpointRequest(as, client, oauth.ClientSecretBasic(SECRET), 'password',
      { username: 'user@example.com', password: 'password123' }, insecure);
    const tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
    expect(tokens.refresh_token).toBeDefined();
    expect(payloadOf(tokens.access_token)).toMatchObject({ sub: 'user-1', email: 'user@example.com', via: 'web', scope: 'read write' });
  });

  it('answers wrong credentials with invalid_grant, missing ones with invalid_request', async () => {
    const { url } = await startIssuer({ authenticateUser, clients: [{ id: 'web', secret: SECRET, grants: ['password'] }] });
    const form = (extra: Record<string, string>) => ({ grant_type: 'password', client_id: 'web', client_secret: SECRET, ...extra });
    expect(await post(`${url}/token`, form({ username: 'user@example.com', password: 'nope' })))
      .toMatchObject({ status: 400, json: { error: 'invalid_grant', error_description: 'invalid username or password' } });
    expect(await post(`${url}/token`, form({ username: 'user@example.com' })))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the "password" parameter is required' } });
  });

  it('narrows scopes to what the login step allows', async () => {
    const { url } = await startIssuer({ authenticateUser, clients: [{ id: 'narrow', secret: SECRET, grants: ['password'], scopes: ['read', 'write'] }] });
    const ok = await post(`${url}/token`, { grant_type: 'password', client_id: 'narrow', client_secret: SECRET, username: 'user@example.com', password: 'password123' });
    expect(ok.json.scope).toBe('read');
    const wider = await post(`${url}/token`, { grant_type: 'password', client_id: 'narrow', client_secret: SECRET, username: 'user@example.com', password: 'password123', scope: 'write' });
    expect(wider).toMatchObject({ status: 400, json: { error: 'invalid_scope' } });
  });

  it('refuses to start with a password client but no authenticateUser', async () => {
    await expect(startIssuer({ clients: [{ id: 'web', secret: SECRET, grants: ['password'] }] })).rejects.toMatchObject({
      code: 'invalid_issuer_config', message: 'client "web", field "grants": the password grant needs the issuer option "authenticateUser"',
    });
  });
});

describe('the JWE service\'s JSON login at POST /token', () => {
  async function jweService() {
    return startIssuer({
      authenticateUser,
      clients: [
        { id: 'api_key_jwe_example', compat: 'jwe-service', grants: ['password', 'refresh_token'], format: 'jwe-dir',
          encryption: { key: JWE_KEY, enc: 'A256GCM' }, claims: { models: ['gpt-4'], tier: 'enterprise' } },
        { id: 'api_key_plain', compat: 'jwe-service', grants: ['password', 'refresh_token'] },
        { id: 'oauth-only', secret: SECRET, grants: ['password'] },
      ],
    });
  }

  it('accepts { username, password, api_key } and answers token_type "JWE" with the encryption, like the reference', async () => {
    const { url } = await jweService();
    const { sig } = await testKeys();
    const answer = await post(`${url}/token`, JSON.stringify({ username: 'user@example.com', password: 'password123', api_key: 'api_key_jwe_example' }),
      { contentType: 'application/json' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: 'JWE', encryption: 'A256GCM', note: 'Tokens are JWE-encrypted.', expires_in: 600 });
    expect(typeof answer.json.refresh_token).toBe('string');
    const token = answer.json.access_token as string;
    expect(headerOf(token)).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
    const dir = await importSecret(JWE_KEY, { alg: 'dir', enc: 'A256GCM' });
    const { payload } = await createTokenVerifier({ keys: sig.publicKey, decryptionKeys: dir }).verify(token);
    expect(payload).toMatchObject({ sub: 'user-1', client_id: 'api_key_jwe_example', models: ['gpt-4'], tier: 'enterprise' });
  });

  it('answers Bearer for an API key without JWE, and refuses unknown or non-jwe-service keys and bad fields', async () => {
    const { url } = await jweService();
    const login = (body: unknown) => post(`${url}/token`, JSON.stringify(body), { contentType: 'application/json' });
    expect((await login({ username: 'user@example.com', password: 'password123', api_key: 'api_key_plain' })).json)
      .toMatchObject({ token_type: 'Bearer' });
    expect(await login({ username: 'user@example.com', password: 'password123', api_key: 'oauth-only' }))
      .toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    expect(await login({ username: 'user@example.com', password: 'wrong', api_key: 'api_key_plain' }))
      .toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    expect(await login({ username: 'user@example.com', api_key: 'api_key_plain' }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: '"password" is required and must be a string' } });
    expect(await login([1, 2])).toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the JSON body must be an object' } });
  });
});
