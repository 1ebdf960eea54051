// Real Redis for tests: `startRedisServer()` runs one `redis-server` on a free 127.0.0.1 port, `startRedisCluster(3)`
// runs a 3-master Redis Cluster on free loopback ports. No persistence, each server in its own temp dir, stopped by
// PID (on `stop()`, and on process exit as a safety net). Gate suites with
// `systemPeer('redis-server', hasCommand('redis-server'))` from ./system-peer.ts.
//
//   const redis = await startRedisServer();       // in beforeAll
//   new Redis(redis.url); …
//   await redis.stop();                           // in afterAll
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One running (or stopped, restartable) `redis-server`. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** PID of the current process; changes on `restart()`; `undefined` while stopped. */
  readonly pid: number | undefined;
  /**
   * Stops the server by PID (SIGTERM, SIGKILL after 2 s) and waits for it to exit; `restart()` can bring it back.
   * Idempotent. Its temp dir goes with `destroy()` or at process exit.
   */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would; waits for the exit. For fault tests. */
  kill(): Promise<void>;
  /** Starts a stopped server again on the same port and dir (a cluster node keeps its nodes.conf and rejoins). */
  restart(): Promise<void>;
  /** Stops the server for good and removes its temp dir. */
  destroy(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface StartRedisOptions {
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  args?: readonly string[];
  /** The port to listen on (e.g. one a test reserved earlier with {@link freePort}). @default a free port */
  port?: number;
  /** How long to wait for the server to answer PING, in ms. @default 10000 */
  readyTimeoutMs?: number;
}

const HOST = '127.0.0.1' as const;
const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let exitHookInstalled = false;

/** Kills every server still running when the test process exits (a failed test must not leak servers). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** A port the OS says is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Encodes a command as a RESP array. */
function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/**
 * Sends one command over a fresh connection and resolves with the reply's text (simple string, bulk string or
 * integer); rejects on an error reply, a refused connection or after `timeoutMs`. Enough for readiness checks.
 */
export function redisCommand(port: number, args: readonly string[], timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: HOST, port });
    let buffer = '';
    const done = (error: Error | undefined, value?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value as string);
    };
    const timer = setTimeout(() => done(new Error(`redis ${HOST}:${port} did not answer in ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('error', (error) => done(error));
    socket.on('connect', () => socket.write(encode(args)));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const eol = buffer.indexOf('\r\n');
      if (eol < 0) return;
      const head = buffer.slice(1, eol);
      if (buffer[0] === '-') return done(new Error(head));
      if (buffer[0] === '+' || buffer[0] === ':') return done(undefined, head);
      if (buffer[0] === '$') {
        const length = Number(head);
        if (length < 0) return done(undefined, '');
        const body = Buffer.from(buffer.slice(eol + 2), 'utf8');
        if (body.length >= length + 2) done(undefined, body.subarray(0, length).toString('utf8'));
        return;
      }
      done(new Error(`unexpected reply from redis: ${JSON.stringify(buffer.slice(0, 40))}`));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 25 ms until it resolves true, or throws after `timeoutMs` with `what` and the last error. */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await sleep(25);
  }
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Builds a server handle around a port and dir; `launch()` (re)starts the process. */
function createHandle(port: number, dir: string, args: readonly string[], readyTimeoutMs: number): RedisServer & {
  launch(): Promise<void>;
} {
  let child: ChildProcess | undefined;
  const logfile = join(dir, 'redis.log');

  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const current = child;
    if (current === undefined) return;
    child = undefined;
    if (current.exitCode === null && current.signalCode === null && current.pid !== undefined) {
      try {
        process.kill(current.pid, signal);
      } catch {
        // already gone
      }
      const forced = setTimeout(() => {
        try {
          if (current.pid !== undefined) process.kill(current.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 2000);
      await waitExit(current);
      clearTimeout(forced);
    }
    live.delete(current);
  };

  const handle = {
    url: `redis://${HOST}:${port}`,
    host: HOST,
    port,
    get pid() {
      return child?.pid;
    },
    async launch() {
      if (child !== undefined) return;
      installExitHook();
      const spawned = spawn(
        'redis-server',
        [
          '--bind', HOST, '--port', String(port), '--dir', dir, '--logfile', logfile,
          '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes',
          ...args,
        ],
        { stdio: 'ignore' },
      );
      child = spawned;
      live.add(spawned);
      let exited = false;
      spawned.once('exit', () => {
        exited = true;
        live.delete(spawned);
      });
      spawned.once('error', () => {
        exited = true;
      });
      try {
        await waitFor(`redis-server on ${HOST}:${port}`, readyTimeoutMs, async () => {
          if (exited) throw new Error('redis-server exited');
          return (await redisCommand(port, ['PING'], 500)) === 'PONG';
        });
      } catch (error) {
        await halt('SIGKILL');
        let log = '';
        try {
          log = readFileSync(logfile, 'utf8').split('\n').slice(-15).join('\n');
        } catch {
          // no log written
        }
        throw new Error(`${(error as Error).message}\n${log}`, { cause: error });
      }
    },
    stop: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGTERM');
      await handle.launch();
    },
    async destroy() {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
  };
  return handle;
}

/**
 * Starts a `redis-server` on a free 127.0.0.1 port with no persistence (`--save '' --appendonly no`) in its own temp
 * dir, and resolves once it answers PING. Call `stop()` (or `destroy()`) in `afterAll`; a process exit kills it too.
 * @example
 * const redis = await startRedisServer();
 * const client = new Redis(redis.url);
 */
export async function startRedisServer(options: StartRedisOptions = {}): Promise<RedisServer> {
  const { args = [], readyTimeoutMs = 10_000, port } = options;
  // A port picked free can be taken before redis binds it; try a few.
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-redis-'));
    dirs.add(dir);
    const handle = createHandle(port ?? (await freePort()), dir, args, readyTimeoutMs);
    try {
      await handle.launch();
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
      if (attempt >= 3 || port !== undefined) throw error;
      continue;
    }
    return handle;
  }
}

