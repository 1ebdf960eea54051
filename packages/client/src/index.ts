/**
 * `@tessera/client`: an isomorphic OAuth token client — grants through oauth4webapi, refresh rotation with
 * single-flight and a cross-tab lock, storage adapters, `ky` and `fetch` with the token attached, DPoP. It imports
 * only errors and types from `@tessera/core`: it never verifies or decrypts a token.
 *
 * @packageDocumentation
 */
export { createTokenClient } from './create-token-client.js';
export type { TokenClient, AuthorizeUrlOptions, PasswordCredentials } from './token-client.js';
export type { TokenClientOptions, TokenClientEndpoints, ClientAuthOption, DpopOptions } from './options.js';
export type { TokenSet, TokenFormat, GrantType } from './token-set.js';
export { tokenFormat } from './token-set.js';
export type { TokenClientEvents, TokenClientListener, LogoutReason } from './events.js';
export { TokenClientError, type ClientErrorCode, type TokenClientErrorOptions } from './errors.js';
export type { StorageAdapter, MaybePromise } from './storage/storage-adapter.js';
export { memoryStorage } from './storage/memory-storage.js';
export { webStorage } from './storage/web-storage.js';
export { indexedDbStorage, type IndexedDbStorageOptions } from './storage/indexeddb-storage.js';
