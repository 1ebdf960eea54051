import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Router from '@koa/router';
import { MemoryTokenStore, importSecret, signJwt } from '@tessera/core';
import { createVerifier, errorBody, isAuthError } from '@tessera/verifier';
import Koa3 from 'koa';
import Koa2 from 'koa2';
import { SignJWT } from 'jose';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, requireClaims, requireScopes } from '../src/index.js';
import { call, close, listen, mockUpstreams } from '../../../test/verifier/support.js';

const SECRET = 'a-secret-of-at-least-32-bytes-for-HS256!';
const upstream = mockUpstreams(http.get('https://jm.example/verify', () => new HttpResponse('down', { status: 503 })));
const servers: Server[] = [];
let token: string;
let expired: string;
afterAll(async () => {
  upstream.close();
  await Promise.all(servers.map(close));
});
beforeAll(async () => {
  const key = await importSecret(SECRET, { alg: 'HS256' });
  token = await signJwt({ scope: 'orders:read', role: ['admin'] }, key, { subject: 'user-1', expiresIn: 600 });
  expired = await new SignJWT({ sub: 'user-1', exp: Math.floor(Date.now() / 1000) - 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
});

type KoaCtor = typeof Koa3;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function serve(app: { callback(): (req: IncomingMessage, res: ServerResponse) => void }): Promise<string> {
  const server = createServer(app.callback());
  servers.push(server);
  return listen(server);
}

describe.each([['Koa 3', Koa3], ['Koa 2', Koa2 as KoaCtor]])('%s', (_name, Koa) => {
  let base: string;
  let strict: string;

  beforeAll(async () => {
    const verifier = createVerifier({ local: { secret: SECRET }, realm: 'api', store: new MemoryTokenStore() });
    const app = new Koa();
    const router = new Router();
    router.get('/me', authenticate(verifier), (ctx) => {
      ctx.body = { subject: ctx.state.auth?.subject, strategy: ctx.state.auth?.strategy };
    });
    router.get('/orders', authenticate(verifier), requireScopes('orders:read'), (ctx) => {
      ctx.body = { ok: true };
    });
    router.post('/orders', authenticate(verifier), requireScopes(['orders:read', 'orders:write'], { realm: 'api' }), (ctx) => {
      ctx.body = { ok: true };
    });
    router.get('/admin', authenticate(verifier), requireClaims({ role: 'admin' }), (ctx) => {
      ctx.body = { ok: true };
    });
    router.get('/public', authenticate(verifier, { credentialsRequired: false }), (ctx) => {
      ctx.body = { anonymous: ctx.state.auth === undefined };
    });
    router.get('/thrown', authenticate(verifier, { throw: true }), (ctx) => {
      ctx.body = 'never';
    });
    router.get('/remote', authenticate({ remote: { kind: 'verify-token', url: 'https://jm.example/verify', retries: 0 } }), (ctx) => {
      ctx.body = 'never';
    });
    app.use(router.routes());
    base = await serve(app);

    // An app with its own error handler: the default mode answers regardless, `throw: true` hands it the error.
    const withHandler = new Koa();
    withHandler.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        ctx.status = isAuthError(err) ? err.status : 500;
        ctx.set('x-app-handler', 'yes');
        if (isAuthError(err)) ctx.set(err.headers as Record<string, string>);
        ctx.body = { handled: true, ...errorBody(err) };
      }
    });
    const r2 = new Router();
    r2.get('/answered', authenticate(verifier), (ctx) => { ctx.body = 'ok'; });
    r2.get('/thrown', authenticate(verifier, { throw: true }), (ctx) => { ctx.body = 'ok'; });
    withHandler.use(r2.routes());
    strict = await serve(withHandler);
  });

  it('puts the identity on ctx.state.auth', async () => {
    const res = await call(`${base}/me`, { headers: bearer(token) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ subject: 'user-1', strategy: 'local' });
  });

  it('answers a missing token 401 with a bare challenge and a JSON code', async () => {
    const res = await call(`${base}/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toEqual({ error: 'missing_token', error_description: 'no access token was sent', code: 'missing_token' });
  });

  it('answers a bad token 401 invalid_token and a malformed header 400 invalid_request', async () => {
    const bad = await call(`${base}/me`, { headers: bearer(`${token.slice(0, -2)}xx`) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token", error_description="/);
    expect(bad.json?.code).toMatch(/signature_invalid|token_malformed/);
    const malformed = await call(`${base}/me`, { headers: { authorization: 'Bearer a b' } });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_request", error_description="the Authorization header is malformed"');
    expect(malformed.json?.code).toBe('invalid_request');
  });

  it('guards routes by scope (403 insufficient_scope naming the scopes) and by claims (403)', async () => {
    expect((await call(`${base}/orders`, { headers: bearer(token) })).status).toBe(200);
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
    expect((await call(`${base}/public`, { headers: bearer(token) })).json).toEqual({ anonymous: false });
  });

  it('with throw: true and no app handler, Koa\'s own onerror answers status and WWW-Authenticate', async () => {
    const res = await call(`${base}/thrown`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(res.text).toBe('no access token was sent');
  });

  it('answers correctly under an app error handler (default), and hands it the error with throw: true', async () => {
    const answered = await call(`${strict}/answered`);
    expect(answered.status).toBe(401);
    expect(answered.headers.get('x-app-handler')).toBeNull();
    expect(answered.json?.code).toBe('missing_token');
    const thrown = await call(`${strict}/thrown`, { headers: bearer(token.slice(0, -2) + 'xx') });
    expect(thrown.status).toBe(401);
    expect(thrown.headers.get('x-app-handler')).toBe('yes');
    expect(thrown.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(thrown.json?.handled).toBe(true);
  });

  it('answers a failing upstream 503 with Retry-After, never 401', async () => {
    const res = await call(`${base}/remote`, { headers: bearer('opaque-token-value') });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.json).toEqual({ error: 'issuer_unavailable', error_description: 'the authorization service is unavailable; retry later', code: 'issuer_unavailable' });
  });

  it('answers an expired token 401 token_expired', async () => {
    const res = await call(`${base}/me`, { headers: bearer(expired) });
    expect(res.status).toBe(401);
    expect(res.json?.code).toBe('token_expired');
  });
});

describe('the cache-hit path', () => {
  it('runs the downstream middleware synchronously for a cached token, with the identity on ctx.state.auth', async () => {
    const middleware = authenticate(createVerifier({ local: { secret: SECRET } }));
    const run = () => {
      const ctx = { method: 'GET', href: 'http://localhost/r', req: { headers: bearer(token) }, state: {} as { auth?: { subject: string } } };
      let reached = false;
      const settled = middleware(ctx as never, async () => {
        reached = true;
      });
      return { ctx, synchronously: reached, settled };
    };
    const first = run();
    expect(first.synchronously).toBe(false);
    await first.settled;
    expect(first.ctx.state.auth?.subject).toBe('user-1');
    const second = run();
    expect(second.synchronously).toBe(true);
    expect(second.ctx.state.auth?.subject).toBe('user-1');
    await second.settled;
  });
});
