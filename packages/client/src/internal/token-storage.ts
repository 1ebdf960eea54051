import { TokenClientError } from '../errors.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import { parseTokenSet, serializeTokenSet, type TokenSet } from '../token-set.js';

/**
 * The client's view of its storage: never throws. A storage that fails is replaced by memory (carrying over what the
 * client was writing) and reported once per failure through `report`; a value that is not a token set is ignored and
 * reported as `storage_corrupted`.
 */
export class TokenStorage {
  #adapter: StorageAdapter;
  readonly #key: string;
  readonly #report: (err: TokenClientError) => void;
  /** The last unreadable value reported, so re-reading it (every call while logged out) does not report it again. */
  #ignored: string | undefined;

  constructor(adapter: StorageAdapter, key: string, report: (err: TokenClientError) => void) {
    this.#adapter = adapter;
    this.#key = key;
    this.#report = report;
  }

  /** Whether other tabs see this storage (false once degraded to memory). */
  get shared(): boolean {
    return this.#adapter.shared === true;
  }

  #fail(cause: unknown, action: string): void {
    if (cause instanceof TokenClientError && cause.code === 'storage_corrupted') {
      this.#report(cause);
      return;
    }
    this.#adapter = memoryStorage();
    this.#report(
      new TokenClientError('storage_unavailable', `the token storage failed to ${action}; continuing in memory`, { cause }),
    );
  }

  /** Reads the raw value: `null` when there is none (or the storage failed), `undefined` when it is unreadable (reported). */
  async get(): Promise<string | null | undefined> {
    try {
      const value = await this.#adapter.get(this.#key);
      if (value === null || value === undefined) return null;
      if (typeof value === 'string') return value;
      this.#report(new TokenClientError('storage_corrupted', 'the storage returned a value that is not a string'));
      return undefined;
    } catch (cause) {
      this.#fail(cause, 'read');
      return cause instanceof TokenClientError && cause.code === 'storage_corrupted' ? undefined : null;
    }
  }

  /** Writes a raw value; on failure the value is kept in the memory that replaces the storage. */
  async set(value: string): Promise<void> {
    try {
      await this.#adapter.set(this.#key, value);
    } catch (cause) {
      this.#fail(cause, 'write');
      await this.#adapter.set(this.#key, value);
    }
  }

  /** Removes a raw value. */
  async remove(): Promise<void> {
    try {
      await this.#adapter.remove(this.#key);
    } catch (cause) {
      this.#fail(cause, 'remove a value');
    }
  }

  /** The stored token set; `null` when there is none, `undefined` when it is unreadable (reported, ignored). */
  async load(): Promise<TokenSet | null | undefined> {
    const text = await this.get();
    if (typeof text !== 'string') return text;
    const tokens = parseTokenSet(text);
    if (tokens === undefined && text !== this.#ignored) {
      this.#ignored = text;
      this.#report(new TokenClientError('storage_corrupted', 'the stored value is not a token set written by this client; ignored'));
    }
    return tokens;
  }

  /** Stores a token set. */
  save(tokens: TokenSet): Promise<void> {
    return this.set(serializeTokenSet(tokens));
  }
}
