// Every failure answer, through both adapters over HTTP: status, WWW-Authenticate (exact), Retry-After / DPoP-Nonce,
// and the JSON body's stable code.
import Router from '@koa/router';
import { MemoryTokenStore, importSecret, signJwt, type JwtClaims } from '@tessera/core';
import { authenticate as expressAuthenticate, errorHandler, requireClaims as expressClaims, requireScopes as expressScopes } from '@tessera/express';
import { authenticate as koaAuthenticate, requireClaims as koaClaims, requireScopes as koaScopes } from '@tessera/koa';
import { createDpopNonceSource, createVerifier, type Verifier, type VerifierOptions } from '@tessera/verifier';
import express from 'express';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import Koa from 'koa';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BothAdapters, call, close, mockUpstreams, serveBoth } from './support.js';

const SECRET = 'a-secret-of-at-least-32-bytes-for-HS256!';
const upstream = mockUpstreams(
  http.get('https://down.example/verify', () => new HttpResponse(null, { status: 503 })),
  http.get('https://down.example/jwks', () => HttpResponse.error()),
);
const store = new MemoryTokenStore();
const closedStore = new MemoryTokenStore();
let both: BothAdapters;
const tokens: Record<string, string> = {};

interface Scenario {
  name: string;
  options: VerifierOptions;
  guard?: 'scope' | 'claims';
  headers: (url: string) => Record<string, string> | Promise<Record<string, string>>;
  /** Requests sent first (e.g. to use up a rate limit). */
  warm?: number;
  status: number;
  code: string;
  challenge: string | null | RegExp;
  retryAfter?: string | RegExp;
  nonce?: boolean;
}

const bearer = (name: string) => () => ({ authorization: `Bearer ${tokens[name]}` });
async function proofFor(url: string): Promise<string> {
  const pair = await generateKeyPair('ES256');
  const ath = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(tokens.bound))).toString('base64url');
  return new SignJWT({ htm: 'GET', htu: url, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), ath })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(pair.publicKey) }).sign(pair.privateKey);
}
const base = { local: { secret: SECRET }, realm: 'api' } satisfies VerifierOptions;
const scenarios: Scenario[] = [
  { name: 'no token', options: base, headers: () => ({}), status: 401, code: 'missing_token', challenge: 'Bearer realm="api"' },
  { name: 'malformed Authorization', options: base, headers: () => ({ authorization: 'Bearer a b' }), status: 400, code: 'invalid_request',
    challenge: 'Bearer realm="api", error="invalid_request", error_description="the Authorization header is malformed"' },
  { name: 'a token in two places', options: { ...base, extract: { cookie: 'at' } }, headers: () => ({ authorization: `Bearer ${tokens.good}`, cookie: `at=${tokens.good}` }),
    status: 400, code: 'invalid_request', challenge: 'Bearer realm="api", error="invalid_request", error_description="a token was sent in more than one place (authorization and cookie)"' },
  { name: 'an expired token', options: base, headers: bearer('expired'), status: 401, code: 'token_expired',
    challenge: 'Bearer realm="api", error="invalid_token", error_description="token has expired"' },
  { name: 'a revoked token', options: { ...base, store, revocation: true }, headers: bearer('revoked'), status: 401, code: 'token_revoked',
    challenge: 'Bearer realm="api", error="invalid_token", error_description="the token has been revoked"' },
  { name: 'an ended session', options: { ...base, store, session: true }, headers: bearer('good'), status: 401, code: 'session_ended',
    challenge: 'Bearer realm="api", error="invalid_token", error_description="the token\'s session has ended"' },
  { name: 'a missing scope', options: base, guard: 'scope', headers: bearer('good'), status: 403, code: 'insufficient_scope',
    challenge: 'Bearer error="insufficient_scope", error_description="the token lacks the scopes: orders:write", scope="orders:write"' },
  { name: 'a claim mismatch', options: base, guard: 'claims', headers: bearer('good'), status: 403, code: 'insufficient_claims', challenge: null },
  { name: 'the rate limit', options: { ...base, store, rateLimit: { limit: 1, window: 60, by: () => 'failure-answers' } },
    headers: bearer('good'), warm: 1, status: 429, code: 'rate_limited', challenge: null, retryAfter: /^[1-9]\d*$/ },
  { name: 'DPoP required', options: { ...base, dpop: { mode: 'dpop', algorithms: ['ES256'] } }, headers: bearer('good'), status: 401, code: 'dpop_required',
    challenge: 'DPoP realm="api", error="invalid_token", error_description="this resource requires a DPoP-bound token and proof", algs="ES256"' },
  { name: 'a bound token as Bearer', options: base, headers: bearer('bound'), status: 401, code: 'dpop_binding_mismatch',
    challenge: 'Bearer realm="api", error="invalid_token", error_description="the token is DPoP-bound; send it with the DPoP scheme and a proof"' },
  { name: 'a DPoP proof without a nonce', options: { ...base, store, dpop: { mode: 'dpop', algorithms: ['ES256'], nonce: createDpopNonceSource() } },
    headers: async (url) => ({ authorization: `DPoP ${tokens.bound}`, dpop: await proofFor(url) }), status: 401, code: 'use_dpop_nonce',
    challenge: 'DPoP realm="api", error="use_dpop_nonce", error_description="a DPoP nonce is required", algs="ES256"', nonce: true },
  { name: 'a store that is down', options: { ...base, store: closedStore, revocation: true }, headers: bearer('good'), status: 503, code: 'store_unavailable', challenge: null, retryAfter: '5' },
  { name: 'an issuer that is down', options: { remote: { kind: 'verify-token', url: 'https://down.example/verify', retries: 0 }, realm: 'api' },
    headers: bearer('good'), status: 503, code: 'issuer_unavailable', challenge: null, retryAfter: '5' },
  { name: 'a JWKS that is down', options: { local: { jwksUri: 'https://down.example/jwks' }, realm: 'api' }, headers: bearer('es256'), status: 503, code: 'jwks_unavailable', challenge: null, retryAfter: '5' },
];

