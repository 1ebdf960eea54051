// `npm start` itself (scripts/start.mjs) as a child process: the first URL it prints is the one to open and answers;
// SIGTERM and SIGINT stop everything with exit status 0; --help and bad arguments.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/?/;

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start(args: readonly string[]): Started {
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], {
    cwd: root, env: { ...process.env, REDIS_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, output: () => out, exited };
}

async function waitFor(started: Started, what: RegExp, timeoutMs = 45_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!what.test(started.output())) {
    if (started.child.exitCode !== null) throw new Error(`npm start exited ${started.child.exitCode}:\n${started.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return started.output();
}

describe('npm start (scripts/start.mjs)', () => {
  it('prints the SPA\'s URL first, which answers, then stops cleanly on SIGTERM', async () => {
    const started = start(['--port', '0', '--quiet']);
    const output = await waitFor(started, /Ctrl-C stops everything\./);
    const first = URL_PATTERN.exec(output)![0];
    expect(output.slice(0, output.indexOf(first))).toMatch(/^\s*Open $/);
    const page = await fetch(first);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const issuer = /issuer {7}(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    expect((await fetch(`${issuer}/health`)).status).toBe(200);

    started.child.kill('SIGTERM');
    expect(await started.exited).toEqual({ code: 0, signal: null });
    expect(started.output()).toContain('SIGTERM: stopping the demo…\nstopped.\n');
    await expect(fetch(first)).rejects.toThrow();
  }, 60_000);

  it('starts an issuer alone with --issuer-only and stops on SIGINT', async () => {
    const started = start(['--issuer-only', '--port', '0', '--quiet']);
    const output = await waitFor(started, /Ctrl-C stops it\./);
    const issuer = /Issuer (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    expect((await fetch(`${issuer}/.well-known/oauth-authorization-server`)).status).toBe(200);
    started.child.kill('SIGINT');
    expect(await started.exited).toEqual({ code: 0, signal: null });
  });

  it('prints its usage for --help (exit 0) and refuses a bad argument (exit 2)', async () => {
    const help = start(['--help']);
    const bad = start(['--port', 'eighty']);
    const unknown = start(['--frobnicate']);
    const [helped, refused, unknownRefused] = await Promise.all([help.exited, bad.exited, unknown.exited]);
    expect(helped).toEqual({ code: 0, signal: null });
    expect(help.output()).toMatch(/^Usage: npm start \[-- options\]\n/);
    expect(help.output()).toContain('--access-ttl <s>');
    expect(refused).toEqual({ code: 2, signal: null });
    expect(bad.output()).toBe('npm start: --port must be a whole number from 0 to 65532, not "eighty"\nSee: npm start -- --help\n');
    expect(unknownRefused).toEqual({ code: 2, signal: null });
    expect(unknown.output()).toMatch(/^npm start: Unknown option '--frobnicate'/);
  });
});
