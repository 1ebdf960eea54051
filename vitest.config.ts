import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tessera\/core\/testing$/, replacement: src('./packages/core/src/testing.ts') },
      { find: /^@tessera\/core\/node$/, replacement: src('./packages/core/src/node.ts') },
      { find: /^@tessera\/client\/node$/, replacement: src('./packages/client/src/node.ts') },
      // Tests run on Node, so they get what Node resolves through the `node` export condition: the Node flavour of the
      // main entry, with the node:crypto engine as default (the differential suite compares it with jose).
      { find: /^@tessera\/core$/, replacement: src('./packages/core/src/index.node.ts') },
      ...['verifier', 'koa', 'express', 'client', 'issuer', 'redis', 'cli'].map((name) => ({
        find: new RegExp(`^@tessera/${name}$`),
        replacement: src(`./packages/${name}/src/index.ts`),
      })),
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