/** A running Redis Cluster of masters without replicas. */
export interface RedisCluster {
  /** The masters, in creation order (slots split evenly between them by `redis-cli --cluster create`). */
  readonly nodes: readonly RedisServer[];
  /** `{ host, port }` of every node: what `new Redis.Cluster(startupNodes)` takes. */
  readonly startupNodes: ReadonlyArray<{ host: string; port: number }>;
  /** Resolves once every running node reports `cluster_state:ok`. */
  waitUntilOk(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes their dirs. */
  stop(): Promise<void>;
}

function run(file: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Starts a Redis Cluster of `masters` nodes (`--cluster-enabled yes`, no replicas) on free loopback ports, joined
 * with `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`, and resolves once every node reports
 * `cluster_state:ok`. A node stopped with `nodes[i].stop()` can come back with `nodes[i].restart()` and rejoins (it
 * keeps its `nodes.conf`); with no replicas its slots are unavailable meanwhile.
 * @param masters - how many masters (at least 3, as redis-cli requires)
 * @param options - `nodeTimeoutMs` (`cluster-node-timeout`, default 1000) and extra server `args`
 */
export async function startRedisCluster(
  masters = 3,
  options: { nodeTimeoutMs?: number; args?: readonly string[] } = {},
): Promise<RedisCluster> {
  const { nodeTimeoutMs = 1000, args = [] } = options;
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      // The cluster bus port is set explicitly (Redis ≥ 7) rather than the implicit port + 10000, which may be taken.
      const busPort = await freePort();
      nodes.push(
        await startRedisServer({
          args: [
            '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
            '--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-port', String(busPort),
            ...args,
          ],
        }),
      );
    }
    await run(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((n) => `${HOST}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      30_000,
    );
  } catch (error) {
    await Promise.all(nodes.map((n) => n.destroy()));
    throw error;
  }
  const cluster: RedisCluster = {
    nodes,
    startupNodes: nodes.map((n) => ({ host: HOST, port: n.port })),
    async waitUntilOk(timeoutMs = 15_000) {
      await waitFor('cluster_state:ok on every node', timeoutMs, async () => {
        for (const node of nodes) {
          if (node.pid === undefined) continue;
          const info = await redisCommand(node.port, ['CLUSTER', 'INFO']);
          if (!/cluster_state:ok/.test(info)) return false;
        }
        return true;
      });
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.destroy()));
    },
  };
  try {
    await cluster.waitUntilOk();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
