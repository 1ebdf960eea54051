// Every built package is importable both ways (ESM `import` and CommonJS `require`) through its `exports` map, from a
// plain Node process (no vitest aliases), and each way exposes exactly the public names its TypeScript source does.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface PackageJson {
  name: string;
  exports?: Record<string, unknown>;
}

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  // A package folder whose package.json exists but whose source has not landed yet has nothing to import.
  .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src', 'index.ts')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson }));

function codeSubpaths(pkg: PackageJson): string[] {
  return Object.entries(pkg.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target !== null)
    .map(([subpath]) => subpath);
}

/** Whether an export offers a `require` condition anywhere in its condition tree (ESM-only entries do not). */
function offersRequire(target: unknown): boolean {
  if (typeof target !== 'object' || target === null) return false;
  return Object.entries(target).some(([condition, nested]) => condition === 'require' || offersRequire(nested));
}

/** Runs a tiny script in a fresh Node process from the repo root and returns what it printed as JSON. */
function inNode(script: string, type: 'module' | 'commonjs'): unknown {
  const out = execFileSync(process.execPath, ['--input-type=' + type, '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out);
}

describe.each(packages)('$pkg.name', ({ dir, pkg }) => {
  it.each(codeSubpaths(pkg))('imports "%s" as ESM and CommonJS (where offered) with the public names of its source', async (subpath) => {
    const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    const esm = inNode(
      `const m = await import(${JSON.stringify(specifier)});` +
        `console.log(JSON.stringify({ names: Object.keys(m).filter((k) => k !== 'default').sort(),` +
        ` file: import.meta.resolve(${JSON.stringify(specifier)}) }))`,
      'module',
    ) as { names: string[]; file: string };
    expect(relative(dir, fileURLToPath(esm.file))).toMatch(/^dist\/.+\.mjs$/);
    expect(esm.names.length).toBeGreaterThan(0);

    if (offersRequire(pkg.exports?.[subpath])) {
      const cjs = inNode(
        `const m = require(${JSON.stringify(specifier)});` +
          `console.log(JSON.stringify({ names: Object.keys(m).filter((k) => k !== '__esModule').sort(),` +
          ` file: require.resolve(${JSON.stringify(specifier)}) }))`,
        'commonjs',
      ) as { names: string[]; file: string };
      expect(relative(dir, cjs.file)).toMatch(/^dist\/.+\.cjs$/);
      expect(cjs.names).toEqual(esm.names);
      // CommonJS declarations beside the CommonJS build, so `require` never gets ESM types.
      const cjsTypes = cjs.file.replace(/\.cjs$/, '.d.cts');
      expect(existsSync(cjsTypes), `${relative(root, cjsTypes)} exists`).toBe(true);
      expect(readFileSync(cjsTypes, 'utf8')).toMatch(/export/);
    } else {
      // An ESM-only entry says so to `require` with Node's own error, not with a crash inside the module.
      const refused = inNode(
        `try { require(${JSON.stringify(specifier)}); console.log('null') }` +
          ` catch (e) { console.log(JSON.stringify(e.code)) }`,
        'commonjs',
      );
      expect(refused).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    }

    // The built entry exposes exactly what its source entry exports.
    const source = join(dir, 'src', relative(join(dir, 'dist'), fileURLToPath(esm.file)).replace(/\.mjs$/, '.ts'));
    const fromSource = (await import(pathToFileURL(source).href)) as Record<string, unknown>;
    expect(esm.names).toEqual(Object.keys(fromSource).sort());

    // Types ship beside each build.
    const types = fileURLToPath(esm.file).replace(/\.mjs$/, '.d.ts');
    expect(existsSync(types), `${relative(root, types)} exists`).toBe(true);
    expect(readFileSync(types, 'utf8')).toMatch(/export/);
    expect(existsSync(join(dirname(types)))).toBe(true);
  });
});
