// Issuer: /token client_credentials per format, refresh rotations/s and /introspect calls/s, memory vs Redis store,
// against a no-op Koa route (the limit) and node-oidc-provider 9 (the peer, same algorithm and format). Every server
// runs in its own child process; autocannon loads it from here (20 connections). Goal: ≥ 2× node-oidc-provider on
// every row it has; Redis round trips per rotation: 1.
import { generateKeyPairSync, sign } from 'node:crypto';
import { hasCommand } from '../support/system-peer.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { BENCH_SECRET } from './issuer/constants.js';
import { load, startChild, type ChildServer, type LoadSpec } from './issuer/load.js';

const FORM = 'application/x-www-form-urlencoded';

/** RS256 signatures per second on one core with node:crypto (1 s): the ceiling of an RS256 token row per core. */
function rsaSignaturesPerSecond(): number {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('header.payload');
  const started = performance.now();
  let n = 0;
  while (performance.now() - started < 1000) {
    sign('sha256', data, privateKey);
    n++;
  }
  return Math.round(n / ((performance.now() - started) / 1000));
}

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

/** One contender of a row: a name and a run that returns requests/s. */
interface Contender {
  name: string;
  run: () => Promise<number>;
  peer?: boolean;
  limit?: boolean;
}

/**
 * Runs a row's contenders `rounds` times in rotated order and keeps each one's best round: on a shared 2-core machine
 * the other processes' load comes and goes, and best-of-rounds keeps that noise out of the ratios.
 */
async function row(operation: string, contenders: Contender[], rounds: number, limitRps: number | undefined): Promise<Measurement[]> {
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const c of order) best.set(c.name, Math.max(best.get(c.name) ?? 0, await c.run()));
  }
  const peer = contenders.find((c) => c.peer === true);
  const peerRps = peer === undefined ? undefined : best.get(peer.name);
  return contenders.map((c) => ({ operation, name: c.name, rps: best.get(c.name)!, peer: peerRps, limit: limitRps }));
}

