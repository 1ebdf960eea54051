// The command line as a whole: the help, the dispatcher, and the few things only a real process shows — exit
// statuses, a pipe on stdin, and that nothing (a JWKS fetch's socket) keeps the process alive after the answer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, signJwt, type GeneratedKeyPair } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/run.js';
import { jsonOf, runCli, spawnCli, tempDir, useCliProcess, writeIn } from './helpers.js';

const dir = tempDir();
useCliProcess();
let es: GeneratedKeyPair;
let server: Server;
let jwksUrl: string;

beforeAll(async () => {
  es = await generateKeyPair('ES256');
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [es.publicJwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('tessera (in-process)', () => {
  it('--help lists every command; help <command> and <command> --help print the command\'s help', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toContain(`  ${command.name} `);
    expect(help.stdout).toContain('Exit status: 0 done (token valid), 1 token rejected, 2 usage or key error.');
    for (const command of COMMANDS) {
      const a = await runCli(['help', command.name]);
      const b = await runCli([command.name, '--help']);
      expect(a).toMatchObject({ code: 0, stderr: '' });
      expect(b.stdout).toBe(a.stdout);
      expect(a.stdout).toMatch(new RegExp(`^Usage: tessera ${command.name}`));
      for (const option of Object.keys(command.options)) expect(a.stdout, `${command.name} --${option}`).toContain(`--${option}`);
    }
  });

  it('no command → the help on stderr, exit 2; an unknown command → exit 2; --version prints the version', async () => {
    const none = await runCli([]);
    expect(none).toMatchObject({ code: 2, stdout: '' });
    expect(none.stderr).toContain('Usage: tessera <command> [options]');
    const unknown = await runCli(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(jsonOf(unknown)).toEqual({ error: 'usage', message: 'unknown command "frobnicate"; commands: keygen, inspect, sign, verify, encrypt, decrypt, demo' });
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('--json puts exactly one object on stdout and nothing on stderr, also for failures', async () => {
    for (const argv of [['keygen', '--alg', 'ES256', '--json'], ['verify', '--json', 'x'], ['inspect', '--json', '-'], ['sign', '--bogus', '--json']]) {
      const result = await runCli(argv);
      expect(result.stderr, argv.join(' ')).toBe('');
      expect(() => jsonOf(result)).not.toThrow();
      expect(result.stdout.trim().split('\n').at(-1)).toBe('}');
    }
  });
});

describe('tessera (child processes)', () => {
  it('keygen → sign → verify through files and a stdin pipe, with real exit statuses', async () => {
    const key = await spawnCli(['keygen', '--alg', 'ES256', '--out', 'sig.json'], { cwd: dir });
    expect(key.code).toBe(0);
    const signed = await spawnCli(['sign', '--key', 'sig.json', '--sub', 'user-1', '--aud', 'api'], { cwd: dir });
    expect(signed.code).toBe(0);
    const ok = await spawnCli(['verify', '--key', 'sig.pub.json', '--aud', 'api', '--json', '-'], { cwd: dir, stdin: signed.stdout });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ sub: 'user-1', aud: 'api' });
    const rejected = await spawnCli(['verify', '--key', 'sig.pub.json', '--aud', 'other', '-'], { cwd: dir, stdin: signed.stdout });
    expect(rejected).toMatchObject({ code: 1, stdout: '' });
    expect(rejected.stderr).toBe('tessera verify: "aud" claim does not contain an expected audience (claim_invalid)\n');
  });

  it('exit 2 for a bad flag, with the usage hint', async () => {
    const result = await spawnCli(['verify', '--kye', 'x']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('tessera verify: unknown option --kye\nRun "tessera verify --help" for usage.\n');
  });

  it('verifies against a JWKS URL served on 127.0.0.1, and the process ends', async () => {
    const token = await signJwt({}, es.privateKey, { subject: 'remote', expiresIn: 60 });
    const result = await spawnCli(['verify', '--key', jwksUrl, '--json', token]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sub: 'remote' });
  });

  it('reads a key from a file named without @, and reports a missing one', async () => {
    writeIn(dir, 'pub.json', JSON.stringify(es.publicJwk));
    const token = await signJwt({}, es.privateKey, { subject: 's', expiresIn: 60 });
    expect((await spawnCli(['verify', '--key', 'pub.json', token], { cwd: dir })).code).toBe(0);
    const missing = await spawnCli(['verify', '--key', 'nope.json', token], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--key: no such file "nope.json"');
  });
});
