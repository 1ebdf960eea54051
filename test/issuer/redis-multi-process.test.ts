// Two issuer processes and a resource-server process sharing one real redis-server: rotation has exactly one winner
// across processes, the grace window hands every racer the same successor, a revoke racing a refresh ends the family,
// a family revocation reaches a verifier in another process within 100 ms, and a Redis outage fails closed (503)
// without unhandled rejections, then recovers.
import { generateKeyPair } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { hasCommand, systemPeer } from '../support/system-peer.js';
import { startChild, type Child } from './support/children.js';
import { SHARED_SECRET } from './support/shared.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const auth = (id: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${SHARED_SECRET}`).toString('base64')}` });

async function post(url: string, body: Record<string, string>, client = 'web') {
  const response = await fetch(url, { method: 'POST', headers: { ...FORM, ...auth(client) }, body: new URLSearchParams(body) });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

async function login(issuer: Child) {
  const answer = await post(`${issuer.url}/token`, { grant_type: 'password', username: 'alice', password: 'x' });
  expect(answer.status).toBe(200);
  return answer.json as { access_token: string; refresh_token: string };
}

function refresh(issuer: Child, token: string) {
  return post(`${issuer.url}/token`, { grant_type: 'refresh_token', refresh_token: token });
}

async function check(rs: Child, token: string): Promise<number> {
  return (await fetch(`${rs.url}/check`, { headers: { authorization: `Bearer ${token}` } })).status;
}

if (systemPeer('redis-server', hasCommand('redis-server'))) {
  describe('two issuer processes and a verifier process on one Redis', () => {
    let redis: RedisServer;
    const children: Child[] = [];
    // Two issuers, two more with the grace window, one resource server: all on the same Redis.
    let a: Child, b: Child, ga: Child, gb: Child, rs: Child;

    beforeAll(async () => {
      redis = await startRedisServer();
      const key = await generateKeyPair('ES256');
      const env = { REDIS_URL: redis.url, ISSUER_JWK: JSON.stringify(key.privateJwk), ISSUER_PUBLIC_JWK: JSON.stringify(key.publicJwk) };
      const started = await Promise.all([
        startChild('issuer-process.ts', env), startChild('issuer-process.ts', env),
        startChild('issuer-process.ts', { ...env, GRACE: '10' }), startChild('issuer-process.ts', { ...env, GRACE: '10' }),
        startChild('verifier-process.ts', env),
      ]);
      children.push(...started);
      [a, b, ga, gb, rs] = started as [Child, Child, Child, Child, Child];
    });

    afterAll(async () => {
      await Promise.all(children.map((c) => c.stop()));
      await redis?.destroy();
      for (const child of children) expect(child.unhandled).toEqual([]);
    });

    it('200 concurrent refreshes of one token across both processes: exactly one succeeds', async () => {
      const first = await login(a);
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => refresh(i % 2 === 0 ? a : b, first.refresh_token)));
      expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
      expect(answers.filter((r) => r.status === 400 && r.json.error === 'invalid_grant')).toHaveLength(199);
    });

    it('with the grace window on, every racer in either process gets the same successor', async () => {
      const first = await login(ga);
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => refresh(i % 2 === 0 ? ga : gb, first.refresh_token)));
      expect(answers.map((r) => r.status)).toEqual(Array(200).fill(200));
      expect(new Set(answers.map((r) => r.json.refresh_token)).size).toBe(1);
      expect(new Set(answers.map((r) => r.json.access_token)).size).toBe(1);
      expect((await refresh(gb, answers[0]!.json.refresh_token as string)).status).toBe(200);
    });

    it('a revoke in one process racing a refresh in the other leaves the family revoked', async () => {
      for (let round = 0; round < 10; round++) {
        const first = await login(a);
        const [rotated, revoked] = await Promise.all([
          refresh(a, first.refresh_token),
          post(`${b.url}/revoke`, { token: first.refresh_token, token_type_hint: 'refresh_token' }),
        ]);
        expect(revoked.status).toBe(200);
        if (rotated.status === 200) {
          expect((await refresh(b, rotated.json.refresh_token as string)).json.error).toBe('invalid_grant');
        }
        expect((await refresh(a, first.refresh_token)).json.error).toBe('invalid_grant');
      }
    });

    it('a family revocation in one process reaches a verifier in another within 100 ms', async () => {
      const first = await login(a);
      expect(await check(rs, first.access_token)).toBe(200); // verified and cached
      // Warm up process b (its first authentication of the client costs one scrypt) so only the revocation is timed.
      expect((await post(`${b.url}/revoke`, { token: 'warm-up' })).status).toBe(200);
      const revokedAt = performance.now();
      expect((await post(`${b.url}/revoke`, { token: first.refresh_token })).status).toBe(200);
      let status = 200;
      while (status === 200 && performance.now() - revokedAt < 1000) status = await check(rs, first.access_token);
      const elapsed = performance.now() - revokedAt;
      expect(status).toBe(401);
      expect(elapsed).toBeLessThan(100);
    });

    it('Redis stopped mid-run: /token answers 503, the verifier fails closed, nothing goes unhandled, then both recover', async () => {
      const before = await login(a);
      expect(await check(rs, before.access_token)).toBe(200);
      await redis.stop();
      const down = await post(`${a.url}/token`, { grant_type: 'client_credentials' }, 'svc');
      expect(down).toMatchObject({ status: 503, json: { error: 'temporarily_unavailable' } });
      expect((await refresh(a, before.refresh_token)).status).toBe(503);
      expect(await check(rs, before.access_token)).toBe(503);
      const health = await fetch(`${a.url}/health`);
      expect(health.status).toBe(503);

      await redis.restart();
      let recovered = 0;
      const deadline = Date.now() + 10_000;
      while (recovered !== 200 && Date.now() < deadline) {
        recovered = (await post(`${a.url}/token`, { grant_type: 'client_credentials' }, 'svc')).status;
        if (recovered !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(recovered).toBe(200);
      const after = await login(a);
      expect(await check(rs, after.access_token)).toBe(200);
      expect((await fetch(`${a.url}/health`)).status).toBe(200);
      for (const child of children) expect(child.unhandled).toEqual([]);
    });
  });
}
