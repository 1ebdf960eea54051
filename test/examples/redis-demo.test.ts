// The demo with REDIS_URL on a real redis-server: the full demo plus a second issuer instance (`issuerOnly`) sharing
// keys, issuer identifier, refresh families, opaque tokens and the denylist through Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoStartError, startDemo, type Demo, type IssuerOnlyDemo } from '../../examples/demo.js';
import { freePort, startRedisServer, type RedisServer } from '../support/redis-server.js';
import { hasCommand, systemPeer } from '../support/system-peer.js';
import { FORMAT_CLIENT_IDS, FREE_PORTS, basic, clientToken, demo, get, issuerOnly, postForm, spaLogin } from './support.js';

/** Polls until `check` holds (a revocation crosses processes by pub/sub within milliseconds), at most 2 s. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 2000;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

if (systemPeer('redis-server', hasCommand('redis-server'))) {
  describe('the demo on Redis, with a second issuer instance', () => {
    let redis: RedisServer;
    let a: Demo;
    let b: IssuerOnlyDemo;

    beforeAll(async () => {
      redis = await startRedisServer();
      a = await demo({ redisUrl: redis.url });
      b = await issuerOnly({ redisUrl: redis.url });
    });

    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await redis?.destroy();
    });

    it('runs the second issuer under the first one\'s identifier and keys', async () => {
      expect(a.store).toBe('redis');
      expect(b.store).toBe('redis');
      expect(b.issuer).toBe(a.issuer);
      expect(b.urls.issuer).not.toBe(a.urls.issuer);
      const jwks = async (url: string) => (await get(`${url}/jwks.json`)).json;
      expect(await jwks(b.urls.issuer)).toEqual(await jwks(a.urls.issuer));
    });

    it('introspects at one instance the tokens the other issued, in every format', async () => {
      for (const clientId of Object.values(FORMAT_CLIENT_IDS)) {
        const token = await clientToken(a.urls.issuer, clientId);
        const introspected = await postForm(`${b.urls.issuer}/introspect`, { token }, { authorization: basic('express-api') });
        expect(introspected.json, clientId).toMatchObject({ active: true, client_id: clientId, iss: a.issuer });
      }
      // An opaque token issued by the second instance lives in Redis: the Koa API (first process) finds it there.
      const opaque = await clientToken(b.urls.issuer, FORMAT_CLIENT_IDS.opaque);
      expect((await get(`${a.urls.koaApi}/api/hello`, { authorization: `Bearer ${opaque}` })).json)
        .toMatchObject({ strategy: 'opaque', subject: FORMAT_CLIENT_IDS.opaque });
    });

    it('refreshes at one instance a login made at the other, and a revocation at one is seen by the API', async () => {
      const tokens = await spaLogin(a.urls);
      const refreshed = await postForm(`${b.urls.issuer}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'spa' });
      expect(refreshed.status).toBe(200);
      const access = refreshed.json.access_token as string;
      const hello = () => get(`${a.urls.koaApi}/api/hello`, { authorization: `Bearer ${access}` });
      expect((await hello()).json).toMatchObject({ api: 'koa', subject: 'demo', strategy: 'local' });
      // The old refresh token, presented again at the first instance inside the grace window: the same successor.
      const racer = await postForm(`${a.urls.issuer}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: 'spa' });
      expect(racer.json.access_token).toBe(access);

      const revoked = await postForm(`${b.urls.issuer}/revoke`, { token: refreshed.json.refresh_token as string, client_id: 'spa' });
      expect(revoked.status).toBe(200);
      expect(await eventually(async () => (await hello()).status === 401)).toBe(true);
      expect((await get(`${a.urls.expressApi}/api/hello`, { authorization: `Bearer ${access}` })).status).toBe(401);
    });

    it('denylists a JWT access token revoked at the second instance for the first process\'s Koa API', async () => {
      const token = await clientToken(a.urls.issuer, FORMAT_CLIENT_IDS.jwt);
      const hello = () => get(`${a.urls.koaApi}/api/hello`, { authorization: `Bearer ${token}` });
      expect((await hello()).status).toBe(200);
      await postForm(`${b.urls.issuer}/revoke`, { token }, { authorization: basic(FORMAT_CLIENT_IDS.jwt) });
      expect(await eventually(async () => (await hello()).status === 401)).toBe(true);
    });

    it('refuses to start a second issuer where no demo has shared its configuration', async () => {
      await expect(startDemo({ ports: FREE_PORTS, quiet: true, issuerOnly: true, redisUrl: `${redis.url}/1` }))
        .rejects.toThrow(/^no running demo has shared its configuration in this Redis: start the full demo first/);
    });
  });

  describe('the demo with a REDIS_URL where nothing answers', () => {
    it('fails at start-up naming Redis, without the URL\'s password', async () => {
      const port = await freePort();
      const started = startDemo({ ports: FREE_PORTS, quiet: true, spa: false, redisUrl: `redis://:hunter2@127.0.0.1:${port}` });
      await expect(started).rejects.toThrow(DemoStartError);
      await expect(started).rejects.toThrow(`Redis at redis://:***@127.0.0.1:${port} does not answer: is redis-server running?`);
    });
  });
}
