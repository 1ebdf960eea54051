// The browser bundle (rollup.extra.mjs) is built here from source, as `npm run build` builds it: minified ESM with ky
// and the oauth4webapi functions it uses. It must stay within its gzip budget and carry none of core's verification
// code (the client imports only errors from @tessera/core); an application importing only `createTokenClient` must not
// carry the IndexedDB adapter (tree-shaking works).
import { gzipSync } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rollup, type OutputChunk, type OutputOptions, type Plugin, type RollupOptions } from 'rollup';
import { beforeAll, describe, expect, it } from 'vitest';

interface Extra {
  browserBundle: RollupOptions & { output: OutputOptions };
  browserBundleBudgetGz: number;
  browserConfig: (input: string, plugins?: Plugin[]) => RollupOptions;
}

let extra: Extra;
let chunk: OutputChunk;

async function bundle(options: RollupOptions, output: OutputOptions): Promise<OutputChunk[]> {
  const build = await rollup(options);
  const { output: chunks } = await build.generate(output);
  await build.close();
  return chunks.filter((c) => c.type === 'chunk');
}

beforeAll(async () => {
  extra = (await import(pathToFileURL(new URL('../rollup.extra.mjs', import.meta.url).pathname).href)) as Extra;
  const chunks = await bundle(extra.browserBundle, extra.browserBundle.output);
  expect(chunks).toHaveLength(1);
  chunk = chunks[0]!;
}, 120_000);

const rendered = (c: OutputChunk) =>
  Object.entries(c.modules)
    .filter(([, m]) => m.renderedLength > 0)
    .map(([id]) => id.slice(id.indexOf('/packages/') >= 0 ? id.indexOf('/packages/') + 1 : id.indexOf('/node_modules/') + 1));

describe('browser bundle', () => {
  it('stays within its gzip budget (rollup.extra.mjs: browserBundleBudgetGz)', () => {
    const gz = gzipSync(chunk.code, { level: 9 }).length;
    expect(gz).toBeLessThanOrEqual(extra.browserBundleBudgetGz);
  });

  it('includes ky and oauth4webapi, in one chunk (nothing left for the page to load)', () => {
    expect(chunk.imports).toEqual([]);
    expect(chunk.dynamicImports).toEqual([]);
    expect(rendered(chunk)).toEqual(expect.arrayContaining(['node_modules/ky/distribution/core/Ky.js', 'node_modules/oauth4webapi/build/index.js']));
  });

  it("carries nothing of @tessera/core but its errors, and no jose: no verification or decryption code", () => {
    expect(rendered(chunk).filter((id) => id.startsWith('packages/core/'))).toEqual(['packages/core/src/errors.ts']);
    expect(rendered(chunk).filter((id) => id.includes('/jose/'))).toEqual([]);
    for (const marker of ['decompressed token exceeds maxInflatedSize', 'encrypted tokens are not accepted', 'signature verification failed', 'key source returned no key list']) {
      expect(chunk.code).not.toContain(marker);
    }
  });

  it('has no Node built-ins', () => {
    expect(chunk.code).not.toMatch(/\bnode:/);
  });

  it('an application that never imports indexedDbStorage does not carry it', async () => {
    const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const app: Plugin = {
      name: 'app',
      resolveId: (id) => (id === 'app' ? id : id === '@tessera/client' ? index : null),
      load: (id) => (id === 'app' ? `import { createTokenClient } from '@tessera/client'; export const client = createTokenClient;` : null),
    };
    const [only] = await bundle(extra.browserConfig('app', [app]), { format: 'es' });
    const modules = rendered(only!);
    expect(modules).toContain('packages/client/src/internal/client.ts');
    expect(modules).not.toContain('packages/client/src/storage/indexeddb-storage.ts');
    expect(only!.code).not.toContain('AES-GCM');
  }, 60_000);
});
