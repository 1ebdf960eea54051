// Client: the browser bundle's size, next to the SPA token libraries it replaces, each built the same way (rollup,
// node-resolve with the browser condition, commonjs, the same terser settings, gzip -9): the whole package entry (one
// chunk: nothing is loaded later), what an application importing only `createTokenClient` gets (tree-shaken), what ky
// and the oauth4webapi functions the client uses weigh on their own and together (the floor before any Tessera code),
// and the budget and the 12 KB goal on the last row.
import { gzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import nodeResolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup, type OutputOptions, type Plugin, type RollupOptions } from 'rollup';

interface Extra {
  browserBundle: RollupOptions & { output: OutputOptions };
  browserBundleBudgetGz: number;
  browserConfig: (input: string, plugins?: Plugin[]) => RollupOptions;
  terserOptions: Parameters<typeof terser>[0];
}

interface Size {
  min: number;
  gz: number;
  chunks: number;
}

async function sizeOf(options: RollupOptions, output: OutputOptions): Promise<Size> {
  const build = await rollup({ ...options, onwarn: () => undefined });
  const { output: chunks } = await build.generate(output);
  await build.close();
  const code = chunks.map((c) => (c.type === 'chunk' ? c.code : '')).join('');
  return { min: Buffer.byteLength(code), gz: gzipSync(code, { level: 9 }).length, chunks: chunks.filter((c) => c.type === 'chunk').length };
}

const clientIndex = fileURLToPath(new URL('../../packages/client/src/index.ts', import.meta.url));

/** A bundle of `source` (an entry module's text); `@tessera/client` is the client's source. */
function entryOf(source: string): Plugin {
  return {
    name: 'entry',
    resolveId: (id) => (id === 'entry' ? id : id === '@tessera/client' ? clientIndex : null),
    load: (id) => (id === 'entry' ? source : null),
  };
}

const kb = (bytes: number) => (bytes / 1000).toFixed(1);

/** The oauth4webapi exports the client imports, read from its browser bundle's module graph. */
async function oauthImports(extra: Extra): Promise<string[]> {
  const build = await rollup({ ...extra.browserBundle, external: ['oauth4webapi', 'ky'], onwarn: () => undefined });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  return output[0].importedBindings['oauth4webapi'] ?? [];
}

export async function run(): Promise<string> {
  const extra = (await import(pathToFileURL(new URL('../../packages/client/rollup.extra.mjs', import.meta.url).pathname).href)) as Extra;
  const output: OutputOptions = { format: 'es', plugins: [terser(extra.terserOptions)] };
  const peer = (source: string): RollupOptions => ({
    input: 'entry',
    plugins: [entryOf(source), nodeResolve({ browser: true, exportConditions: ['browser'] }), commonjs()],
  });
  const ours = (source: string): RollupOptions => extra.browserConfig('entry', [entryOf(source)]);
  const used = await oauthImports(extra);
  const oauth = `export { ${used.join(', ')} } from 'oauth4webapi';`;
  const whole = await sizeOf(extra.browserBundle, output);
  if (whole.chunks !== 1) throw new Error(`the browser bundle has ${whole.chunks} chunks: report the initial one and the rest apart`);
  const rows: [string, Size][] = [
    ['@tessera/client, whole entry (every grant, DPoP, cross-tab, every storage adapter; one chunk, nothing loaded later)', whole],
    ['@tessera/client, an app importing `createTokenClient` only (the IndexedDB adapter tree-shaken)', await sizeOf(ours(`export { createTokenClient } from '@tessera/client';`), output)],
    ['— of which ky 1 (whole)', await sizeOf(peer(`export { default } from 'ky';`), output)],
    [`— of which oauth4webapi (the ${used.length} functions used)`, await sizeOf(peer(oauth), output)],
    ['— ky + those oauth4webapi functions + core\'s error classes, no Tessera code (the floor)', await sizeOf(ours(`${oauth} export { default } from 'ky'; export { TesseraError, TesseraArgumentError } from '@tessera/core';`), output)],
    ['@auth0/auth0-spa-js 2.4.1', await sizeOf(peer(`export * from '@auth0/auth0-spa-js';`), output)],
    ['oidc-client-ts 3.5.0', await sizeOf(peer(`export * from 'oidc-client-ts';`), output)],
  ];
  const table = [
    '| bundle | minified KB | gzip KB | × @tessera/client |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map(([name, s]) => `| ${name} | ${kb(s.min)} | ${kb(s.gz)} | ${(s.gz / whole.gz).toFixed(2)} |`),
    `| budget (test fails above) / goal | | ${kb(extra.browserBundleBudgetGz)} / 12.0 | |`,
  ].join('\n');
  return (
    `\nTessera bench: client — browser bundle sizes (rollup + terser, gzip -9, decimal KB), each library built the same way\n\n` +
    table
  );
}
