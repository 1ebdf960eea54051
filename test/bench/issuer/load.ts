// Runs servers in child processes and loads them with autocannon.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { build } from 'esbuild';

/** What a bench server reports about itself. */
export interface ServerStats {
  readonly roundTrips: number;
  readonly commands: number;
  /** User + system CPU time of the server process so far, in microseconds. */
  readonly cpuMicros: number;
}

/** A bench server in its own process. */
export interface ChildServer {
  readonly url: string;
  /** The Redis store's round trips and commands so far (0 for other stores), and the process's CPU time (µs). */
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

const bundles = new Map<string, Promise<string>>();
let scratch: string | undefined;

/**
 * Compiles a server file to plain JavaScript once (esbuild, dependencies left as imports), so the server runs on plain
 * `node` as users run it — no TypeScript loader hooks in the measured process — and `@tessera/*` resolve through
 * node_modules to the built packages.
 */
function compiled(file: string): Promise<string> {
  let out = bundles.get(file);
  if (out === undefined) {
    scratch ??= mkdtempSync(join(fileURLToPath(new URL('../../../node_modules/', import.meta.url)), '.bench-issuer-'));
    const outfile = join(scratch, file.replace(/\.ts$/, '.mjs'));
    out = build({
      entryPoints: [fileURLToPath(new URL(file, import.meta.url))], outfile, bundle: true, platform: 'node',
      // No tsconfig: its `paths` would pull @tessera/* sources into the bundle instead of importing the builds.
      format: 'esm', target: 'node20', packages: 'external', tsconfigRaw: {}, logLevel: 'silent',
    }).then(() => outfile);
    bundles.set(file, out);
  }
  return out;
}

/** Removes the compiled servers. */
export function cleanUp(): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
  bundles.clear();
}

/**
 * Starts `file` (a sibling of this module) on plain node and waits for its `{ type: 'ready', url }`.
 * @param started - called with the child's PID at once (the bench pins it to its core)
 */
export async function startChild(file: string, env: Record<string, string> = {}, started: (pid: number | undefined) => void = () => undefined): Promise<ChildServer> {
  const child: ChildProcess = fork(await compiled(file), {
    execArgv: [], // not the bench's own `--import tsx`
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  started(child.pid);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start in 60 s: ${stderr}`)), 60_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${file} exited with ${code}: ${stderr}`)); });
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m.type === 'ready' && typeof m.url === 'string') {
        clearTimeout(timer);
        resolve(m.url);
      }
    });
  });
  return {
    url,
    stats: () => new Promise((resolve) => {
      const onMessage = (m: { type?: string; roundTrips?: number; commands?: number; cpuMicros?: number }) => {
        if (m.type !== 'stats') return;
        child.off('message', onMessage);
        resolve({ roundTrips: m.roundTrips ?? 0, commands: m.commands ?? 0, cpuMicros: m.cpuMicros ?? 0 });
      };
      child.on('message', onMessage);
      child.send({ type: 'stats' });
    }),
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}

/** One load run: requests per second (2xx only; any other answer fails the row). */
export interface LoadResult {
  readonly rps: number;
  readonly ok: number;
}

/** What to send. `next` builds each request; `onBody` sees each answer (refresh rotation keeps its token chain). */
export interface LoadSpec {
  readonly url: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly next?: () => string | undefined;
  readonly onBody?: (status: number, body: string) => void;
}

/** Loads a server with autocannon (20 connections) for `seconds` and returns its 2xx throughput. */
export async function load(spec: LoadSpec, seconds: number, connections = 20): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    connections,
    duration: seconds,
    requests: [{
      method: 'POST',
      path: spec.path,
      headers: spec.headers,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      ...(spec.next === undefined ? {} : {
        setupRequest: (request: Record<string, unknown>) => {
          const body = spec.next!();
          return body === undefined ? request : { ...request, body };
        },
      }),
      ...(spec.onBody === undefined ? {} : { onResponse: (status: number, body: string) => spec.onBody!(status, body) }),
    }],
  } as autocannon.Options);
  const ok = result['2xx'];
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0 || ok === 0) throw new Error(`${spec.url}${spec.path}: ${ok} ok, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return { rps: ok / seconds, ok };
}
