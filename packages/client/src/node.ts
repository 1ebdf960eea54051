/**
 * `@tessera/client/node`: the Node-only storage adapter. Everything else comes from `@tessera/client`.
 *
 * @packageDocumentation
 */
export { fileStorage } from './storage/file-storage.js';
