// Issuer: /token client_credentials per format, refresh rotations/s and /introspect calls/s, memory vs Redis store,
// against a no-op Koa route (the limit) and node-oidc-provider 9 (the peer, same algorithm and format). Every server
// runs in its own child process; autocannon loads it from here (20 connections). Two figures per row: requests/s, and
// requests per CPU-second of the server process (what one server core sustains: on a shared 2-core machine the load
// generator takes a core too, which caps every req/s figure near the limit row). Goal: ≥ 2× node-oidc-provider on
// every row it has; Redis round trips per rotation: 1.
import { generateKeyPairSync, sign } from 'node:crypto';
import { hasCommand } from '../support/system-peer.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { BENCH_SECRET } from './issuer/constants.js';
import { pinCpus } from './cpu-pinning.js';
import { pairedAtOnce } from './paired.js';
import { cleanUp, load, startChild, type ChildServer, type LoadSpec } from './issuer/load.js';

const FORM = 'application/x-www-form-urlencoded';

function basic(id: string): string {
  return `Basic ${Buffer.from(`${id}:${BENCH_SECRET}`).toString('base64')}`;
}

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

async function call(url: string, path: string, client: string, body: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': FORM, authorization: basic(client) }, body });
  const json = await response.json() as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`${url}${path} as ${client}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/** Throughput and server efficiency of one load run. */
interface Figures {
  rps: number;
  /** Requests answered per CPU-second of the server process. */
  perCpu: number;
  ok: number;
}

/** Loads `server` with `spec` and reads its CPU time around the run. */
async function measured(server: ChildServer, spec: LoadSpec, seconds: number, connections = 20): Promise<Figures> {
  const before = await server.stats();
  const run = await load(spec, seconds, connections);
  const after = await server.stats();
  return { rps: run.rps, ok: run.ok, perCpu: run.ok / ((after.cpuMicros - before.cpuMicros) / 1e6) };
}

function tokenSpec(url: string, path: string, client: string): LoadSpec {
  return { url, path, headers: { 'content-type': FORM, authorization: basic(client) }, body: 'grant_type=client_credentials&scope=read' };
}

/** A client_credentials row, after checking that the server answers it correctly. */
async function tokenRow(server: ChildServer, client: string, seconds: number): Promise<Figures> {
  const answer = await call(server.url, '/token', client, 'grant_type=client_credentials&scope=read');
  if (typeof answer.access_token !== 'string') throw new Error(`${client}: no access token`);
  return measured(server, tokenSpec(server.url, '/token', client), seconds);
}

/** Rotations/s: each request presents a refresh token no other request holds, and its successor joins the pool. */
async function refreshRow(server: ChildServer, seconds: number): Promise<Figures> {
  const pool: string[] = [];
  for (let i = 0; i < 60; i++) {
    const login = await call(server.url, '/token', 'web', 'grant_type=password&username=bench&password=x&scope=read');
    pool.push(login.refresh_token as string);
  }
  return measured(server, {
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

/** An /introspect request for a fresh token of `client`, after checking that the server finds it active. */
async function introspectSpec(server: ChildServer, path: string, client: string): Promise<LoadSpec> {
  const token = (await call(server.url, '/token', client, 'grant_type=client_credentials&scope=read')).access_token as string;
  const body = `token=${token}`;
  if ((await call(server.url, path, 'rs', body)).active !== true) throw new Error(`${server.url}${path}: token not active`);
  return { url: server.url, path, headers: { 'content-type': FORM, authorization: basic('rs') }, body };
}

async function introspectRow(server: ChildServer, path: string, client: string, seconds: number): Promise<Figures> {
  return measured(server, await introspectSpec(server, path, client), seconds);
}

/**
 * A row against its reference (Tessera against the peer), loaded at once ({@link pairedAtOnce}, 10 connections each,
 * 2 s turns): the median ratio of requests per server CPU-second.
 */
async function pairedRatio(row: ChildServer, rowSpec: LoadSpec, reference: ChildServer, referenceSpec: LoadSpec, turns: number): Promise<number> {
  const paired = await pairedAtOnce(turns, async () => (await measured(reference, referenceSpec, 2, 10)).perCpu,
    async () => (await measured(row, rowSpec, 2, 10)).perCpu);
  return paired.median;
}

/**
 * What coalescing the rate-limit counter is worth, and how much of it is scheduling alone: the memory-store issuer
 * against the same issuer counting each hit with its own `increment`, and the no-op route answering one turn later
 * against the no-op route — each pair loaded at once ({@link pairedAtOnce}).
 */
async function whereTheGainComes(start: (file: string, env?: Record<string, string>) => Promise<ChildServer>, servers: ChildServer[],
  noop: ChildServer, memory: ChildServer, turns: number): Promise<string[]> {
  const [perHit, deferred] = await Promise.all([start('tessera-server.ts', { STORE: 'memory', RATE_LIMIT: 'per-hit' }), start('noop-server.ts', { ANSWER: 'next-turn' })]);
  servers.push(perHit, deferred);
  for (const server of [perHit, deferred]) await load(tokenSpec(server.url, '/token', 'opaque'), 1);
  const token = await pairedRatio(memory, tokenSpec(memory.url, '/token', 'opaque'), perHit, tokenSpec(perHit.url, '/token', 'opaque'), turns);
  const introspect = await pairedRatio(memory, await introspectSpec(memory, '/introspect', 'opaque'), perHit,
    await introspectSpec(perHit, '/introspect', 'opaque'), turns);
  const limit = await pairedRatio(deferred, tokenSpec(deferred.url, '/token', 'x'), noop, tokenSpec(noop.url, '/token', 'x'), turns);
  return [
    'Where the opaque rows\' speed comes from (requests per server CPU-second, paired at once, median): the rate-limit ' +
      'counter coalesced per turn of the event loop (one increment per client and turn; requests answered after the ' +
      `turn's I/O) vs one increment per hit, memory store: /token ${token.toFixed(2)}×, /introspect ${introspect.toFixed(2)}×; ` +
      `the no-op Koa route answering one turn later vs at once: ${limit.toFixed(2)}× — under this closed-loop load most of the coalescing gain is that ` +
      'scheduling, which the no-op route shows too.',
  ];
}

