/**
 * `@tessera/core`: keys, sign/encrypt, verify/decrypt under a strict policy, stable error codes, caches and the
 * TokenStore contract. Isomorphic: runs on jose + WebCrypto in Node, browsers and fetch runtimes.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './algorithms.js';
export type * from './types.js';
export type { VerificationEngine, CompactJws, CompactJwe, DecryptLimits, DecryptCompat, JwsSigningHeader } from './lib/engine.js';
export * from './keys/index.js';
export * from './issue/index.js';
export * from './verify/index.js';
export * from './cache/index.js';
export * from './store/index.js';
