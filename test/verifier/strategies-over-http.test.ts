// Every strategy through both adapters over real HTTP, upstreams mocked with msw: JWKS rotation, verify-token,
// introspection, opaque look-up, DPoP (the proof's htu is the URL the client called, as the adapter rebuilds it),
// upstream failures, and 100 concurrent requests with one new token making exactly one upstream call.
import Router from '@koa/router';
import { MemoryTokenStore, generateKeyPair, signJwt, tokenFingerprint, type GeneratedKeyPair, type JwtClaims } from '@tessera/core';
import { authenticate as expressAuthenticate, errorHandler } from '@tessera/express';
import { authenticate as koaAuthenticate } from '@tessera/koa';
import { createVerifier, type VerifierOptions } from '@tessera/verifier';
import express from 'express';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair as joseKeyPair } from 'jose';
import Koa from 'koa';
import { HttpResponse, delay, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BothAdapters, call, close, mockUpstreams, serveBoth } from './support.js';

const JWKS = 'https://issuer.example/jwks';
const VERIFY = 'https://jm.example/api/system/verify-token';
const INTROSPECT = 'https://as.example/introspect';
let published: object[] = [];
let jwksFetches = 0;
let verifyCalls = 0;
let verifyMode: 'ok' | 'slow' | 500 = 'ok';

const upstream = mockUpstreams(
  http.get(JWKS, () => {
    jwksFetches++;
    return HttpResponse.json({ keys: published });
  }),
  http.get(VERIFY, async ({ request }) => {
    verifyCalls++;
    if (verifyMode === 'slow') await delay(1000);
    if (verifyMode === 500) return new HttpResponse(null, { status: 500 });
    await delay(20);
    return HttpResponse.json({ valid: request.headers.get('authorization') !== 'Bearer rejected-token', systemId: 'JOB_MANAGER_SYSTEM', message: 'Token is valid' });
  }),
  http.post(INTROSPECT, async ({ request }) => {
    const token = new URLSearchParams(await request.text()).get('token');
    return HttpResponse.json(token === 'live-opaque' ? { active: true, sub: 'introspected', scope: 'a', exp: Math.floor(Date.now() / 1000) + 600 } : { active: false });
  }),
);

const store = new MemoryTokenStore();
let both: BothAdapters;
let k1: GeneratedKeyPair;
let k2: GeneratedKeyPair;

const routes: [string, VerifierOptions, Record<string, unknown>?][] = [];

beforeAll(async () => {
  k1 = await generateKeyPair('ES256', { kid: 'k1' });
  k2 = await generateKeyPair('ES256', { kid: 'k2' });
  published = [k1.publicJwk];
  routes.push(
    ['/jwks', { local: { jwksUri: JWKS, jwks: { cooldown: 0.05 } }, cache: false }],
    ['/verify-token', { remote: { kind: 'verify-token', url: VERIFY, timeout: 300, retries: 0 }, extract: { header: 'X-System-Authorization' } }],
    ['/introspect', { remote: { kind: 'introspection', url: INTROSPECT, clientId: 'rs', clientSecret: 's' } }],
    ['/opaque', { opaque: true, store }],
    ['/dpop', { local: { jwksUri: JWKS }, store, dpop: { mode: 'dpop' } }],
  );
  const koa = new Koa();
  const router = new Router();
  const app = express();
  for (const [path, options] of routes) {
    // One verifier per adapter, so each suite starts from cold caches.
    router.get(path, koaAuthenticate(createVerifier(options)), (ctx) => { ctx.body = { subject: ctx.state.auth?.subject, strategy: ctx.state.auth?.strategy }; });
    app.get(path, expressAuthenticate(createVerifier(options)), (req, res) => { res.json({ subject: req.auth?.subject, strategy: req.auth?.strategy }); });
  }
  koa.use(router.routes());
  app.use(errorHandler());
  both = await serveBoth(koa.callback(), app);
});
afterAll(async () => {
  upstream.close();
  await both.close();
  await store.close();
});

const sign = (pair: GeneratedKeyPair, claims: JwtClaims = {}) => signJwt(claims, pair.privateKey, { subject: 'jwks-user', expiresIn: 600, kid: pair.kid });

