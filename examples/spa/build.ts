// The SPA's bundle: examples/spa/src/main.ts and @tessera/client, built by rollup into examples/spa/dist/ — when the
// bundle is missing or older than any file it was built from (so a change in the client's source shows up on the next
// start). @tessera/client and @tessera/core are read from their TypeScript sources: nothing needs building first, and
// the demo always runs the client code of this checkout.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup, type Plugin } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const repository = here('../../');

/** Where the bundle is written (gitignored). */
export const bundleDir = here('./dist/');
const bundleFile = `${bundleDir}app.js`;
/** The files the last build read, so staleness is decided without building. */
const manifestFile = `${bundleDir}manifest.json`;

const sources: Record<string, string> = {
  '@tessera/client': here('../../packages/client/src/index.ts'),
  // The isomorphic entry of core (the client imports only its error classes), not the Node flavour.
  '@tessera/core': here('../../packages/core/src/index.ts'),
};

const workspaceSources: Plugin = {
  name: 'tessera-workspace-sources',
  resolveId: (id) => sources[id] ?? null,
};

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Whether the bundle is missing, or any file it was built from changed (or vanished) since it was built. */
export async function spaBundleIsStale(): Promise<boolean> {
  const built = await mtime(bundleFile);
  if (built === undefined) return true;
  let inputs: unknown;
  try {
    inputs = JSON.parse(await readFile(manifestFile, 'utf8'));
  } catch {
    return true;
  }
  if (!Array.isArray(inputs) || inputs.length === 0) return true;
  // This file too: a change in how the bundle is built rebuilds it.
  for (const input of [...inputs, fileURLToPath(import.meta.url)]) {
    const changed = typeof input === 'string' ? await mtime(input) : undefined;
    if (changed === undefined || changed > built) return true;
  }
  return false;
}

async function build(): Promise<void> {
  const bundle = await rollup({
    input: here('./src/main.ts'),
    plugins: [
      workspaceSources,
      esbuild({ target: 'es2022', tsconfig: here('../../tsconfig.json') }),
      nodeResolve({ browser: true, exportConditions: ['browser'] }),
    ],
    // Core's modules are side-effect free (its package.json says so for everything but the Node entry): keep only
    // what the client imports.
    treeshake: { moduleSideEffects: (id) => !id.includes('/packages/core/') },
    onwarn(warning, warn) {
      if (warning.code === 'CIRCULAR_DEPENDENCY') throw new Error(warning.message);
      warn(warning);
    },
  });
  try {
    const { output } = await bundle.generate({
      format: 'es',
      sourcemap: true,
      sourcemapFile: bundleFile,
      // Sources named from the repository's root (`packages/client/src/…`), their text included for the devtools.
      sourcemapPathTransform: (source, map) => relative(repository, resolve(dirname(map), source)),
      plugins: [terser({ module: true, ecma: 2020, format: { comments: false } })],
    });
    const chunk = output.find((o) => o.type === 'chunk' && o.isEntry);
    if (chunk === undefined || chunk.type !== 'chunk' || chunk.map === null) throw new Error('rollup produced no entry chunk');
    await mkdir(bundleDir, { recursive: true });
    // Written under temporary names and renamed: a demo starting concurrently never serves half a file.
    const tmp = `.${process.pid}.${Date.now()}.tmp`;
    await writeFile(`${bundleFile}.map${tmp}`, chunk.map.toString());
    await writeFile(`${bundleFile}${tmp}`, `${chunk.code}\n//# sourceMappingURL=app.js.map\n`);
    await writeFile(`${manifestFile}${tmp}`, JSON.stringify(bundle.watchFiles.filter((f) => !f.startsWith('\0'))));
    await rename(`${bundleFile}.map${tmp}`, `${bundleFile}.map`);
    await rename(`${bundleFile}${tmp}`, bundleFile);
    await rename(`${manifestFile}${tmp}`, manifestFile);
  } finally {
    await bundle.close();
  }
}

let pending: Promise<{ file: string; built: boolean }> | undefined;

/**
 * Builds the SPA bundle unless an up-to-date one exists (concurrent callers in one process share one build).
 * @returns the bundle's path and whether it was built now
 */
export function ensureSpaBundle(): Promise<{ file: string; built: boolean }> {
  return (pending ??= (async () => {
    if (!(await spaBundleIsStale())) return { file: bundleFile, built: false };
    await build();
    return { file: bundleFile, built: true };
  })().finally(() => {
    pending = undefined;
  }));
}
