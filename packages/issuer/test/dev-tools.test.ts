import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { signJwt, importSecret } from '@tessera/core';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { hasCommand, systemPeer } from '../../../test/support/system-peer.js';
import { createIssuer } from '../src/index.js';
import { SECRET, headerOf, post, startIssuer, testKeys } from './helpers.js';

const clients = [{ id: 'svc', secret: SECRET }];

function json(url: string, body?: unknown, headers: Record<string, string> = {}) {
  return post(url, body === undefined ? '' : JSON.stringify(body), { contentType: 'application/json', headers });
}

async function devIssuer() {
  return startIssuer({ clients, devTools: true });
}

async function sampleJwt(): Promise<string> {
  const key = await importSecret('a-jwt-secret-key-of-at-least-32-bytes!!', { alg: 'HS256' });
  return signJwt({ user: 'john.doe' }, key, { subject: 'john.doe', expiresIn: '5m' });
}

describe('developer tools (off by default, loopback only)', () => {
  it('are not served unless devTools is on', async () => {
    const { url } = await startIssuer({ clients });
    for (const path of ['/generate-jwe-key', '/encrypt-jwe', '/decrypt-jwe', '/decode', '/issue', '/verify']) {
      expect((await fetch(`${url}${path}`, { method: 'POST' })).status).toBe(404);
    }
  });

  it('answer 404 to a request relayed by a proxy', async () => {
    const { url } = await devIssuer();
    expect((await fetch(`${url}/generate-jwe-key`, { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9' } })).status).toBe(404);
    expect((await fetch(`${url}/generate-jwe-key`, { method: 'POST', headers: { forwarded: 'for=203.0.113.9' } })).status).toBe(404);
  });

  const external = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
  it.runIf(external !== undefined)('answer 404 to a peer that is not on loopback', async () => {
    const { sig } = await testKeys();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as AddressInfo).port;
    const issuer = await createIssuer({ issuer: `http://localhost:${port}`, signingKeys: sig.privateKey, clients, devTools: true });
    server.on('request', new Koa().use(issuer.routes()).callback());
    try {
      expect((await fetch(`http://${external!.address}:${port}/generate-jwe-key`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/generate-jwe-key`, { method: 'POST' })).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await issuer.close();
    }
  });
});

describe('the JWE service\'s tools, with its documented request bodies', () => {
  it('POST /generate-jwe-key with no body, and with { algorithm, format }', async () => {
    const { url } = await devIssuer();
    const bare = await fetch(`${url}/generate-jwe-key`, { method: 'POST' });
    const plain = await bare.json() as Record<string, unknown>;
    expect(plain).toMatchObject({ algorithm: 'A256GCM', format: 'base64', key_size_bytes: 32, note: 'Store this key securely! Add it to your environment variables.' });
    expect(Buffer.from(plain.encryption_key as string, 'base64')).toHaveLength(32);
    expect((await json(`${url}/generate-jwe-key`, { algorithm: 'A256GCM', format: 'base64' })).json).toMatchObject({ key_size_bytes: 32 });
    const hex = await json(`${url}/generate-jwe-key`, { algorithm: 'A128GCM', format: 'hex' });
    expect(hex.json.encryption_key).toMatch(/^[0-9a-f]{32}$/);
    expect(await json(`${url}/generate-jwe-key`, { algorithm: 'A999GCM' })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });

  it('POST /encrypt-jwe then /decrypt-jwe and /decode, token and payload forms', async () => {
    const { url } = await devIssuer();
    const key = (await json(`${url}/generate-jwe-key`, {})).json.encryption_key as string;
    const jwt = await sampleJwt();
    const encrypted = await json(`${url}/encrypt-jwe`, { token: jwt, encryption_key: key, encryption: 'A256GCM', compression: null });
    expect(encrypted.json).toMatchObject({ encryption: 'A256GCM', compression: null });
    expect(headerOf(encrypted.json.jwe_token as string)).toMatchObject({ alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const decrypted = await json(`${url}/decrypt-jwe`, { jwe_token: encrypted.json.jwe_token, encryption_key: key, encryption: 'A256GCM', extract_jwt: true });
    expect(decrypted.json).toEqual({ jwt_token: jwt, note: 'Use /decode endpoint to decode the JWT token' });
    const decoded = await json(`${url}/decode`, { token: jwt });
    expect(decoded.json).toMatchObject({ header: { alg: 'HS256', typ: 'JWT' }, payload: { sub: 'john.doe', user: 'john.doe' }, verified: false });

    const payload = { user: 'john.doe', role: 'admin', permissions: ['read', 'write'] };
    const sealed = await json(`${url}/encrypt-jwe`, { payload, encryption_key: key, encryption: 'A256GCM', compression: 'DEF' });
    expect(headerOf(sealed.json.jwe_token as string)).toMatchObject({ zip: 'DEF' });
    expect((await json(`${url}/decrypt-jwe`, { jwe_token: sealed.json.jwe_token, encryption_key: key, extract_jwt: false })).json).toEqual({ payload });
  });

  it('answers a key of the wrong size and a wrong key with 400 and the reference\'s messages', async () => {
    const { url } = await devIssuer();
    const short = Buffer.alloc(16).toString('base64');
    expect(await json(`${url}/encrypt-jwe`, { token: await sampleJwt(), encryption_key: short, encryption: 'A256GCM' }))
      .toMatchObject({ status: 400, json: { error: 'invalid_key', error_description: 'expected 32 bytes for A256GCM, got 16' } });
    const key = (await json(`${url}/generate-jwe-key`, {})).json.encryption_key as string;
    const other = (await json(`${url}/generate-jwe-key`, {})).json.encryption_key as string;
    const sealed = await json(`${url}/encrypt-jwe`, { token: await sampleJwt(), encryption_key: key });
    expect(await json(`${url}/decrypt-jwe`, { jwe_token: sealed.json.jwe_token, encryption_key: other }))
      .toMatchObject({ status: 400, json: { error: 'decryption_failed' } });
    expect(await json(`${url}/encrypt-jwe`, { encryption_key: key })).toMatchObject({ status: 400, json: { error_description: 'give exactly one of "token" and "payload"' } });
    expect(await json(`${url}/decode`, { token: 'garbage' })).toMatchObject({ status: 400, json: { error: 'token_malformed' } });
  });

  const python = '/usr/bin/python3';
  const hasJwcrypto = hasCommand(python) && (() => {
    try {
      execFileSync(python, ['-c', 'import jwcrypto'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (systemPeer('python3-jwcrypto', hasJwcrypto)) {
    it('reads the JWE service\'s own tokens ({"jwt": …} under dir, made by jwcrypto) and writes JWEs jwcrypto opens', async () => {
      const { url } = await devIssuer();
      const key = (await json(`${url}/generate-jwe-key`, {})).json.encryption_key as string;
      const jwt = await sampleJwt();
      const script = `
import base64, json, sys
from jwcrypto import jwe, jwk
from jwcrypto.common import json_encode
key = jwk.JWK(kty='oct', k=base64.urlsafe_b64encode(base64.b64decode(sys.argv[1])).decode().rstrip('='))
if sys.argv[2] == 'encrypt':
    token = jwe.JWE(json.dumps({'jwt': sys.argv[3]}).encode(), json_encode({'alg': 'dir', 'enc': 'A256GCM'}))
    token.add_recipient(key)
    print(token.serialize(compact=True))
else:
    token = jwe.JWE()
    token.deserialize(sys.argv[3], key=key)
    print(token.payload.decode())
`;
      const theirs = execFileSync(python, ['-c', script, key, 'encrypt', jwt], { encoding: 'utf8' }).trim();
      expect((await json(`${url}/decrypt-jwe`, { jwe_token: theirs, encryption_key: key })).json.jwt_token).toBe(jwt);
      const ours = (await json(`${url}/encrypt-jwe`, { token: jwt, encryption_key: key })).json.jwe_token as string;
      expect(execFileSync(python, ['-c', script, key, 'decrypt', ours], { encoding: 'utf8' }).trim()).toBe(jwt);
    });
  }
});

describe('the Go issuer\'s /issue and /verify, with its documented bodies', () => {
  const issueBody = {
    uid: 'u123', sub: 'u123', aud: 'api://local', iss: 'https://auth.local', device_id: 'dev1', client_id: 'web',
    scope: ['read'], access_ttl_minutes: 10, refresh_ttl_days: 14,
  };

  it('issues nested ES256-in-ECDH-ES+A256KW/A256GCM tokens with both kids, and verifies them back', async () => {
    const { url } = await devIssuer();
    const issued = await json(`${url}/issue`, issueBody);
    expect(Object.keys(issued.json).sort()).toEqual(['access_jwe', 'refresh_jwe']);
    const access = issued.json.access_jwe as string;
    expect(headerOf(access)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT' });
    expect(typeof headerOf(access).kid).toBe('string');

    const verified = await json(`${url}/verify`, { type: 'access', token: access, iss: 'https://auth.local', aud: 'api://local' });
    expect(verified.json).toMatchObject({ valid: true, claims: { sub: 'u123', uid: 'u123', device_id: 'dev1', client_id: 'web', scope: ['read'], aud: 'api://local' } });
    const claims = verified.json.claims as Record<string, number>;
    expect(claims.exp! - claims.iat!).toBe(600);
    const refresh = await json(`${url}/verify`, { type: 'refresh', token: issued.json.refresh_jwe, iss: 'https://auth.local', aud: 'api://local' });
    expect(refresh.json).toMatchObject({ valid: true, claims: { token_use: 'refresh' } });
    const refreshClaims = refresh.json.claims as Record<string, unknown>;
    expect(typeof refreshClaims.rid).toBe('string');
    expect(typeof refreshClaims.fid).toBe('string');
  });

  it('answers valid: false for the wrong type, issuer or audience, and a tampered token', async () => {
    const { url } = await devIssuer();
    const issued = (await json(`${url}/issue`, issueBody)).json as { access_jwe: string; refresh_jwe: string };
    const { access_jwe: access, refresh_jwe: refresh } = issued;
    expect((await json(`${url}/verify`, { type: 'access', token: refresh })).json).toMatchObject({ valid: false, error: 'claim_invalid' });
    expect((await json(`${url}/verify`, { type: 'access', token: access, aud: 'api://other' })).json).toMatchObject({ valid: false, error: 'claim_invalid' });
    expect((await json(`${url}/verify`, { type: 'access', token: access, iss: 'https://evil' })).json).toMatchObject({ valid: false });
    expect((await json(`${url}/verify`, { type: 'access', token: `${access.slice(0, -3)}AAA` })).json).toMatchObject({ valid: false });
  });

  it('never mints with the issuer\'s own keys: /issue tokens are refused by /verify-token', async () => {
    const { url } = await devIssuer();
    const access = (await json(`${url}/issue`, issueBody)).json.access_jwe as string;
    const verdict = await (await fetch(`${url}/verify-token`, { headers: { authorization: `Bearer ${access}` } })).json();
    expect(verdict).toMatchObject({ valid: false });
  });
});
