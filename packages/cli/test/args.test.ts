import { describe, expect, it } from 'vitest';
import { parseCommandArgs, type OptionSpecs } from '../src/lib/args.js';
import { readKeySource } from '../src/lib/key-source.js';
import { runCli } from './helpers.js';

const specs: OptionSpecs = {
  key: { type: 'string', description: '' },
  alg: { type: 'string', list: true, description: '' },
  aud: { type: 'string', multiple: true, description: '' },
  json: { type: 'boolean', description: '' },
  'clock-tolerance': { type: 'string', description: '' },
};

describe('parseCommandArgs', () => {
  it('splits list options on commas, keeps repeatable ones whole, and leaves positionals in order', () => {
    const args = parseCommandArgs(['--alg', 'ES256, RS256', '--alg', 'dir', '--aud', 'a,b', '--aud', 'c', 'tok', '--json'], specs);
    expect(args.strings('alg')).toEqual(['ES256', 'RS256', 'dir']);
    expect(args.strings('aud')).toEqual(['a,b', 'c']);
    expect(args.flag('json')).toBe(true);
    expect(args.positionals).toEqual(['tok']);
  });

  it('reads durations as core does: bare seconds, fractions, or one unit', () => {
    expect(parseCommandArgs(['--clock-tolerance', '30'], specs).duration('clock-tolerance')).toBe(30);
    expect(parseCommandArgs(['--clock-tolerance', '0.5'], specs).duration('clock-tolerance')).toBe(0.5);
    expect(parseCommandArgs(['--clock-tolerance', '2m'], specs).duration('clock-tolerance')).toBe(120);
    expect(() => parseCommandArgs(['--clock-tolerance', '2 m'], specs).duration('clock-tolerance')).toThrow(/"--clock-tolerance" must be/);
  });

  it.each([
    [['--nope'], 'unknown option --nope'],
    [['--nope=value'], 'unknown option --nope'],
    [['-x'], 'unknown option -x'],
    [['--json=yes'], 'option --json does not take a value'],
    [['--key'], 'option --key needs a value'],
    [['--key', '-----BEGIN'], 'option --key needs a value; for a value starting with "-" write --key=VALUE'],
    [['--Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0'], 'unknown option (not shown)'],
  ])('%j → usage error "%s", never quoting a value', (argv, message) => {
    expect(() => parseCommandArgs(argv, specs)).toThrow(expect.objectContaining({ code: 'usage', message }));
  });
});

describe('readKeySource', () => {
  const io = { env: { K: '  secret-from-env \n' }, cwd: '/' } as unknown as Parameters<typeof readKeySource>[2];

  it('tells URLs, env:NAME, @file, existing files and literals apart, labelled without their content', async () => {
    expect(await readKeySource('https://user:pw@issuer.example/jwks?x=1', '--key', io)).toEqual({
      kind: 'url', url: 'https://user:pw@issuer.example/jwks?x=1', label: 'the JWKS at https://issuer.example/jwks',
    });
    expect(await readKeySource('env:K', '--key', io)).toEqual({ kind: 'text', text: 'secret-from-env', label: 'environment variable K' });
    expect(await readKeySource('abc/def+ghi=', '--key', io)).toEqual({ kind: 'text', text: 'abc/def+ghi=', label: 'the --key value' });
    await expect(readKeySource('@/definitely/missing', '--key', io)).rejects.toMatchObject({
      code: 'invalid_key', message: '--key: cannot read key file "/definitely/missing" (ENOENT)',
    });
    await expect(readKeySource('missing.pem', '--key', io)).rejects.toMatchObject({ code: 'usage', message: '--key: no such file "missing.pem"' });
  });

  it('a key file that is not valid JSON is reported without quoting it', async () => {
    const result = await runCli(['verify', '--key', '{"kty":"oct","k":"c2VjcmV0LXNlY3JldA"', 'a.b.c']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tessera verify: --key (the --key value): starts with "{" but is not valid JSON (invalid_key)\n');
  });
});
