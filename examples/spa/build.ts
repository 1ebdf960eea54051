// The SPA's bundle: examples/spa/src/main.ts and @tessera/client, built by rollup into examples/spa/dist/ — when the
// bundle is missing or older than any file it was built from (so a change in the client's source shows up on the next
// start). @tessera/client and @tessera/core are read from their TypeScript sources: nothing needs building first, and
// the demo always runs the client code of this checkout.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import terser, { type Options as TerserOptions } from '@rollup/plugin-terser';
import { rollup, type Plugin, type RollupOptions } from 'rollup';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const repository = here('../../');

/** Where the bundle is written (gitignored). */
export const bundleDir = here('./dist/');
const bundleFile = `${bundleDir}app.js`;
/** The files the last build read, so staleness is decided without building. */
const manifestFile = `${bundleDir}manifest.json`;

/** The client's own browser build settings (core from source, side-effect-free core, minification): the SPA uses them. */
const clientBuild = here('../../packages/client/rollup.extra.mjs');
interface ClientBuild {
  browserConfig(input: string, plugins?: Plugin[]): RollupOptions;
  terserOptions: TerserOptions;
}

const clientSource: Plugin = {
  name: 'tessera-client-source',
  resolveId: (id) => (id === '@tessera/client' ? here('../../packages/client/src/index.ts') : null),
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
  // This file and the client's build settings too: a change in how the bundle is built rebuilds it.
  for (const input of [...inputs, fileURLToPath(import.meta.url), clientBuild]) {
    const changed = typeof input === 'string' ? await mtime(input) : undefined;
    if (changed === undefined || changed > built) return true;
  }
  return false;
}

async function build(): Promise<void> {
  const { browserConfig, terserOptions } = (await import(pathToFileURL(clientBuild).href)) as ClientBuild;
  const bundle = await rollup(browserConfig(here('./src/main.ts'), [clientSource]));
  try {
    const { output } = await bundle.generate({
      format: 'es',
      sourcemap: true,
      sourcemapFile: bundleFile,
      // Sources named from the repository's root (`packages/client/src/…`), their text included for the devtools.
      sourcemapPathTransform: (source, map) => relative(repository, resolve(dirname(map), source)),
      plugins: [terser(terserOptions)],
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
