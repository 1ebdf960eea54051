import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runNpmStart } from '../src/commands/demo.js';
import { cliPackageDir, tesseraCheckout } from '../src/lib/package-root.js';
import { ROOT, runCli, signalSource, tempDir, writeIn } from './helpers.js';

const dir = tempDir();

/** A checkout whose `npm start` records its arguments and the signals it gets, then waits to be stopped. */
function fakeCheckout(name: string): { root: string; log: string } {
  const root = join(dir, name);
  mkdirSync(root);
  const log = join(root, 'log.txt');
  writeIn(root, 'package.json', JSON.stringify({ name: 'fake', private: true, scripts: { start: 'node start.mjs' } }));
  writeIn(root, 'start.mjs', [
    "import { appendFileSync } from 'node:fs';",
    `const log = (line) => appendFileSync(${JSON.stringify(log)}, line + '\\n');`,
    "log('args ' + JSON.stringify(process.argv.slice(2)));",
    "for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => { log('got ' + s); process.exit(0); });",
    "if (process.argv.includes('--exit-3')) process.exit(3);",
    'setInterval(() => {}, 1000);',
  ].join('\n'));
  return { root, log };
}

async function waitFor(file: string, text: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return;
    await sleep(50);
  }
  throw new Error(`"${text}" never appeared`);
}

describe('tessera demo', () => {
  it('finds the checkout it lives in, and no checkout for a CLI installed elsewhere', () => {
    expect(tesseraCheckout()).toBe(ROOT.replace(/\/$/, ''));
    const installed = join(dir, 'project', 'node_modules', '@tessera', 'cli');
    mkdirSync(installed, { recursive: true });
    writeIn(join(dir, 'project'), 'package.json', JSON.stringify({ name: 'app', workspaces: ['x'], scripts: { start: 'x' } }));
    expect(tesseraCheckout(installed)).toBeUndefined();
    // A checkout that holds this package through a symlink still counts as its own.
    const linked = join(dir, 'linked');
    mkdirSync(join(linked, 'packages'), { recursive: true });
    symlinkSync(cliPackageDir(), join(linked, 'packages', 'cli'));
    writeIn(linked, 'package.json', JSON.stringify({ name: 'tessera', workspaces: ['packages/*'], scripts: { start: 'x' } }));
    expect(tesseraCheckout(join(linked, 'packages', 'cli'))).toBe(linked);
  });

  it('runs npm start with the arguments and forwards a signal to the whole demo', async () => {
    const { root, log } = fakeCheckout('signals');
    const signals = signalSource();
    const done = runNpmStart(root, ['--issuer-only', '--port', '4000'], { onSignal: signals.onSignal, env: { PATH: process.env['PATH'] } });
    await waitFor(log, 'args');
    signals.fire('SIGTERM');
    const code = await done;
    const lines = readFileSync(log, 'utf8');
    expect(lines).toBe('args ["--issuer-only","--port","4000"]\ngot SIGTERM\n');
    // npm itself dies of the signal it was sent: 128 + 15.
    expect(code).toBe(143);
  });

  it('exits with the demo\'s own status', async () => {
    const { root } = fakeCheckout('status');
    const code = await runNpmStart(root, ['--exit-3'], { onSignal: () => () => undefined, env: { PATH: process.env['PATH'] } });
    expect(code).toBe(3);
  });

  it('--help prints its help instead of starting anything', async () => {
    const result = await runCli(['demo', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: tessera demo \[demo arguments…\]/);
    expect(result.stdout).toContain('tessera demo -- --issuer-only --port 4000');
  });
});
