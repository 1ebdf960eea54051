/**
 * `@tessera/core/node`: the node:crypto verification engine. The Node build of `@tessera/core` already installs it as
 * the default; import it from here to pass it explicitly (`createTokenVerifier({ engine: nodeEngine })`). Node only.
 *
 * @packageDocumentation
 */
export { nodeEngine } from './node/node-engine.js';
