/**
 * Test helpers: the CLI run in-process with captured streams (fast), the CLI run as a real child process (the
 * handful of tests about processes: exit statuses, stdin pipes, sockets closed), temporary folders, and tokens minted
 * with core.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import type { CliIo, ForwardedSignal } from '../src/lib/io.js';
import { run } from '../src/run.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The CLI's source entry. */
export const BIN = join(ROOT, 'packages', 'cli', 'src', 'bin.ts');

/**
 * Child-process tests run src/bin.ts bundled once per test file by esbuild (with `@tessera/core` from its source, as
 * the vitest aliases give it): the same code as `node --import tsx src/bin.ts`, without tsx compiling the CLI and core
 * again in every child. The bundle sits under node_modules so it resolves jose and lru-cache like the packages do.
 */
let bundle: string | undefined;

/** Builds the bundle before the file's tests and removes it after them. */
export function useCliProcess(): void {
  const dir = join(ROOT, 'node_modules', '.cache', 'tessera-cli-test');
  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const outdir = mkdtempSync(join(dir, 'bin-'));
    bundle = join(outdir, 'tessera.mjs');
    await build({
      entryPoints: [BIN],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      alias: { '@tessera/core': join(ROOT, 'packages', 'core', 'src', 'index.node.ts') },
      logLevel: 'error',
    });
  });
  afterAll(() => {
    if (bundle !== undefined) rmSync(dirname(bundle), { recursive: true, force: true });
    bundle = undefined;
  });
}

/** What a run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli} and {@link spawnCli}. */
export interface RunOptions {
  stdin?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** In-process only: the clock. */
  now?: () => number;
}

/** Runs the CLI in this process, with captured output. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliResult & { bytes: Uint8Array }> {
  let stdout = '';
  let stderr = '';
  const raw: Uint8Array[] = [];
  const decoder = new TextDecoder();
  const input = options.stdin;
  const io: CliIo = {
    stdout: (chunk) => {
      raw.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
      stdout += typeof chunk === 'string' ? chunk : decoder.decode(chunk);
    },
    stderr: (chunk) => {
      stderr += typeof chunk === 'string' ? chunk : decoder.decode(chunk);
    },
    stdin: (async function* () {
      if (input !== undefined) yield input;
    })(),
    env: options.env ?? {},
    cwd: options.cwd ?? ROOT,
    now: options.now ?? Date.now,
    onSignal: () => () => undefined,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr, bytes: Buffer.concat(raw) };
}

/** Runs the CLI as a child process (see {@link useCliProcess}), by default from the repository root. */
export function spawnCli(argv: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  if (bundle === undefined) throw new Error('call useCliProcess() in the test file first');
  const entry = bundle;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...argv], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env['PATH'], ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** The path of the bundled CLI (see {@link useCliProcess}), for shell scripts. */
export function cliProcessEntry(): string {
  if (bundle === undefined) throw new Error('call useCliProcess() in the test file first');
  return bundle;
}

/** Parses the one JSON object a `--json` run printed (and checks that it is exactly one). */
export function jsonOf<T = Record<string, unknown>>(result: CliResult): T {
  const value: unknown = JSON.parse(result.stdout);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not one JSON object');
  return value as T;
}

/** A temporary folder, removed after the file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` to `name` in `dir` and returns the path. */
export function writeIn(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A signal source for `onSignal` that tests fire by hand. */
export function signalSource(): { onSignal: CliIo['onSignal']; fire: (signal: ForwardedSignal) => void } {
  const listeners = new Set<(signal: ForwardedSignal) => void>();
  return {
    onSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire(signal) {
      for (const listener of listeners) listener(signal);
    },
  };
}

/** Base64url of a JSON value (to hand-craft tokens the library would never write). */
export function b64json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
