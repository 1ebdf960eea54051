// One config for every package: each package's `exports` map says what to build. An export whose `import` target is
// `./dist/<name>.mjs` is built from `src/<name>.ts` to ESM (`.mjs`), CommonJS (`.cjs`) and types (`.d.ts`), so adding
// a package or an entry point needs no change here.
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

function entriesOf(pkgDir, pkg) {
  const entries = [];
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== 'object' || !target.import) continue;
    const match = /^\.\/dist\/(.+)\.mjs$/.exec(target.import);
    if (!match) throw new Error(`${pkg.name}: export "${subpath}" must point "import" at ./dist/<name>.mjs`);
    const name = match[1];
    const input = join(pkgDir, 'src', `${name}.ts`);
    if (!existsSync(input)) throw new Error(`${pkg.name}: export "${subpath}" has no source file src/${name}.ts`);
    entries.push({ name, input });
  }
  return entries;
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
    output: [
      { dir: join(pkgDir, 'dist'), format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
      {
        dir: join(pkgDir, 'dist'),
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
        exports: 'named',
      },
    ],
  });
  configs.push({
    input,
    external,
    plugins: [dts({ tsconfig: join(root, 'tsconfig.json'), compilerOptions: { paths: {} } })],
    output: { dir: join(pkgDir, 'dist'), format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
  });
}

export default configs;
