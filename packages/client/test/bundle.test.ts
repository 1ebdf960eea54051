// The browser bundle (rollup.extra.mjs) is built here from source, as `npm run build` builds it: minified ESM with ky
// and the oauth4webapi functions it uses. It must stay within its gzip budget and carry none of core's verification
// code (the client imports only errors from @tessera/core).
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { rollup, type OutputChunk, type OutputOptions, type RollupOptions } from 'rollup';
import { beforeAll, describe, expect, it } from 'vitest';

let BUNDLE_BUDGET_GZ: number;
let chunk: OutputChunk;
beforeAll(async () => {
  const url = pathToFileURL(new URL('../rollup.extra.mjs', import.meta.url).pathname).href;
  const extra = (await import(url)) as { browserBundle: RollupOptions & { output: OutputOptions }; browserBundleBudgetGz: number };
  const { browserBundle } = extra;
  BUNDLE_BUDGET_GZ = extra.browserBundleBudgetGz;
  const build = await rollup(browserBundle);
  const { output } = await build.generate(browserBundle.output);
  await build.close();
  expect(output).toHaveLength(1);
  chunk = output[0];
}, 120_000);

const rendered = () =>
  Object.entries(chunk.modules)
    .filter(([, m]) => m.renderedLength > 0)
    .map(([id]) => id.slice(id.indexOf('/packages/') >= 0 ? id.indexOf('/packages/') + 1 : id.indexOf('/node_modules/') + 1));

describe('browser bundle', () => {
  it('stays within its gzip budget (rollup.extra.mjs: browserBundleBudgetGz)', () => {
    const gz = gzipSync(chunk.code, { level: 9 }).length;
    expect(gz).toBeLessThanOrEqual(BUNDLE_BUDGET_GZ);
  });

  it('includes ky and oauth4webapi (nothing left for the page to load)', () => {
    expect(chunk.imports).toEqual([]);
    expect(chunk.dynamicImports).toEqual([]);
    expect(rendered()).toEqual(expect.arrayContaining(['node_modules/ky/distribution/core/Ky.js', 'node_modules/oauth4webapi/build/index.js']));
  });

  it("carries nothing of @tessera/core but its errors, and no jose: no verification or decryption code", () => {
    expect(rendered().filter((id) => id.startsWith('packages/core/'))).toEqual(['packages/core/src/errors.ts']);
    expect(rendered().filter((id) => id.includes('/jose/'))).toEqual([]);
    for (const marker of ['decompressed token exceeds maxInflatedSize', 'encrypted tokens are not accepted', 'signature verification failed', 'key source returned no key list']) {
      expect(chunk.code).not.toContain(marker);
    }
  });

  it('has no Node built-ins', () => {
    expect(chunk.code).not.toMatch(/\bnode:/);
  });
});