describe.each(['koa', 'express'] as const)('through @tessera/%s', (adapter) => {
  const url = (path: string) => `${both.bases[adapter]}${path}`;

  it('local over a remote JWKS: an unknown kid after rotation makes exactly one refetch', async () => {
    published = [k1.publicJwk];
    expect((await call(url('/jwks'), { headers: { authorization: `Bearer ${await sign(k1)}` } })).json).toEqual({ subject: 'jwks-user', strategy: 'local' });
    await delay(60);
    published = [k1.publicJwk, k2.publicJwk];
    const before = jwksFetches;
    const rotated = await sign(k2);
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(url('/jwks'), { headers: { authorization: `Bearer ${rotated}` } })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(jwksFetches - before).toBe(1);
  });

  it('verify-token: 100 concurrent requests with one new token make exactly 1 upstream call', async () => {
    const before = verifyCalls;
    const token = `fresh-${adapter}-token-${Date.now()}`;
    const answers = await Promise.all(Array.from({ length: 100 }, () => call(url('/verify-token'), { headers: { 'x-system-authorization': `Bearer ${token}` } })));
    expect(answers.every((a) => a.status === 200 && a.json?.subject === 'JOB_MANAGER_SYSTEM')).toBe(true);
    expect(verifyCalls - before).toBe(1);
  });

  it('verify-token: a refusal is 401, a slow or failing upstream 503 with Retry-After', async () => {
    const refused = await call(url('/verify-token'), { headers: { 'x-system-authorization': 'Bearer rejected-token' } });
    expect(refused.status).toBe(401);
    expect(refused.json?.code).toBe('invalid_token');
    for (const mode of ['slow', 500] as const) {
      verifyMode = mode;
      const res = await call(url('/verify-token'), { headers: { 'x-system-authorization': `Bearer ${mode}-${adapter}-token` } });
      expect({ mode, status: res.status, code: res.json?.code, retryAfter: res.headers.get('retry-after') }).toEqual({ mode, status: 503, code: 'issuer_unavailable', retryAfter: '5' });
    }
    verifyMode = 'ok';
  });

  it('introspection: active → 200, inactive → 401', async () => {
    expect((await call(url('/introspect'), { headers: { authorization: 'Bearer live-opaque' } })).json).toEqual({ subject: 'introspected', strategy: 'remote' });
    const dead = await call(url('/introspect'), { headers: { authorization: 'Bearer dead-opaque' } });
    expect(dead.status).toBe(401);
    expect(dead.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="the token is not active"');
  });

  it('opaque: a stored token → 200, an unknown one → 401', async () => {
    const token = `stored-${adapter}-token-value`;
    await store.putOpaqueToken(await tokenFingerprint(token), { subject: 'opaque-user', expiresAt: Math.floor(Date.now() / 1000) + 600 }, 600);
    expect((await call(url('/opaque'), { headers: { authorization: `Bearer ${token}` } })).json).toEqual({ subject: 'opaque-user', strategy: 'opaque' });
    expect((await call(url('/opaque'), { headers: { authorization: 'Bearer unknown-token' } })).status).toBe(401);
  });

  it('DPoP: a proof for the URL the client called is accepted; a replay, another URL or a stolen token is refused', async () => {
    const client = await joseKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(client.publicKey);
    const token = await sign(k1, { cnf: { jkt: await calculateJwkThumbprint(jwk) } });
    const ath = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))).toString('base64url');
    const makeProof = (htu: string, key = client.privateKey, pub = jwk) =>
      new SignJWT({ htm: 'GET', htu, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), ath })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: pub }).sign(key);
    const target = url('/dpop?page=1');
    const p = await makeProof(url('/dpop'));
    const ok = await call(target, { headers: { authorization: `DPoP ${token}`, dpop: p } });
    expect(ok.status).toBe(200);
    const replay = await call(target, { headers: { authorization: `DPoP ${token}`, dpop: p } });
    expect([replay.status, replay.json?.code]).toEqual([401, 'invalid_dpop_proof']);
    expect(replay.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_dpop_proof", error_description="DPoP proof was already used/);
    const other = await call(target, { headers: { authorization: `DPoP ${token}`, dpop: await makeProof(url('/elsewhere')) } });
    expect([other.status, other.json?.code]).toEqual([401, 'invalid_dpop_proof']);
    const stolenAsBearer = await call(target, { headers: { authorization: `Bearer ${token}` } });
    expect([stolenAsBearer.status, stolenAsBearer.json?.code]).toEqual([401, 'dpop_required']);
    const thief = await joseKeyPair('ES256', { extractable: true });
    const stolen = await call(target, { headers: { authorization: `DPoP ${token}`, dpop: await makeProof(url('/dpop'), thief.privateKey, await exportJWK(thief.publicKey)) } });
    expect([stolen.status, stolen.json?.code]).toEqual([401, 'dpop_binding_mismatch']);
  });
});
