// One config for every package: each package's `exports` map says what to build, so adding a package or an entry
// point needs no change here. `./dist/<name>.mjs` (+ `.d.ts`) is the ESM build of `src/<name>.ts`, `./dist/<name>.cjs`
// (+ `.d.cts`) its CommonJS build; conditions may nest (`".": { "node": { "import": …, "require": … }, "import": … }`
// gives a Node flavour of an entry).
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
 * Every file target in an export's condition tree, however deeply nested, with the condition path that leads to it:
 * `{ import: { types, default }, require: { types, default } }`, optionally under `node`.
 */
function fileTargets(target, path) {
  if (typeof target === 'string') return [{ path, file: target }];
  if (typeof target !== 'object' || target === null) return [];
  return Object.entries(target).flatMap(([condition, nested]) => fileTargets(nested, [...path, condition]));
}

/**
 * The builds an exports map asks for. Each JavaScript file has its declarations beside it under the same name: ESM
 * `./dist/<name>.mjs` with `./dist/<name>.d.ts`, CommonJS `./dist/<name>.cjs` with `./dist/<name>.d.cts` (so a
 * `require` never gets ESM declarations: "masquerading as ESM"). Both come from `src/<name>.ts`.
 */
function entriesOf(pkgDir, pkg) {
  const entries = new Map();
  const entry = (name, where) => {
    const input = join(pkgDir, 'src', `${name}.ts`);
    if (!existsSync(input)) throw new Error(`${pkg.name}: ${where} has no source file src/${name}.ts`);
    if (!entries.has(name)) entries.set(name, { name, input, esm: false, cjs: false });
    return entries.get(name);
  };
  for (const [subpath, conditions] of Object.entries(pkg.exports ?? {})) {
    if (typeof conditions === 'string') continue; // "./package.json"
    for (const { path, file } of fileTargets(conditions, [])) {
      const where = `export "${subpath}" (${path.join(' > ')})`;
      const last = path.at(-1);
      const match = /^\.\/dist\/(.+?)\.(mjs|cjs|d\.ts|d\.cts)$/.exec(file);
      if (!match) throw new Error(`${pkg.name}: ${where} must point at ./dist/<name>.{mjs,cjs,d.ts,d.cts}, not ${file}`);
      const [, name, ext] = match;
      const format = ext === 'mjs' || ext === 'd.ts' ? 'esm' : 'cjs';
      const wanted = path.includes('require') ? 'cjs' : path.includes('import') ? 'esm' : format;
      if (format !== wanted) throw new Error(`${pkg.name}: ${where} must be a ${wanted === 'esm' ? '.mjs/.d.ts' : '.cjs/.d.cts'} file`);
      if ((last === 'types') !== ext.startsWith('d.')) throw new Error(`${pkg.name}: ${where}: only "types" points at declarations`);
      entry(name, where)[format] = true;
    }
  }
  return [...entries.values()];
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
  const inputOf = (format) => Object.fromEntries(entries.filter((e) => e[format]).map((e) => [e.name, e.input]));
  const external = externalFor(pkg);
  const onwarn = (warning, warn) => {
    if (warning.code === 'CIRCULAR_DEPENDENCY') throw new Error(`${pkg.name}: ${warning.message}`);
    warn(warning);
  };
  const dir = join(pkgDir, 'dist');
  const code = (format, ext) => ({
    input: inputOf(format),
    external,
    onwarn,
    plugins: [esbuild({ target: 'es2022', tsconfig: join(root, 'tsconfig.json') })],
    output: {
      dir,
      format: format === 'esm' ? 'es' : 'cjs',
      entryFileNames: `[name].${ext}`,
      chunkFileNames: `chunks/[name]-[hash].${ext}`,
      ...(format === 'cjs' ? { exports: 'named' } : {}),
    },
  });
  const types = (format, ext) => ({
    input: inputOf(format),
    external,
    plugins: [dts({ tsconfig: join(root, 'tsconfig.json'), compilerOptions: { paths: {} } })],
    output: { dir, format: 'es', entryFileNames: `[name].${ext}`, chunkFileNames: `chunks/[name]-[hash].${ext}` },
  });
  if (entries.some((e) => e.esm)) configs.push(code('esm', 'mjs'), types('esm', 'd.ts'));
  if (entries.some((e) => e.cjs)) configs.push(code('cjs', 'cjs'), types('cjs', 'd.cts'));
}

// A package that needs more than its exports map (the client's minified browser bundle) adds configs of its own in
// `rollup.extra.mjs` (default export: an array of rollup configs, paths relative to the package folder).
for (const pkgDir of packageDirs()) {
  const extra = join(pkgDir, 'rollup.extra.mjs');
  if (existsSync(extra)) configs.push(...(await import(extra)).default);
}

export default configs;
