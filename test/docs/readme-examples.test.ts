// Every ```ts example in a README runs as a user would run it: a fresh Node process importing the built packages by
// name. Where an example ends a `console.log(...)` line with `// expected output`, the printed line must match.
// Blocks fenced as ```ts test-only are fragments that need a test runner or user code; they are type-checked by eye.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readmes = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'README.md')),
].filter((p) => existsSync(p));

interface Example {
  file: string;
  line: number;
  code: string;
  expected: string[];
}

function examplesOf(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const examples: Example[] = [];
  const fence = /^```ts\s*\n([\s\S]*?)^```/gm;
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    const code = m[1]!;
    const expected = [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.+)$/gm)].map((x) => x[1]!.split(' — ')[0]!.trim());
    examples.push({ file: relative(root, file), line: text.slice(0, m.index).split('\n').length, code, expected });
  }
  return examples;
}

const examples = readmes.flatMap(examplesOf);
// Examples run from a scratch folder inside the repo so `@tessera/*` resolves through node_modules to the builds.
const scratch = mkdtempSync(join(root, 'node_modules', '.readme-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README examples', () => {
  it('finds examples to run', () => {
    expect(examples.length).toBeGreaterThan(3);
  });

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s runs and prints what it says', (_name, example) => {
    const path = join(scratch, `example-${example.line}-${example.file.replace(/\W/g, '_')}.mts`);
    writeFileSync(path, example.code);
    const out = execFileSync(process.execPath, ['--import', 'tsx', path], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    const printed = out.split('\n').filter((l) => l.length > 0);
    expect(printed).toEqual(example.expected);
  });
});