export async function run(): Promise<string> {
  const seconds = Number(process.env.BENCH_ISSUER_SECONDS ?? 4);
  const rounds = Number(process.env.BENCH_ISSUER_ROUNDS ?? 2);
  const rows: Measurement[] = [];
  const servers: ChildServer[] = [];
  let redis: RedisServer | undefined;
  const notes: string[] = [];
  try {
    const [noop, memory, peer] = await Promise.all([
      startChild('noop-server.ts'), startChild('tessera-server.ts', { STORE: 'memory' }), startChild('oidc-provider-server.ts'),
    ]);
    servers.push(noop, memory, peer);
    let onRedis: ChildServer | undefined;
    if (hasCommand('redis-server')) {
      redis = await startRedisServer();
      onRedis = await startChild('tessera-server.ts', { STORE: 'redis', REDIS_URL: redis.url });
      servers.push(onRedis);
    } else {
      notes.push('redis-server is not installed: Redis rows skipped.');
    }
    // Warm every server up (JIT, connection pools, the first scrypt of each client) before anything is timed.
    await load(tokenSpec(noop.url, '/token', 'x'), 2);
    for (const server of [memory, peer, ...(onRedis === undefined ? [] : [onRedis])]) {
      for (const client of server === peer ? ['jwt-rs256', 'opaque'] : ['jwt-rs256', 'jwt-es256', 'jwe', 'jwe-dir', 'opaque']) {
        await load(tokenSpec(server.url, '/token', client), 1);
      }
    }
    notes.push(`RSA-2048 signatures on one core here (node:crypto): ${rsaSignaturesPerSecond().toLocaleString('en-US')}/s — ` +
      'every RS256 token costs one, which bounds both RS256 rows whatever the issuer around it.');
    const noopToken = (): Promise<number> => load(tokenSpec(noop.url, '/token', 'x'), seconds).then((r) => r.rps);
    const noopIntrospect = (): Promise<number> => load({ ...tokenSpec(noop.url, '/introspect', 'x'), body: 'token=x' }, seconds).then((r) => r.rps);
    let limitToken = 0;
    for (let round = 0; round < rounds; round++) limitToken = Math.max(limitToken, await noopToken());
    let limitIntrospect = 0;
    for (let round = 0; round < rounds; round++) limitIntrospect = Math.max(limitIntrospect, await noopIntrospect());

    const formats: [string, string, boolean][] = [
      ['jwt RS256', 'jwt-rs256', true],
      ['jwt ES256', 'jwt-es256', false],
      ['jwe (ES256 in ECDH-ES+A256KW/A256GCM)', 'jwe', false],
      ['jwe-dir (ES256 in dir/A256GCM)', 'jwe-dir', false],
      ['opaque', 'opaque', true],
    ];
    for (const [label, client, withPeer] of formats) {
      const contenders: Contender[] = [{ name: 'Tessera, memory store', run: () => tokenRow(memory, client, seconds) }];
      if (onRedis !== undefined && ['jwt-rs256', 'jwt-es256', 'opaque'].includes(client)) {
        contenders.push({ name: 'Tessera, Redis store', run: () => tokenRow(onRedis!, client, seconds) });
      }
      if (withPeer) contenders.push({ name: 'node-oidc-provider 9', run: () => tokenRow(peer, client, seconds), peer: true });
      rows.push(...await row(`POST /token client_credentials, ${label}`, contenders, rounds, limitToken));
    }
    rows.push({ operation: 'POST /token (any)', name: 'no-op Koa route (limit)', rps: limitToken, limit: limitToken });

    const rotation: Contender[] = [{ name: 'Tessera, memory store', run: async () => (await refreshRow(memory, seconds)).rps }];
    if (onRedis !== undefined) rotation.push({ name: 'Tessera, Redis store', run: async () => (await refreshRow(onRedis!, seconds)).rps });
    rows.push(...await row('POST /token refresh_token (rotation, ES256 jwt)', rotation, rounds, limitToken));

    if (onRedis !== undefined && redis !== undefined) {
      // Round trips of the rotation alone (an issuer without the rate-limit counter), then with the counter.
      const bare = await startChild('tessera-server.ts', { STORE: 'redis', REDIS_URL: redis.url, RATE_LIMIT: 'off' });
      const local = await startChild('tessera-server.ts', { STORE: 'redis', REDIS_URL: redis.url, RATE_LIMIT: 'memory' });
      servers.push(bare, local);
      const perRotation = async (server: ChildServer, perLogin: number): Promise<number> => {
        const before = await server.stats();
        const run = await refreshRow(server, 2);
        const after = await server.stats();
        return (after.roundTrips - before.roundTrips - 60 * perLogin) / run.ok; // refreshRow logs in 60 times first
      };
      const off = await perRotation(bare, 1); // a login: issueRefreshToken
      const memoryCounter = await perRotation(local, 1);
      const on = await perRotation(onRedis, 2); // a login: the counter + issueRefreshToken
      const op = 'Redis round trips per rotation (goal 1)';
      rows.push({ operation: op, name: 'Tessera, rate limit off', rps: off, note: off.toFixed(2) });
      rows.push({ operation: op, name: 'Tessera, rate limit counted in memory', rps: memoryCounter, note: memoryCounter.toFixed(2) });
      rows.push({ operation: op, name: 'Tessera, rate limit counted in Redis (+1)', rps: on, note: on.toFixed(2) });
    }

    for (const [label, client, withPeer] of [['opaque token', 'opaque', true], ['jwt ES256 token', 'jwt-es256', false]] as const) {
      const contenders: Contender[] = [{ name: 'Tessera, memory store', run: () => introspectRow(memory, '/introspect', client, seconds) }];
      if (onRedis !== undefined) contenders.push({ name: 'Tessera, Redis store', run: () => introspectRow(onRedis!, '/introspect', client, seconds) });
      if (withPeer) contenders.push({ name: 'node-oidc-provider 9', run: () => introspectRow(peer, '/token/introspection', client, seconds), peer: true });
      rows.push(...await row(`POST /introspect, ${label}`, contenders, rounds, limitIntrospect));
    }
    rows.push({ operation: 'POST /introspect (any)', name: 'no-op Koa route (limit)', rps: limitIntrospect, limit: limitIntrospect });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.destroy();
  }
  return (
    `\nTessera bench: issuer — node ${process.version}, autocannon 20 connections, best of ${rounds} rounds × ${seconds} s ` +
    `per contender, servers in child processes, requests/s (higher is better); rate limit on (one store counter per ` +
    `request)\n\n${format(rows)}` + (notes.length === 0 ? '' : `\n\n${notes.join('\n')}`)
  );
}
