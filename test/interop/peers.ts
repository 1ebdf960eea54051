/**
 * Spawning the interop peers: the Debian python-jose / jwcrypto / PyJWT and go-jose v2 libraries, driven by the
 * scripts under `peers/`. Each peer runs once per batch (JSON jobs on stdin, JSON results on stdout), never once per
 * token, so the whole matrix costs a handful of process starts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The line that installs every peer (Debian/Ubuntu). */
export const APT_LINE =
  'apt-get install -y python3-jose python3-jwcrypto python3-jwt golang-go golang-gopkg-square-go-jose.v2-dev';

const HERE = dirname(fileURLToPath(import.meta.url));
const PY_DIR = join(HERE, 'peers', 'python');
const GO_DIR = join(HERE, 'peers', 'go');

/** Whether a peer can run here, and if not, why. */
export interface PeerStatus {
  readonly name: 'python' | 'go';
  readonly available: boolean;
  /** Versions when available; the reason when not. */
  readonly detail: string;
}

/** One job for a peer script; `id` ties the result back to it. */
export interface PeerJob {
  id: string;
  op: string;
  [field: string]: unknown;
}

/** One result: `ok` with the op's fields, or `ok: false` with the peer library's error text. */
export interface PeerResult {
  id: string;
  ok: boolean;
  error?: string;
  [field: string]: unknown;
}

/** The python3 that has the Debian packages: `TESSERA_INTEROP_PYTHON`, else /usr/bin/python3, else PATH's. */
export function pythonExecutable(): string {
  const fromEnv = process.env.TESSERA_INTEROP_PYTHON;
  if (fromEnv) return fromEnv;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Checks that python3 imports python-jose, jwcrypto and PyJWT. */
export function detectPython(): PeerStatus {
  const probe = 'import jose, jwcrypto, jwt; from importlib.metadata import version as v; ' +
    'print(", ".join("%s %s" % (p, v(p)) for p in ("python-jose", "jwcrypto", "PyJWT")))';
  const run = spawnSync(pythonExecutable(), ['-c', probe], { encoding: 'utf8', timeout: 15_000 });
  if (run.error) return { name: 'python', available: false, detail: `${pythonExecutable()}: ${run.error.message}` };
  if (run.status !== 0) {
    const last = run.stderr.trim().split('\n').pop() ?? 'import failed';
    return { name: 'python', available: false, detail: last };
  }
  return { name: 'python', available: true, detail: run.stdout.trim() };
}

function goEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH: process.env.GOPATH ?? '/usr/share/gocode',
    GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'tessera-interop-gocache'),
    GOFLAGS: '',
  };
}

/** Checks that `go` runs and that go-jose v2 is on GOPATH. */
export function detectGo(): PeerStatus {
  const run = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 15_000 });
  if (run.error || run.status !== 0) return { name: 'go', available: false, detail: 'go: command not found' };
  const gopath = goEnv().GOPATH ?? '';
  const found = gopath.split(':').some((p) => existsSync(join(p, 'src', 'gopkg.in', 'square', 'go-jose.v2', 'jwe.go')));
  if (!found) return { name: 'go', available: false, detail: `gopkg.in/square/go-jose.v2 not under GOPATH=${gopath}` };
  return { name: 'go', available: true, detail: `${run.stdout.trim()}, go-jose v2` };
}

/** Runs a command with `input` on stdin and resolves with its stdout (rejects with stderr on a non-zero exit). */
function pipe(command: string, args: string[], input: string, env?: NodeJS.ProcessEnv, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8')}`));
    });
    child.stdin.end(input);
  });
}

function parseResults(stdout: string, jobs: readonly PeerJob[], who: string): Map<string, PeerResult> {
  const parsed = JSON.parse(stdout) as { results: PeerResult[] };
  const byId = new Map(parsed.results.map((r) => [r.id, r]));
  for (const job of jobs) {
    if (!byId.has(job.id)) throw new Error(`${who} returned no result for job ${job.id}`);
  }
  return byId;
}

/** Runs one batch through `peers/python/<script>.py` in a single python3 process. */
export async function runPython(script: 'gen' | 'check', jobs: readonly PeerJob[]): Promise<Map<string, PeerResult>> {
  if (jobs.length === 0) return new Map();
  const path = join(PY_DIR, `${script}.py`);
  // No __pycache__ next to the scripts: the suite must leave the working tree as it found it.
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  const stdout = await pipe(pythonExecutable(), [path], JSON.stringify({ jobs }), env, PY_DIR);
  return parseResults(stdout, jobs, `python ${script}.py`);
}

let goBuild: Promise<{ gen: string; check: string }> | undefined;

/**
 * Builds `peers/go/gen` and `peers/go/check` once per run into a temp directory keyed by a hash of their sources
 * and the Go version, so an unchanged checker is not rebuilt on the next run.
 */
export function buildGo(): Promise<{ gen: string; check: string }> {
  goBuild ??= (async () => {
    const hash = createHash('sha256');
    for (const part of ['gen', 'check']) hash.update(readFileSync(join(GO_DIR, part, 'main.go')));
    hash.update(spawnSync('go', ['version'], { encoding: 'utf8' }).stdout ?? '');
    const dir = join(tmpdir(), `tessera-interop-go-${hash.digest('hex').slice(0, 16)}`);
    mkdirSync(dir, { recursive: true });
    const bins = { gen: join(dir, 'gen'), check: join(dir, 'check') };
    await Promise.all((['gen', 'check'] as const).map(async (part) => {
      if (existsSync(bins[part])) return;
      // Build under a temporary name and rename, so an interrupted build never leaves a half-written binary.
      const partial = `${bins[part]}.${process.pid}.tmp`;
      await pipe('go', ['build', '-o', partial, `./${part}`], '', goEnv(), GO_DIR);
      renameSync(partial, bins[part]);
    }));
    return bins;
  })();
  return goBuild;
}

/** Runs one batch through the built go-jose `gen` or `check` binary. */
export async function runGo(part: 'gen' | 'check', jobs: readonly PeerJob[]): Promise<Map<string, PeerResult>> {
  if (jobs.length === 0) return new Map();
  const bins = await buildGo();
  const stdout = await pipe(bins[part], [], JSON.stringify({ jobs }));
  return parseResults(stdout, jobs, `go ${part}`);
}