interface Measurement {
  operation: string;
  name: string;
  figures?: Figures;
  peer?: Figures;
  limit?: Figures;
  note?: string;
  /** {@link pairedRatio}'s median ratio. */
  paired?: number;
}

/** One contender of a row. */
interface Contender {
  name: string;
  run: () => Promise<Figures>;
  peer?: boolean;
}

/**
 * Runs a row's contenders `rounds` times in rotated order and keeps each one's best round: other processes' load on
 * the shared machine comes and goes, and best-of-rounds keeps that noise out of the ratios.
 */
async function row(operation: string, contenders: Contender[], rounds: number, limit: Figures | undefined): Promise<Measurement[]> {
  const best = new Map<string, Figures>();
  for (let round = 0; round < rounds; round++) {
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]!);
    for (const c of order) {
      const f = await c.run();
      const prev = best.get(c.name);
      best.set(c.name, prev === undefined ? f : { rps: Math.max(prev.rps, f.rps), perCpu: Math.max(prev.perCpu, f.perCpu), ok: f.ok });
    }
  }
  const peer = contenders.find((c) => c.peer === true);
  return contenders.map((c) => ({
    operation, name: c.name, figures: best.get(c.name)!, ...(peer === undefined ? {} : { peer: best.get(peer.name)! }),
    ...(limit === undefined ? {} : { limit }),
  }));
}

