// What a consumer's tooling sees in every packed package: `publint --strict` (the package.json and the files it points
// at agree) and `@arethetypeswrong/cli --pack` (TypeScript resolves the right declarations for `import` and `require`
// under node16; ESM-only entries, such as `@tessera/core/testing`, are checked under the esm-only profile).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'index.ts')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson }));

interface PackageJson {
  name: string;
  exports?: Record<string, unknown>;
}

function offersRequire(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  return Object.entries(target).some(([condition, nested]) => condition === 'require' || offersRequire(nested));
}

/** Runs a linter; returns its exit status and everything it printed. */
function run(command: string, args: string[], cwd: string): { status: number; output: string } {
  try {
    const output = execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, output };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { status: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

interface AttwReport {
  analysis?: { problems?: Array<{ kind: string; entrypoint?: string; resolutionKind?: string }> };
  problems?: Record<string, unknown>;
}

/** The resolution kinds each attw profile leaves out (its JSON report lists every problem, ignored or not). */
const IGNORED_BY_PROFILE: Record<string, string[]> = {
  node16: ['node10'],
  'esm-only': ['node10', 'node16-cjs'],
};

/** attw's problems for the packed package under `profile` (empty when the types are right). */
function attw(dir: string, profile: 'node16' | 'esm-only', args: string[]): unknown[] {
  const { output } = run(bin('attw'), ['--pack', '.', '--format', 'json', '--profile', profile, ...args], dir);
  const report = JSON.parse(output.slice(output.indexOf('{'))) as AttwReport;
  const ignored = IGNORED_BY_PROFILE[profile]!;
  return (report.analysis?.problems ?? []).filter((p) => !ignored.includes(p.resolutionKind ?? ''));
}

describe.each(packages)('$pkg.name', ({ dir, pkg }) => {
  const subpaths = Object.entries(pkg.exports ?? {}).filter(([, t]) => typeof t === 'object' && t !== null);
  const esmOnly = subpaths.filter(([, t]) => !offersRequire(t)).map(([s]) => s);

  it('passes publint --strict', () => {
    const { status, output } = run(bin('publint'), ['--strict'], dir);
    expect(output).toMatch(/All good/);
    expect(status).toBe(0);
  });

  it('has types that resolve for import and require under node16 (attw)', () => {
    const args = esmOnly.length > 0 ? ['--exclude-entrypoints', ...esmOnly] : [];
    expect(attw(dir, 'node16', args)).toEqual([]);
  });

  if (esmOnly.length > 0) {
    it(`has ESM-only entries (${esmOnly.join(', ')}) whose types resolve for import (attw esm-only)`, () => {
      expect(attw(dir, 'esm-only', ['--entrypoints', ...esmOnly])).toEqual([]);
    });
  }
});
