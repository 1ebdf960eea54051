// Core's attack tokens, sent over HTTP through both adapters: every one is a 401 with the right code and an RFC 6750
// challenge — none a 500, none a pass.
import Router from '@koa/router';
import { authenticate as expressAuthenticate, errorHandler } from '@tessera/express';
import { authenticate as koaAuthenticate } from '@tessera/koa';
import { createVerifier, type Verifier } from '@tessera/verifier';
import express from 'express';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIENCE, ISSUER, attackKeys, attackTokens } from './attack-tokens.js';
import { type BothAdapters, call, close, serveBoth } from './support.js';

let both: BothAdapters;
let tokens: [string, string, string][] = [];
let good = '';

beforeAll(async () => {
  const keys = await attackKeys();
  tokens = await attackTokens(keys);
  const { signJwt } = await import('@tessera/core');
  good = await signJwt({}, keys.signing.privateKey, { subject: 'u', issuer: ISSUER, audience: AUDIENCE, expiresIn: 60 });
  const verifier: Verifier = createVerifier({
    local: { keys: keys.signing.publicKey, decryptionKeys: keys.dir, issuer: ISSUER, audience: AUDIENCE },
    realm: 'api',
  });
  const koa = new Koa();
  const router = new Router();
  router.get('/r', koaAuthenticate(verifier), (ctx) => { ctx.body = { ok: true }; });
  koa.use(router.routes());
  const app = express();
  app.get('/r', expressAuthenticate(verifier), (_req, res) => { res.json({ ok: true }); });
  app.use(errorHandler());
  both = await serveBoth(koa.callback(), app);
});
afterAll(async () => {
  await both.close();
});

describe.each(['koa', 'express'] as const)('attack tokens through @tessera/%s', (adapter) => {
  it('accepts the legitimate token (the attacks are refused for what they are)', async () => {
    expect((await call(`${both.bases[adapter]}/r`, { headers: { authorization: `Bearer ${good}` } })).status).toBe(200);
  });

  it('answers every attack 401 with its code and an invalid_token challenge, never a 500', async () => {
    const answers = [];
    for (const [name, token, code] of tokens) {
      const res = await call(`${both.bases[adapter]}/r`, { headers: { authorization: `Bearer ${token}` } });
      answers.push({ name, status: res.status, code: res.json?.code, challenge: res.headers.get('www-authenticate')?.split(',')[1]?.trim() });
      expect({ name, code: res.json?.code }).toEqual({ name, code });
    }
    expect(answers.filter((a) => a.status !== 401 || a.challenge !== 'error="invalid_token"')).toEqual([]);
  });
});