async function bestOf(rounds: number, run: () => Promise<Figures>): Promise<Figures> {
  let best: Figures | undefined;
  for (let i = 0; i < rounds; i++) {
    const f = await run();
    best = best === undefined ? f : { rps: Math.max(best.rps, f.rps), perCpu: Math.max(best.perCpu, f.perCpu), ok: f.ok };
  }
  return best!;
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const ratio = (a: number, b: number | undefined): string => (b === undefined ? '—' : (a / b).toFixed(2));

function format(rows: Measurement[]): string {
  const lines = [
    '| operation | implementation | req/s | × peer | × limit | req per server CPU-s | × peer (CPU) | × peer (CPU), paired at once |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  let last = '';
  for (const r of rows) {
    const op = r.operation === last ? '' : r.operation;
    last = r.operation;
    if (r.figures === undefined) {
      lines.push(`| ${op} | ${r.name} | ${r.note ?? ''} | — | — | — | — | — |`);
      continue;
    }
    const f = r.figures;
    lines.push(`| ${op} | ${r.name} | ${n(f.rps)} | ${ratio(f.rps, r.peer?.rps)} | ${ratio(f.rps, r.limit?.rps)} | ` +
      `${n(f.perCpu)} | ${ratio(f.perCpu, r.peer?.perCpu)} | ${r.paired === undefined ? '' : r.paired.toFixed(2)} |`);
  }
  return lines.join('\n');
}

export async function run(): Promise<string> {
  const seconds = Number(process.env.BENCH_ISSUER_SECONDS ?? 4);
  const rounds = Number(process.env.BENCH_ISSUER_ROUNDS ?? 2);
  const turns = Number(process.env.BENCH_ISSUER_PAIRS ?? 9);
  const rows: Measurement[] = [];
  const servers: ChildServer[] = [];
  let redis: RedisServer | undefined;
  const notes: string[] = [];
  const pin = pinCpus();
  const start = (file: string, env: Record<string, string> = {}) => startChild(file, env, pin.pinServer);
  try {
    const [noop, memory, peer] = await Promise.all([
      start('noop-server.ts'), start('tessera-server.ts', { STORE: 'memory' }), start('oidc-provider-server.ts'),
    ]);
    servers.push(noop, memory, peer);
    let onRedis: ChildServer | undefined;
    if (hasCommand('redis-server')) {
      redis = await startRedisServer();
      // Redis shares the load generator's core: ahead of it in the queue, it answers as a Redis host of its own would.
      pin.prioritise(redis.pid);
      onRedis = await start('tessera-server.ts', { STORE: 'redis', REDIS_URL: redis.url });
      servers.push(onRedis);
    } else {
      notes.push('redis-server is not installed: Redis rows skipped.');
    }

    // Warm every server up (JIT, connections, each client's first scrypt) before anything is timed.
    await load(tokenSpec(noop.url, '/token', 'x'), 2);
    for (const server of [memory, peer, ...(onRedis === undefined ? [] : [onRedis])]) {
      for (const client of server === peer ? ['jwt-rs256', 'opaque'] : ['jwt-rs256', 'jwt-es256', 'jwe', 'jwe-dir', 'opaque']) {
        await load(tokenSpec(server.url, '/token', client), 1);
      }
    }
    notes.push(`RSA-2048 signatures per second on one core here (node:crypto): ${n(rsaSignaturesPerSecond())} — each RS256 ` +
      'token costs one, which bounds both RS256 rows whatever the issuer around it.');

    const limitToken = await bestOf(rounds, () => measured(noop, tokenSpec(noop.url, '/token', 'x'), seconds));
    const limitIntrospect = await bestOf(rounds, () => measured(noop, { ...tokenSpec(noop.url, '/introspect', 'x'), body: 'token=x' }, seconds));

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
      const measuredRows = await row(`POST /token client_credentials, ${label}`, contenders, rounds, limitToken);
      if (withPeer) {
        for (const m of measuredRows) {
          const ours = m.name === 'Tessera, memory store' ? memory : m.name === 'Tessera, Redis store' ? onRedis : undefined;
          if (ours !== undefined) m.paired = await pairedRatio(ours, tokenSpec(ours.url, '/token', client), peer, tokenSpec(peer.url, '/token', client), turns);
        }
      }
      rows.push(...measuredRows);
    }
    rows.push({ operation: 'POST /token (any)', name: 'no-op Koa route (limit)', figures: limitToken, limit: limitToken });

    const rotation: Contender[] = [{ name: 'Tessera, memory store', run: () => refreshRow(memory, seconds) }];
    if (onRedis !== undefined) rotation.push({ name: 'Tessera, Redis store', run: () => refreshRow(onRedis!, seconds) });
    rows.push(...await row('POST /token refresh_token (rotation, ES256 jwt)', rotation, rounds, limitToken));

    if (onRedis !== undefined && redis !== undefined) {
      // Round trips of a rotation without the rate-limit counter, with it counted in memory, and counted in Redis.
      const bare = await start('tessera-server.ts', { STORE: 'redis', REDIS_URL: redis.url, RATE_LIMIT: 'off' });
      const local = await start('tessera-server.ts', { STORE: 'redis', REDIS_URL: redis.url, RATE_LIMIT: 'memory' });
      servers.push(bare, local);
      const perRotation = async (server: ChildServer, perLogin: number): Promise<number> => {
        const before = await server.stats();
        const run = await refreshRow(server, 2);
        const after = await server.stats();
        return (after.roundTrips - before.roundTrips - 60 * perLogin) / run.ok; // refreshRow logs in 60 times first
      };
      const op = 'Redis round trips per rotation (goal 1)';
      for (const [name, server, perLogin] of [
        ['Tessera, rate limit off', bare, 1], ['Tessera, rate limit counted in memory', local, 1],
        ['Tessera, rate limit counted in Redis (coalesced: one increment per client and turn)', onRedis, 2],
      ] as const) {
        rows.push({ operation: op, name, note: (await perRotation(server, perLogin)).toFixed(2) });
      }
      // The opaque rows' Redis traffic: a turn's rate-limit count and look-ups (or writes) are one command.
      const perRequest = 'Redis commands per request, opaque token (20 connections; a turn\'s count and look-ups or writes are one command)';
      for (const [name, spec] of [
        ['POST /token client_credentials', tokenSpec(onRedis.url, '/token', 'opaque')],
        ['POST /introspect', await introspectSpec(onRedis, '/introspect', 'opaque')],
      ] as const) {
        const before = await onRedis.stats();
        const run = await load(spec, 2);
        const after = await onRedis.stats();
        rows.push({ operation: perRequest, name, note: ((after.commands - before.commands) / run.ok).toFixed(2) });
      }
    }

    for (const [label, client, withPeer] of [['opaque token', 'opaque', true], ['jwt ES256 token', 'jwt-es256', false]] as const) {
      const contenders: Contender[] = [{ name: 'Tessera, memory store', run: () => introspectRow(memory, '/introspect', client, seconds) }];
      if (onRedis !== undefined) contenders.push({ name: 'Tessera, Redis store', run: () => introspectRow(onRedis!, '/introspect', client, seconds) });
      if (withPeer) contenders.push({ name: 'node-oidc-provider 9', run: () => introspectRow(peer, '/token/introspection', client, seconds), peer: true });
      const measuredRows = await row(`POST /introspect, ${label}`, contenders, rounds, limitIntrospect);
      if (withPeer) {
        const peerSpec = await introspectSpec(peer, '/token/introspection', client);
        for (const m of measuredRows) {
          const ours = m.name === 'Tessera, memory store' ? memory : m.name === 'Tessera, Redis store' ? onRedis : undefined;
          if (ours !== undefined) m.paired = await pairedRatio(ours, await introspectSpec(ours, '/introspect', client), peer, peerSpec, turns);
        }
      }
      rows.push(...measuredRows);
    }
    rows.push({ operation: 'POST /introspect (any)', name: 'no-op Koa route (limit)', figures: limitIntrospect, limit: limitIntrospect });

    notes.push('', ...await whereTheGainComes(start, servers, noop, memory, turns));
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await redis?.destroy();
    cleanUp();
    pin.release();
  }
  return (
    `\nTessera bench: issuer — node ${process.version}, autocannon 20 connections, best of ${rounds} rounds × ${seconds} s ` +
    'per contender, servers in child processes; req/s and requests per CPU-second of the server process (higher is ' +
    `better; Redis's own CPU not counted); rate limit on, counted in the store; ${pin.description}; redis-server on the ` +
    `load generator's core at nice −10; last column: the median ` +
    `of ${turns} turns of 2 s in which Tessera and node-oidc-provider are loaded at the same time (10 connections each)\n\n` +
    `${format(rows)}${notes.length === 0 ? '' : `\n\n${notes.join('\n')}`}`
  );
}
