// The README documents what the CLI does: every command's flag table lists exactly that command's options, and the
// quick start runs as written (in bash, against the CLI as a child process).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMON_OPTIONS } from '../src/lib/args.js';
import { COMMANDS } from '../src/run.js';
import { cliProcessEntry, ROOT, tempDir, useCliProcess } from './helpers.js';

const readme = readFileSync(join(ROOT, 'packages', 'cli', 'README.md'), 'utf8');
const dir = tempDir();
useCliProcess();

function section(title: string): string {
  const start = readme.indexOf(`\n${title}\n`);
  if (start < 0) throw new Error(`README has no "${title}" section`);
  const next = readme.slice(start + title.length + 2).search(/\n#{2,3} /);
  return next < 0 ? readme.slice(start) : readme.slice(start, start + title.length + 2 + next);
}

describe('README', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('documents every flag of "%s", and no other', (name, command) => {
    const rows = section(`### \`tessera ${name}\``).split('\n').filter((line) => line.startsWith('| `'));
    const documented = new Set(rows.flatMap((row) => [...row.split(' | ')[0]!.matchAll(/`(?:-\w, )?--([a-z-]+)/g)].map((m) => m[1]!)));
    const options = command.raw === true ? Object.keys(command.options) : [...Object.keys(command.options), ...Object.keys(COMMON_OPTIONS)];
    expect([...documented].sort()).toEqual([...new Set(options)].sort());
  });

  it('documents the three exit statuses and the JSON shape of every command', () => {
    const exit = section('## Exit status');
    for (const status of ['`0`', '`1`', '`2`']) expect(exit).toContain(`| ${status} |`);
    const json = section('## JSON output');
    for (const command of COMMANDS.filter((c) => c.raw !== true)) expect(json).toContain(`| \`${command.name}\``);
  });

  it('runs the quick start as written', async () => {
    const script = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    const shell = `set -euo pipefail\ntessera() { "${process.execPath}" "${cliProcessEntry()}" "$@"; }\n${script}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', shell], { cwd: dir, env: { PATH: process.env['PATH'] } });
    expect(stdout).toContain('UNVERIFIED: inspect decodes without checking any signature or claim');
    expect(stdout).toContain('Expiry:     expires in 9 minutes');
    expect(stdout).toContain('\nvalid\n');
    expect(stdout).toContain('{\n  "user": "john.doe",\n  "role": "admin"\n}\n');
    expect(JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1))).toMatchObject({ sub: 'user-1' });
  });
});
