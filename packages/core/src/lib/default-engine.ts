import { TesseraArgumentError } from '../errors.js';
import type { VerificationEngine } from './engine.js';
import { joseEngine } from './jose-engine.js';

/** The environment variable that forces an engine for every verifier built without an explicit `engine` option. */
export const ENGINE_ENV_VAR = 'TESSERA_ENGINE';

// Set by the Node flavour of the main entry (`index.node.ts`) to the node:crypto engine. The browser build never sets
// it, so there the default stays jose without this module importing anything Node-specific.
let installed: VerificationEngine | undefined;

/**
 * Installs the engine {@link getDefaultEngine} returns when `TESSERA_ENGINE` does not say otherwise.
 *
 * Called once by the Node entry of `@tessera/core`; pass `undefined` to go back to the jose engine.
 *
 * @param engine - The engine verifiers use when their `engine` option is absent.
 * @example
 * ```ts
 * setDefaultEngine(nodeEngine) // what `@tessera/core` does on Node
 * ```
 */
export function setDefaultEngine(engine: VerificationEngine | undefined): void {
  installed = engine;
}

/** Reads `TESSERA_ENGINE` where a `process.env` exists (Node, Bun, Deno's compat layer); elsewhere there is none. */
function engineFromEnvironment(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[ENGINE_ENV_VAR];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The engine a verifier uses when its `engine` option is absent: the jose engine when `TESSERA_ENGINE=jose`, else the
 * installed default (the node:crypto engine on Node), else jose.
 *
 * Read at verifier construction, never per token, so changing the variable affects verifiers built afterwards.
 *
 * @returns The engine to verify with.
 * @throws {TesseraArgumentError} `invalid_argument` when `TESSERA_ENGINE` is neither `jose` nor `node`, or is `node`
 * where no node:crypto engine is installed (a browser or fetch-runtime build).
 * @example
 * ```ts
 * // TESSERA_ENGINE=jose node server.js  → every verifier without an explicit engine runs on jose
 * const engine = getDefaultEngine();
 * ```
 */
export function getDefaultEngine(): VerificationEngine {
  const forced = engineFromEnvironment();
  if (forced === undefined) return installed ?? joseEngine;
  if (forced === 'jose') return joseEngine;
  if (forced === 'node') {
    if (installed?.name === 'node') return installed;
    throw new TesseraArgumentError(
      `${ENGINE_ENV_VAR}=node, but the node:crypto engine is not installed in this build (use the Node entry)`,
    );
  }
  throw new TesseraArgumentError(`${ENGINE_ENV_VAR} must be "jose" or "node"; got ${JSON.stringify(forced.slice(0, 20))}`);
}
