/**
 * `@tessera/core` as Node resolves it (the `node` export condition): the same public API as the isomorphic entry,
 * with the node:crypto engine installed as the default verification engine. Browsers and fetch runtimes resolve the
 * isomorphic entry, which never imports `node:*`. `TESSERA_ENGINE=jose` still forces jose.
 *
 * @packageDocumentation
 */
import { setDefaultEngine } from './lib/default-engine.js';
import { nodeEngine } from './node/node-engine.js';

export * from './index.js';

// A statement of the entry module itself, not a side-effect import: bundlers keep it (package.json lists this build
// under `sideEffects`), and it runs before any verifier of this module graph is built.
setDefaultEngine(nodeEngine);
