/**
 * `@tessera/core/testing`: reusable test suites for implementers of core's interfaces (the TokenStore conformance
 * suite). Imports `vitest`; use it from tests only.
 *
 * @packageDocumentation
 */
export {};
