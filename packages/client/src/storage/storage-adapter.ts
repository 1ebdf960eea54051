/** A value or a promise of it: adapters may be synchronous (Web Storage) or asynchronous (IndexedDB, files, …). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where the client keeps its token set (and, for the authorization code flow, its pending PKCE state): a small
 * string key–value store. Implement it to keep tokens anywhere else (a native secure store, an encrypted cookie
 * jar, …); the built-in ones are {@link memoryStorage}, {@link webStorage} (`localStorage` / `sessionStorage`),
 * {@link indexedDbStorage} (encrypted at rest) and `fileStorage` from `@tessera/client/node`.
 *
 * Any method may throw or reject: the client then emits `storage_error` and continues in memory. A value that
 * `get` returns but that is not a token set the client wrote is ignored (with `storage_error`), never trusted.
 *
 * @example
 * ```ts
 * const adapter: StorageAdapter = {
 *   get: (key) => secureStore.read(key),
 *   set: (key, value) => secureStore.write(key, value),
 *   remove: (key) => secureStore.delete(key),
 * };
 * ```
 */
export interface StorageAdapter {
  /** The stored value, or `null`/`undefined` when there is none. */
  get(key: string): MaybePromise<string | null | undefined>;
  /** Stores `value` under `key`, replacing what was there. */
  set(key: string, value: string): MaybePromise<void>;
  /** Removes `key`; removing an absent key is not an error. */
  remove(key: string): MaybePromise<void>;
  /**
   * Whether other tabs (or processes) read what this adapter writes. A shared storage is re-read after taking the
   * cross-tab lock, and an empty one then means another tab logged out.
   * @default false
   */
  readonly shared?: boolean;
}
