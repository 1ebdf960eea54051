// The Node engine must never reach a browser: the isomorphic build (dist/index.mjs / .cjs and every chunk they load)
// imports no `node:` module or Node builtin, bundlers resolve `@tessera/core` to it for browsers and to the Node
// flavour for Node, and the Node flavour does carry the engine. Runs on the built package (`npm test` builds first).
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dist = join(root, 'packages/core/dist');
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Bare specifiers imported by `entry` and every relative module it loads, transitively. */
function externalImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const external = new Set<string>();
  const pending = [join(dist, entry)];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) throw new Error(`${relative(root, file)} is missing: run \`npm run build\` first`);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(pattern)) {
      if (specifier === undefined) continue;
      if (specifier.startsWith('.')) pending.push(join(dirname(file), specifier));
      else external.add(specifier);
    }
  }
  return external;
}

const nodeOnly = (specifiers: Set<string>): string[] => [...specifiers].filter((s) => builtins.has(s) || s.startsWith('node:'));

/** Bundles `import * from '@tessera/core'` the way a bundler would for `platform`, through the package's exports. */
async function bundle(platform: 'browser' | 'node'): Promise<{ inputs: string[]; text: string }> {
  const result = await build({
    stdin: { contents: "export * from '@tessera/core';", resolveDir: root, loader: 'js' },
    // No tsconfig: resolve through node_modules/@tessera/core/package.json, not the repo's source paths.
    tsconfigRaw: '{}',
    bundle: true,
    platform,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { inputs: Object.keys(result.metafile.inputs), text: result.outputFiles.map((f) => f.text).join('\n') };
}

describe('the isomorphic build', () => {
  it.each(['index.mjs', 'index.cjs'])('dist/%s and its chunks import no node: module or Node builtin', (entry) => {
    const imports = externalImports(entry);
    expect(imports.size).toBeGreaterThan(0);
    expect(nodeOnly(imports)).toEqual([]);
  });

  it.each(['index.node.mjs', 'index.node.cjs', 'node.mjs', 'node.cjs'])('dist/%s does load node:crypto (the check above can fail)', (entry) => {
    expect(nodeOnly(externalImports(entry))).toContain('node:crypto');
  });

  it('is what a browser bundle of @tessera/core contains, without any node: import', async () => {
    const { inputs, text } = await bundle('browser');
    expect(inputs).toContain('packages/core/dist/index.mjs');
    expect(inputs.some((i) => i.includes('index.node'))).toBe(false);
    expect(text).not.toMatch(/["']node:/);
  });

  it('is replaced by the Node flavour in a Node bundle', async () => {
    const { inputs, text } = await bundle('node');
    expect(inputs).toContain('packages/core/dist/index.node.mjs');
    expect(text).toMatch(/["']node:crypto["']/);
  });
});

describe('the package exports map', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')) as {
    exports: Record<string, Record<string, unknown>>;
    sideEffects: unknown;
  };

  it('sends Node to the Node flavour of "." and everyone else to the isomorphic build', () => {
    // Each condition carries its own declarations: `.d.ts` beside the ESM build, `.d.cts` beside the CommonJS one.
    const entry = (name: string) => ({
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.mjs` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
    });
    expect(pkg.exports['.']).toEqual({ node: entry('index.node'), ...entry('index') });
    expect(Object.keys(pkg.exports['.'] ?? {})).toEqual(['node', 'import', 'require']);
    expect(pkg.exports['./node']).toEqual(entry('node'));
  });

  it('declares the Node flavour as having side effects, so bundlers keep its engine installation', () => {
    expect(pkg.sideEffects).toEqual(['./dist/index.node.mjs', './dist/index.node.cjs']);
  });
});