beforeAll(async () => {
  const key = await importSecret(SECRET, { alg: 'HS256' });
  const mint = (claims: JwtClaims) => signJwt({ scope: 'orders:read', ...claims }, key, { subject: 'user-1', expiresIn: 600 });
  tokens.good = await mint({ jti: 'good-1', role: 'user' });
  tokens.revoked = await mint({ jti: 'revoked-1' });
  tokens.bound = await mint({ cnf: { jkt: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } });
  tokens.expired = await new SignJWT({ sub: 'user-1', exp: Math.floor(Date.now() / 1000) - 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  tokens.es256 = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ4In0.c2ln';
  await store.revoke('revoked-1', 600);
  await closedStore.close();

  const koa = new Koa();
  const router = new Router();
  const app = express();
  scenarios.forEach((s, i) => {
    const kv: Verifier = createVerifier(s.options);
    const ev: Verifier = createVerifier(s.options);
    const kg = s.guard === 'scope' ? [koaScopes('orders:write')] : s.guard === 'claims' ? [koaClaims({ role: 'admin' })] : [];
    const eg = s.guard === 'scope' ? [expressScopes('orders:write')] : s.guard === 'claims' ? [expressClaims({ role: 'admin' })] : [];
    router.get(`/s${i}`, koaAuthenticate(kv), ...kg, (ctx) => { ctx.body = { ok: true }; });
    app.get(`/s${i}`, expressAuthenticate(ev), ...eg, (_req, res) => { res.json({ ok: true }); });
  });
  koa.use(router.routes());
  app.use(errorHandler());
  both = await serveBoth(koa.callback(), app);
});
afterAll(async () => {
  upstream.close();
  await both.close();
  await store.close();
});

describe.each(['koa', 'express'] as const)('failure answers through @tessera/%s', (adapter) => {
  it.each(scenarios.map((s, i) => [s.name, s, i] as const))('%s', async (_name, s, i) => {
    const url = `${both.bases[adapter]}/s${i}`;
    for (let n = 0; n < (s.warm ?? 0); n++) await call(url, { headers: await s.headers(url) });
    const res = await call(url, { headers: await s.headers(url) });
    expect(res.status).toBe(s.status);
    expect(res.json?.code).toBe(s.code);
    expect(res.json?.error).toBe(s.status === 400 ? 'invalid_request' : s.status === 401 && s.code !== 'missing_token'
      ? (s.code === 'use_dpop_nonce' ? 'use_dpop_nonce' : 'invalid_token') : s.code === 'insufficient_scope' ? 'insufficient_scope' : s.code);
    expect(typeof res.json?.error_description).toBe('string');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const challenge = res.headers.get('www-authenticate');
    if (s.challenge instanceof RegExp) expect(challenge).toMatch(s.challenge);
    else expect(challenge).toBe(s.challenge);
    if (typeof s.retryAfter === 'string') expect(res.headers.get('retry-after')).toBe(s.retryAfter);
    else if (s.retryAfter !== undefined) expect(res.headers.get('retry-after')).toMatch(s.retryAfter);
    if (s.nonce === true) expect(res.headers.get('dpop-nonce')).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]+$/);
  });
});
