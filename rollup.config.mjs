// One config for every package: each package's `exports` map says what to build. An export whose `import` target is
// `./dist/<name>.mjs` is built from `src/<name>.ts` to ESM (`.mjs`), CommonJS (`.cjs`) and types (`.d.ts`), so adding
// a package or an entry point needs no change here. Conditions may nest (`".": { "node": { "import": … }, "import": … }`
// gives a Node flavour of an entry): every `import` found anywhere in the tree is an entry.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import esbuild from 'rollup-plugin-esbuild';
import { dts } from 'rollup-plugin-dts';

const root = new URL('.', import.meta.url).pathname;
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function packageDirs() {
  const dir = join(root, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => existsSync(join(p, 'package.json')));
}

/**
 * Every `import` target in an export's condition tree, however deeply nested (`".": { node: { import } , import }`),
 * with the condition path that leads to it (for error messages).
 */
function importTargets(target, path) {
  if (typeof target !== 'object' || target === null) return [];
  const found = typeof target.import === 'string' ? [{ path: [...path, 'import'], target }] : [];
  for (const [condition, nested] of Object.entries(target)) {
    if (condition !== 'import') found.push(...importTargets(nested, [...path, condition]));
  }
  return found;
}

function entriesOf(pkgDir, pkg) {
  const entries = new Map();
  for (const [subpath, conditions] of Object.entries(pkg.exports ?? {})) {
    for (const { path, target } of importTargets(conditions, [])) {
      const where = `export "${subpath}" (${path.join(' > ')})`;
      const match = /^\.\/dist\/(.+)\.mjs$/.exec(target.import);
      if (!match) throw new Error(`${pkg.name}: ${where} must point at ./dist/<name>.mjs`);
      const name = match[1];
      if (target.require !== undefined && target.require !== `./dist/${name}.cjs`) {
        throw new Error(`${pkg.name}: ${where}: "require" beside it must be ./dist/${name}.cjs`);
      }
      const input = join(pkgDir, 'src', `${name}.ts`);
      if (!existsSync(input)) throw new Error(`${pkg.name}: ${where} has no source file src/${name}.ts`);
      // An entry is built as CommonJS only where the map offers it to `require` (ESM-only entries, such as a test
      // suite importing vitest, have no `require` condition).
      entries.set(name, { input, cjs: (entries.get(name)?.cjs ?? false) || target.require !== undefined });
    }
  }
  return [...entries].map(([name, entry]) => ({ name, ...entry }));
}

function externalFor(pkg) {
  const deps = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  return (id) => {
    if (nodeBuiltins.has(id) || id.startsWith('node:')) return true;
    if (id.startsWith('@tessera/')) return true;
    for (const dep of deps) if (id === dep || id.startsWith(`${dep}/`)) return true;
    return false;
  };
}

const configs = [];
for (const pkgDir of packageDirs()) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const entries = entriesOf(pkgDir, pkg);
  if (entries.length === 0) continue;
  const input = Object.fromEntries(entries.map((e) => [e.name, e.input]));
  const cjsInput = Object.fromEntries(entries.filter((e) => e.cjs).map((e) => [e.name, e.input]));
  const external = externalFor(pkg);
  const onwarn = (warning, warn) => {
    if (warning.code === 'CIRCULAR_DEPENDENCY') throw new Error(`${pkg.name}: ${warning.message}`);
    warn(warning);
  };
  configs.push({
    input,
    external,
    onwarn,
    plugins: [esbuild({ target: 'es2022', tsconfig: join(root, 'tsconfig.json') })],
    output: { dir: join(pkgDir, 'dist'), format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
  });
  if (Object.keys(cjsInput).length > 0) {
    configs.push({
      input: cjsInput,
      external,
      onwarn,
      plugins: [esbuild({ target: 'es2022', tsconfig: join(root, 'tsconfig.json') })],
      output: {
        dir: join(pkgDir, 'dist'),
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
        exports: 'named',
      },
    });
  }
  configs.push({
    input,
    external,
    plugins: [dts({ tsconfig: join(root, 'tsconfig.json'), compilerOptions: { paths: {} } })],
    output: { dir: join(pkgDir, 'dist'), format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  });
}

// A package that needs more than its exports map (the client's minified browser bundle) adds configs of its own in
// `rollup.extra.mjs` (default export: an array of rollup configs, paths relative to the package folder).
for (const pkgDir of packageDirs()) {
  const extra = join(pkgDir, 'rollup.extra.mjs');
  if (existsSync(extra)) configs.push(...(await import(extra)).default);
}

export default configs;
