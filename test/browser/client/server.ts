// The browser suite's issuer, API and page server, in one Koa app on 127.0.0.1: a rotating issuer that refuses any
// reuse of a refresh token (and counts every refresh request that reaches it), an API that accepts only live access
// tokens, and DPoP proofs verified with jose (the verifier package is written concurrently; jose is what it builds on).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { EmbeddedJWK, base64url, calculateJwkThumbprint, jwtVerify, type JWK } from 'jose';
import Koa, { type Context } from 'koa';

/** What the issuer saw and how it answers next; the test reads and sets it directly (same process). */
export interface IssuerState {
  /** `expires_in` of the next access tokens. */
  expiresIn: number;
  refreshRequests: number;
  /** Refresh tokens presented a second time (each refused with invalid_grant). */
  reuses: number;
  /** DPoP proofs verified (token endpoint and API). */
  dpopProofs: { where: 'token' | 'api'; jkt: string; htm: string; htu: string }[];
  apiCalls: number;
}

interface AccessToken {
  expiresAt: number;
  jkt: string | undefined;
}

const random = () => randomBytes(24).toString('base64url');
// Koa 3's ctx.origin is null here; build it from what the request said.
const originOf = (ctx: Context) => `${ctx.protocol}://${ctx.host}`;

async function readBody(ctx: Context): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Verifies a DPoP proof (RFC 9449 §4.3) for this request; returns the key thumbprint. */
async function verifyProof(ctx: Context, seen: Set<string>, accessToken?: string): Promise<string> {
  const proof = ctx.get('dpop');
  const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', maxTokenAge: 60, algorithms: ['ES256'] });
  if (payload.htm !== ctx.method || payload.htu !== `${originOf(ctx)}${ctx.path}`) throw new Error('htm/htu mismatch');
  if (typeof payload.jti !== 'string' || seen.has(payload.jti)) throw new Error('replayed proof');
  seen.add(payload.jti);
  if (accessToken !== undefined) {
    const ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
    if (payload.ath !== ath) throw new Error('ath mismatch');
  }
  return calculateJwkThumbprint(protectedHeader.jwk as JWK);
}

/**
 * Starts the server on a free loopback port.
 * @param pageScript - the JavaScript of the test page (the client and its harness)
 */
export async function startTestServer(pageScript: string) {
  const state: IssuerState = { expiresIn: 3600, refreshRequests: 0, reuses: 0, dpopProofs: [], apiCalls: 0 };
  const access = new Map<string, AccessToken>();
  const refresh = new Map<string, { used: boolean; jkt: string | undefined }>();
  const seenJti = new Set<string>();

  const issue = (jkt: string | undefined) => {
    const accessToken = random();
    const refreshToken = random();
    access.set(accessToken, { expiresAt: Date.now() + state.expiresIn * 1000, jkt });
    refresh.set(refreshToken, { used: false, jkt });
    return {
      access_token: accessToken,
      token_type: jkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: state.expiresIn,
      refresh_token: refreshToken,
    };
  };

  const router = new Router();
  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.body = '<!doctype html><title>tessera client</title><script type="module" src="/client.js"></script>';
  });
  router.get('/client.js', (ctx) => {
    ctx.type = 'text/javascript';
    ctx.body = pageScript;
  });
  router.get('/.well-known/oauth-authorization-server', (ctx) => {
    ctx.body = { issuer: originOf(ctx), token_endpoint: `${originOf(ctx)}/token`, revocation_endpoint: `${originOf(ctx)}/revoke` };
  });
  router.post('/token', async (ctx) => {
    const body = await readBody(ctx);
    let jkt: string | undefined;
    if (ctx.get('dpop') !== '') {
      try {
        jkt = await verifyProof(ctx, seenJti);
      } catch {
        ctx.status = 400;
        ctx.body = { error: 'invalid_dpop_proof' };
        return;
      }
      state.dpopProofs.push({ where: 'token', jkt, htm: ctx.method, htu: `${originOf(ctx)}${ctx.path}` });
    }
    const grant = body.get('grant_type');
    if (grant === 'password' && body.get('username') === 'alice' && body.get('password') === 'wonderland') {
      ctx.body = issue(jkt);
      return;
    }
    if (grant === 'refresh_token') {
      state.refreshRequests++;
      const record = refresh.get(body.get('refresh_token') ?? '');
      if (record?.used === true) state.reuses++;
      if (record === undefined || record.used || record.jkt !== jkt) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_grant' };
        return;
      }
      record.used = true;
      ctx.body = issue(jkt);
      return;
    }
    ctx.status = 400;
    ctx.body = { error: 'invalid_grant' };
  });
  router.post('/revoke', async (ctx) => {
    const token = (await readBody(ctx)).get('token') ?? '';
    refresh.delete(token);
    ctx.status = 200;
  });
  router.get('/api/orders', async (ctx) => {
    state.apiCalls++;
    const [, scheme, token = ''] = /^(Bearer|DPoP) (.+)$/.exec(ctx.get('authorization')) ?? [];
    const record = access.get(token);
    let fine = record !== undefined && record.expiresAt > Date.now() && (record.jkt === undefined) === (scheme === 'Bearer');
    if (fine && record?.jkt !== undefined) {
      try {
        const jkt = await verifyProof(ctx, seenJti, token);
        state.dpopProofs.push({ where: 'api', jkt, htm: ctx.method, htu: `${originOf(ctx)}${ctx.path}` });
        fine = jkt === record.jkt;
      } catch {
        fine = false;
      }
    }
    if (!fine) {
      ctx.status = 401;
      ctx.set('www-authenticate', `${scheme ?? 'Bearer'} error="invalid_token"`);
      return;
    }
    ctx.body = { ok: true };
  });

  const app = new Koa();
  app.use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    /** Forgets counters between tests (tokens stay valid). */
    reset(expiresIn = 3600) {
      Object.assign(state, { expiresIn, refreshRequests: 0, reuses: 0, dpopProofs: [], apiCalls: 0 });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
