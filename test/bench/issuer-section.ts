// Issuer: /token client_credentials per format, refresh rotations/s and /introspect calls/s, memory vs Redis store,
// against a no-op Koa route (the limit) and node-oidc-provider 9 (the peer, same algorithm and format). Every server
// runs in its own child process; autocannon loads it from here (20 connections). Goal: ≥ 2× node-oidc-provider on
// every row it has; Redis round trips per rotation: 1.
import { hasCommand } from '../support/system-peer.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { BENCH_SECRET } from './issuer/constants.js';
import { load, startChild, type ChildServer, type LoadSpec } from './issuer/load.js';

const FORM = 'application/x-www-form-urlencoded';

function basic(id: string): string {
  return `Basic ${Buffer.from(`${id}:${BENCH_SECRET}`).toString('base64')}`;
}

async function call(url: string, path: string, client: string, body: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': FORM, authorization: basic(client) }, body });
  const json = await response.json() as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${url}${path} as ${client}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

interface Measurement {
  operation: string;
  name: string;
  rps: number;
  peer?: number;
  limit?: number;
  note?: string;
}

function tokenSpec(url: string, path: string, client: string): LoadSpec {
  return { url, path, headers: { 'content-type': FORM, authorization: basic(client) }, body: 'grant_type=client_credentials&scope=read' };
}

/** Loads a client_credentials row after checking that the server answers it correctly. */
async function tokenRow(server: ChildServer, client: string, seconds: number): Promise<number> {
  const answer = await call(server.url, '/token', client, 'grant_type=client_credentials&scope=read');
  if (typeof answer.access_token !== 'string') throw new Error(`${client}: no access token`);
  return (await load(tokenSpec(server.url, '/token', client), seconds)).rps;
}

/** Rotations/s: each request presents a refresh token no other request holds, and its successor joins the pool. */
async function refreshRow(server: ChildServer, seconds: number): Promise<{ rps: number; ok: number }> {
  const pool: string[] = [];
  for (let i = 0; i < 60; i++) {
    const login = await call(server.url, '/token', 'web', 'grant_type=password&username=bench&password=x&scope=read');
    pool.push(login.refresh_token as string);
  }
  return load({
    url: server.url, path: '/token', headers: { 'content-type': FORM, authorization: basic('web') }, body: 'grant_type=refresh_token&refresh_token=none',
    next: () => {
      const token = pool.shift();
      return token === undefined ? undefined : `grant_type=refresh_token&refresh_token=${token}`;
    },
    onBody: (status, body) => {
      if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
    },
  }, seconds);
}

async function introspectRow(server: ChildServer, path: string, client: string, seconds: number): Promise<number> {
  const token = (await call(server.url, '/token', client, 'grant_type=client_credentials&scope=read')).access_token as string;
  const body = `token=${token}`;
  const check = await call(server.url, path, 'rs', body);
  if (check.active !== true) throw new Error(`${server.url}${path}: token not active`);
  return (await load({ url: server.url, path, headers: { 'content-type': FORM, authorization: basic('rs') }, body }, seconds)).rps;
}

function format(rows: Measurement[]): string {
  const lines = [
    '| operation | implementation | req/s | × node-oidc-provider | × no-op Koa route (limit) |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  let last = '';
  for (const r of rows) {
    const peer = r.peer === undefined ? '—' : (r.rps / r.peer).toFixed(2);
    const limit = r.limit === undefined ? '—' : (r.rps / r.limit).toFixed(2);
    lines.push(`| ${r.operation === last ? '' : r.operation} | ${r.name} | ${r.note ?? Math.round(r.rps).toLocaleString('en-US')} | ${peer} | ${limit} |`);
    last = r.operation;
  }
  return lines.join('\n');
}

export async function run(): Promise<string> {
  const seconds = Number(process.env.BENCH_ISSUER_SECONDS ?? 5);
  const rows: Measurement[] = [];
  const servers: ChildServer[] = [];
  let redis: RedisServer | undefined;
  const notes: string[] = [];
  try {
    const noop = await startChild('noop-server.ts');
    servers.push(noop);
    const memory = await startChild('tessera-server.ts', { STORE: 'memory' });
    servers.push(memory);
    const peer = await startChild('oidc-provider-server.ts');
    servers.push(peer);
    let onRedis: ChildServer | undefined;
    if (hasCommand('redis-server')) {
      redis = await startRedisServer();
      onRedis = await startChild('tessera-server.ts', { STORE: 'redis', REDIS_URL: redis.url });
      servers.push(onRedis);
    } else {
      notes.push('redis-server is not installed: Redis rows skipped.');
    }

    const limitToken = (await load(tokenSpec(noop.url, '/token', 'x'), seconds)).rps;
    const limitIntrospect = (await load({ ...tokenSpec(noop.url, '/introspect', 'x'), body: 'token=x' }, seconds)).rps;

    const peerJwt = await tokenRow(peer, 'jwt-rs256', seconds);
    const peerOpaque = await tokenRow(peer, 'opaque', seconds);
    const formats: [string, string, number | undefined][] = [
      ['jwt RS256', 'jwt-rs256', peerJwt],
      ['jwt ES256', 'jwt-es256', undefined],
      ['jwe (ES256 in ECDH-ES+A256KW/A256GCM)', 'jwe', undefined],
      ['jwe-dir (ES256 in dir/A256GCM)', 'jwe-dir', undefined],
      ['opaque', 'opaque', peerOpaque],
    ];
    for (const [label, client, peerRps] of formats) {
      const operation = `POST /token client_credentials, ${label}`;
      rows.push({ operation, name: 'Tessera, memory store', rps: await tokenRow(memory, client, seconds), peer: peerRps, limit: limitToken });
      if (onRedis !== undefined && (client === 'jwt-rs256' || client === 'jwt-es256' || client === 'opaque')) {
        rows.push({ operation, name: 'Tessera, Redis store', rps: await tokenRow(onRedis, client, seconds), peer: peerRps, limit: limitToken });
      }
      if (peerRps !== undefined) rows.push({ operation, name: 'node-oidc-provider 9', rps: peerRps, peer: peerRps, limit: limitToken });
    }
    rows.push({ operation: 'POST /token (any)', name: 'no-op Koa route (limit)', rps: limitToken, limit: limitToken });

    const rotation = 'POST /token refresh_token (rotation, ES256 jwt)';
    rows.push({ operation: rotation, name: 'Tessera, memory store', rps: (await refreshRow(memory, seconds)).rps, limit: limitToken });
    if (onRedis !== undefined && redis !== undefined) {
      const before = await onRedis.stats();
      const run = await refreshRow(onRedis, seconds);
      const after = await onRedis.stats();
      rows.push({ operation: rotation, name: 'Tessera, Redis store', rps: run.rps, limit: limitToken });
      // Round trips of the rotation path alone, measured on an issuer without the rate-limit counter.
      const bare = await startChild('tessera-server.ts', { STORE: 'redis', REDIS_URL: redis.url, RATE_LIMIT: 'off' });
      servers.push(bare);
      const b0 = await bare.stats();
      const bareRun = await refreshRow(bare, Math.max(2, Math.round(seconds / 2)));
      const b1 = await bare.stats();
      const perRotation = (b1.roundTrips - b0.roundTrips - 60) / bareRun.ok; // 60 logins: one issueRefreshToken each
      const withCounter = (after.roundTrips - before.roundTrips - 60 * 2) / run.ok; // logins: counter + issue
      rows.push({ operation: 'Redis round trips per rotation (goal 1)', name: 'Tessera, rate limit off', rps: perRotation, note: perRotation.toFixed(2) });
      rows.push({ operation: 'Redis round trips per rotation (goal 1)', name: 'Tessera, rate limit on (+1 counter)', rps: withCounter, note: withCounter.toFixed(2) });
    }

    const peerIntrospect = await introspectRow(peer, '/token/introspection', 'opaque', seconds);
    for (const [label, client, peerRps] of [['opaque token', 'opaque', peerIntrospect], ['jwt ES256 token', 'jwt-es256', undefined]] as const) {
      const operation = `POST /introspect, ${label}`;
      rows.push({ operation, name: 'Tessera, memory store', rps: await introspectRow(memory, '/introspect', client, seconds), peer: peerRps, limit: limitIntrospect });
      if (onRedis !== undefined) {
        rows.push({ operation, name: 'Tessera, Redis store', rps: await introspectRow(onRedis, '/introspect', client, seconds), peer: peerRps, limit: limitIntrospect });
      }
      if (peerRps !== undefined) rows.push({ operation, name: 'node-oidc-provider 9', rps: peerRps, peer: peerRps, limit: limitIntrospect });
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.destroy();
  }
  return (
    `\nTessera bench: issuer — node ${process.version}, autocannon 20 connections × ${seconds} s per row, servers in ` +
    `child processes, requests/s (higher is better); rate limit on (one store counter per request)\n\n${format(rows)}` +
    (notes.length === 0 ? '' : `\n\n${notes.join('\n')}`)
  );
}
