import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { SECRET, basic, insecure, payloadOf, post, startIssuer, type StartOptions } from './helpers.js';

const REDIRECT = 'https://app.example/cb';
const clients: StartOptions['clients'] = [
  { id: 'svc', secret: SECRET, scopes: ['read'] },
  { id: 'svc-opaque', secret: SECRET, format: 'opaque', scopes: ['read'] },
  { id: 'strict', secret: SECRET, requireDpop: true },
  { id: 'spa', redirectUris: [REDIRECT], scopes: ['read'] },
];
const authorize: StartOptions['authorize'] = async () => ({ subject: 'alice' });

async function keyPair(): Promise<CryptoKeyPair & { jkt: string }> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  return { ...pair, jkt: await calculateJwkThumbprint(await exportJWK(pair.publicKey)) } as CryptoKeyPair & { jkt: string };
}

async function proof(pair: CryptoKeyPair, htu: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const jwk = await exportJWK(pair.publicKey);
  return new SignJWT({ htm: 'POST', htu, jti: randomUUID(), iat: Math.floor(Date.now() / 1000), ...overrides })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .sign(pair.privateKey as CryptoKey);
}

describe('DPoP at the token endpoint (RFC 9449)', () => {
  it('binds a client_credentials token to the proof key: token_type DPoP, cnf.jkt, and introspection says so', async () => {
    const { as, url } = await startIssuer({ clients, authorize });
    const pair = await keyPair();
    const client: oauth.Client = { client_id: 'svc' };
    const DPoP = oauth.DPoP(client, pair);
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(SECRET), {}, { ...insecure, DPoP });
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens.token_type).toBe('dpop');
    expect(payloadOf(tokens.access_token).cnf).toEqual({ jkt: pair.jkt });
    const info = await post(`${url}/introspect`, { token: tokens.access_token }, { headers: { authorization: basic('svc', SECRET) } });
    expect(info.json).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: pair.jkt } });
    const verified = await (await fetch(`${url}/verify-token`, { headers: { authorization: `DPoP ${tokens.access_token}` } })).json();
    expect(verified).toMatchObject({ valid: true, cnf: { jkt: pair.jkt } });
  });

  it('stores the binding of an opaque token (cnf in introspection)', async () => {
    const { url } = await startIssuer({ clients, authorize });
    const pair = await keyPair();
    const answer = await post(`${url}/token`, { grant_type: 'client_credentials' },
      { headers: { authorization: basic('svc-opaque', SECRET), dpop: await proof(pair, `${url}/token`) } });
    expect(answer.json.token_type).toBe('DPoP');
    const info = await post(`${url}/introspect`, { token: answer.json.access_token as string }, { headers: { authorization: basic('svc-opaque', SECRET) } });
    expect(info.json).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: pair.jkt } });
  });

  it('refuses a replayed proof, a proof for another URL, a bad proof and two DPoP headers', async () => {
    const { url } = await startIssuer({ clients, authorize });
    const pair = await keyPair();
    const once = await proof(pair, `${url}/token`);
    const send = (dpop: string) => post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('svc', SECRET), dpop } });
    expect((await send(once)).status).toBe(200);
    expect(await send(once)).toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof' } });
    expect(await send(await proof(pair, `${url}/other`))).toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof' } });
    expect(await send(await proof(pair, `${url}/token`, { htm: 'GET' }))).toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof' } });
    expect(await send('not-a-proof')).toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof' } });
    const two = `${await proof(pair, `${url}/token`)}, ${await proof(pair, `${url}/token`)}`;
    expect(await send(two)).toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof', error_description: 'exactly one DPoP header is allowed' } });
  });

  it('refuses a request without a proof from a client that requires DPoP', async () => {
    const { url } = await startIssuer({ clients, authorize });
    expect(await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('strict', SECRET) } }))
      .toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof', error_description: 'a DPoP proof is required for this client' } });
  });

  it('binds a public client\'s refresh token to its key: refresh needs a proof with that key', async () => {
    const { as, url } = await startIssuer({ clients, authorize });
    const pair = await keyPair();
    const client: oauth.Client = { client_id: 'spa' };
    const DPoP = oauth.DPoP(client, pair);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'spa', redirect_uri: REDIRECT, state, dpop_jkt: pair.jkt,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const redirect = await fetch(`${as.authorization_endpoint}?${query}`, { redirect: 'manual' });
    const params = oauth.validateAuthResponse(as, client, new URL(redirect.headers.get('location')!), state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, { ...insecure, DPoP });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.token_type).toBe('dpop');

    const refreshForm = { grant_type: 'refresh_token', client_id: 'spa', refresh_token: tokens.refresh_token! };
    expect(await post(`${url}/token`, refreshForm))
      .toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof', error_description: 'this refresh token is DPoP-bound; send a DPoP proof' } });
    const other = await keyPair();
    expect(await post(`${url}/token`, refreshForm, { headers: { dpop: await proof(other, `${url}/token`) } }))
      .toMatchObject({ status: 400, json: { error: 'invalid_grant' } });
    const refreshed = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, { ...insecure, DPoP });
    const next = await oauth.processRefreshTokenResponse(as, client, refreshed);
    expect(payloadOf(next.access_token).cnf).toEqual({ jkt: pair.jkt });
  });

  it('refuses to exchange a code bound by dpop_jkt without that key', async () => {
    const { as, url } = await startIssuer({ clients, authorize });
    const pair = await keyPair();
    const verifier = oauth.generateRandomCodeVerifier();
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'spa', redirect_uri: REDIRECT, dpop_jkt: pair.jkt,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    const redirect = await fetch(`${as.authorization_endpoint}?${query}`, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    expect(await post(`${url}/token`, { grant_type: 'authorization_code', client_id: 'spa', code, code_verifier: verifier, redirect_uri: REDIRECT }))
      .toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof', error_description: 'the authorization code is bound to another DPoP key' } });
  });
});
