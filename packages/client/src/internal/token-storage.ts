import { TokenClientError } from '../errors.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import { parseTokenSet, serializeTokenSet, type TokenSet } from '../token-set.js';

/**
 * The client's view of one storage key: never throws. A storage that fails is replaced by memory (carrying over what
 * the client was writing) and reported once per failure through `report`; a value that is not a token set is ignored
 * and reported as `storage_corrupted`.
 */
export interface TokenStorage {
  /** Whether other tabs see this storage (false once degraded to memory). */
  readonly shared: boolean;
  /** Reads the raw value: `null` when there is none (or the storage failed), `undefined` when it is unreadable (reported). */
  get(): Promise<string | null | undefined>;
  /** Writes a raw value; on failure the value is kept in the memory that replaces the storage. */
  set(value: string): Promise<void>;
  /** Removes the value. */
  remove(): Promise<void>;
  /** The stored token set; `null` when there is none, `undefined` when it is unreadable (reported, ignored). */
  load(): Promise<TokenSet | null | undefined>;
  /** Stores a token set. */
  save(tokens: TokenSet): Promise<void>;
}

const corrupted = (cause: unknown): cause is TokenClientError =>
  cause instanceof TokenClientError && cause.code === 'storage_corrupted';

/** @param key - the storage key */
export function tokenStorage(adapter: StorageAdapter, key: string, report: (err: TokenClientError) => void): TokenStorage {
  /** The last unreadable value reported, so re-reading it (every call while logged out) does not report it again. */
  let ignored: string | undefined;
  const fail = (cause: unknown, action: string): void => {
    if (corrupted(cause)) return report(cause);
    adapter = memoryStorage();
    report(new TokenClientError('storage_unavailable', `the token storage failed to ${action}; continuing in memory`, { cause }));
  };
  const storage: TokenStorage = {
    get shared() {
      return adapter.shared === true;
    },
    async get() {
      try {
        const value = await adapter.get(key);
        if (value === null || value === undefined) return null;
        if (typeof value === 'string') return value;
        report(new TokenClientError('storage_corrupted', 'the storage returned a value that is not a string'));
        return undefined;
      } catch (cause) {
        fail(cause, 'read');
        return corrupted(cause) ? undefined : null;
      }
    },
    async set(value) {
      try {
        await adapter.set(key, value);
      } catch (cause) {
        fail(cause, 'write');
        await adapter.set(key, value);
      }
    },
    async remove() {
      try {
        await adapter.remove(key);
      } catch (cause) {
        fail(cause, 'remove a value');
      }
    },
    async load() {
      const text = await storage.get();
      if (typeof text !== 'string') return text;
      const tokens = parseTokenSet(text);
      if (tokens === undefined && text !== ignored) {
        ignored = text;
        report(new TokenClientError('storage_corrupted', 'the stored value is not a token set written by this client; ignored'));
      }
      return tokens;
    },
    save: (tokens) => storage.set(serializeTokenSet(tokens)),
  };
  return storage;
}
