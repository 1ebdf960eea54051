import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from '../lib/command.js';
import { type ExitCode, UsageError } from '../lib/errors.js';
import type { CliIo } from '../lib/io.js';
import { tesseraCheckout } from '../lib/package-root.js';

/**
 * Runs `npm start -- <args>` in `root` and waits for it. npm runs in its own process group, and the signals the CLI
 * receives (SIGINT, SIGTERM, SIGHUP) go to that whole group — npm, its shell and the demo — exactly once: npm alone
 * would neither forward SIGTERM nor SIGINT to the script it runs.
 * @param root - the Tessera checkout
 * @param args - arguments for the demo
 * @param io - stdout/stderr are inherited from the process; signals come from `io.onSignal`
 * @param npm - the npm executable
 * @returns the demo's exit status; 128 + the signal number when a signal ended it
 */
export async function runNpmStart(root: string, args: readonly string[], io: Pick<CliIo, 'onSignal' | 'env'>, npm = 'npm'): Promise<ExitCode> {
  const child = spawn(npm, ['start', '--silent', '--', ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
    env: { ...io.env } as NodeJS.ProcessEnv,
  });
  const unsubscribe = io.onSignal((signal) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already: nothing left to stop.
    }
  });
  try {
    return await new Promise<ExitCode>((resolve, reject) => {
      child.once('error', (err) => reject(new UsageError(`cannot run npm (${(err as { code?: string }).code ?? err.name})`)));
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))));
    });
  } finally {
    unsubscribe();
  }
}

/** `tessera demo`: what `npm start` runs, from the Tessera checkout the CLI lives in. */
export const demo: Command = {
  name: 'demo',
  summary: 'run the Tessera demo (npm start in the checkout this CLI lives in), forwarding arguments and signals',
  usage: ['demo [demo arguments…]'],
  description: [
    'Runs "npm start" in the Tessera checkout this CLI belongs to, passing every argument on (--issuer-only,',
    '--port …) and forwarding Ctrl-C (SIGINT), SIGTERM and SIGHUP to the whole demo. Exits with the demo\'s status.',
    'A CLI installed from a registry has no checkout: clone the repository and run "npm start" there.',
    'Arguments are passed as they are; to pass --help to the demo itself, write "tessera demo -- --help".',
  ].join('\n'),
  options: { help: { type: 'boolean', short: 'h', description: 'show this help (only as the first argument)' } },
  examples: ['tessera demo', 'tessera demo -- --issuer-only --port 4000'],
  raw: true,
  async run({ argv, io }) {
    const root = tesseraCheckout();
    if (root === undefined) {
      throw new UsageError('this tessera is not inside a Tessera checkout; clone the repository and run "npm start" there');
    }
    return runNpmStart(root, argv[0] === '--' ? argv.slice(1) : argv, io);
  },
};
