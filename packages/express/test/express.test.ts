import { createServer, type Server } from 'node:http';
import { importSecret, signJwt } from '@tessera/core';
import { createVerifier } from '@tessera/verifier';
import express5 from 'express';
import express4 from 'express4';
import { SignJWT } from 'jose';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, errorHandler, requireAnyScope, requireClaims, requireScopes } from '../src/index.js';
import { call, close, listen, mockUpstreams } from '../../../test/verifier/support.js';

const SECRET = 'a-secret-of-at-least-32-bytes-for-HS256!';
const upstream = mockUpstreams(http.get('https://jm.example/verify', () => HttpResponse.error()));
const servers: Server[] = [];
let token: string;
let expired: string;
beforeAll(async () => {
  const key = await importSecret(SECRET, { alg: 'HS256' });
  token = await signJwt({ scope: 'orders:read', role: ['admin'] }, key, { subject: 'user-1', expiresIn: 600 });
  expired = await new SignJWT({ sub: 'user-1', exp: Math.floor(Date.now() / 1000) - 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
});
afterAll(async () => {
  upstream.close();
  await Promise.all(servers.map(close));
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
type Factory = typeof express5;

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  return listen(server);
}

describe.each([['Express 5', express5], ['Express 4', express4 as unknown as Factory]])('%s', (_name, express) => {
  let base: string;
  let bare: string;

  beforeAll(async () => {
    const verifier = createVerifier({ local: { secret: SECRET }, realm: 'api' });
    const app = express();
    app.get('/me', authenticate(verifier), (req, res) => {
      res.json({ subject: req.auth?.subject, strategy: req.auth?.strategy });
    });
    app.get('/orders', authenticate(verifier), requireScopes('orders:read'), (_req, res) => {
      res.json({ ok: true });
    });
    app.post('/orders', authenticate(verifier), requireScopes(['orders:read', 'orders:write'], { realm: 'api' }), (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/any', authenticate(verifier), requireAnyScope('x orders:read'), (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/admin', authenticate(verifier), requireClaims({ role: 'admin' }), (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/public', authenticate(verifier, { credentialsRequired: false }), (req, res) => {
      res.json({ anonymous: req.auth === undefined });
    });
    app.get('/remote', authenticate({ remote: { kind: 'verify-token', url: 'https://jm.example/verify', retries: 0 } }), (_req, res) => {
      res.json({ never: true });
    });
    app.use(errorHandler());
    base = await serve(app);

    // No error handler: Express's final handler answers from err.status and err.headers.
    const plain = express();
    plain.get('/me', authenticate(verifier), (_req, res) => {
      res.json({ ok: true });
    });
    bare = await serve(plain);
  });

  it('puts the identity on req.auth', async () => {
    const res = await call(`${base}/me`, { headers: bearer(token) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ subject: 'user-1', strategy: 'local' });
  });

  it('errorHandler answers a missing token 401 with a challenge and a JSON code', async () => {
    const res = await call(`${base}/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toEqual({ error: 'missing_token', error_description: 'no access token was sent', code: 'missing_token' });
  });

  it('answers an expired token 401 token_expired and a malformed header 400', async () => {
    const res = await call(`${base}/me`, { headers: bearer(expired) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token", error_description="token has expired"');
    expect(res.json?.code).toBe('token_expired');
    const malformed = await call(`${base}/me`, { headers: { authorization: 'Bearer' } });
    expect(malformed.status).toBe(400);
    expect(malformed.json?.code).toBe('invalid_request');
  });

  it('guards routes by scopes and claims', async () => {
    expect((await call(`${base}/orders`, { headers: bearer(token) })).status).toBe(200);
    expect((await call(`${base}/any`, { headers: bearer(token) })).status).toBe(200);
    const res = await call(`${base}/orders`, { method: 'POST', headers: bearer(token) });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api", error="insufficient_scope", error_description="the token lacks the scopes: orders:write", scope="orders:read orders:write"');
    expect(res.json?.code).toBe('insufficient_scope');
    const admin = await call(`${base}/admin`, { headers: bearer(token) });
    expect(admin.status).toBe(403);
    expect(admin.json?.code).toBe('insufficient_claims');
  });

  it('lets anonymous requests through with credentialsRequired: false', async () => {
    expect((await call(`${base}/public`)).json).toEqual({ anonymous: true });
  });

  it('answers an unreachable upstream 503 with Retry-After', async () => {
    const res = await call(`${base}/remote`, { headers: bearer('opaque-token-value') });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.json?.code).toBe('issuer_unavailable');
  });

  it('without errorHandler, Express\'s final handler still answers the status and WWW-Authenticate', async () => {
    const res = await call(`${bare}/me`, { headers: bearer(expired) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token", error_description="token has expired"');
  });
});

describe('the cache-hit path', () => {
  it('passes a request whose token is cached on to the route synchronously, and a new token after verifying it', async () => {
    const verifier = createVerifier({ local: { secret: SECRET } });
    const middleware = authenticate(verifier);
    const run = () => {
      const req = { method: 'GET', headers: bearer(token), originalUrl: '/r', protocol: 'http', get: () => 'localhost' } as unknown as Parameters<typeof middleware>[0];
      let passed: unknown = 'not yet';
      const done = new Promise<void>((resolve) => {
        middleware(req, {}, (err?: unknown) => {
          passed = err;
          resolve();
        });
      });
      return { req, synchronously: passed, done };
    };
    const first = run();
    expect(first.synchronously).toBe('not yet');
    await first.done;
    const second = run();
    expect(second.synchronously).toBeUndefined();
    expect(second.req.auth?.subject).toBe('user-1');
  });
});
