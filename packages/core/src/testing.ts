/**
 * `@tessera/core/testing`: reusable test suites for implementers of core's interfaces (the TokenStore conformance
 * suite). Imports `vitest` (an optional peer dependency); use it from tests only.
 *
 * @packageDocumentation
 */
export {
  describeTokenStoreConformance,
  type TokenStoreConformanceOptions,
} from './store/conformance/describe-token-store-conformance.js';
