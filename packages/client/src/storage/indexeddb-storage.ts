import { TokenClientError } from '../errors.js';
import { idbGet, idbGetOrCreate, idbWrite, openDatabase } from '../internal/idb.js';
import type { StorageAdapter } from './storage-adapter.js';

/** Options of {@link indexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /**
   * The IndexedDB database name (the DPoP key of a client with `dpop` lives there too).
   * @default 'tessera'
   */
  database?: string;
}

interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
}

const encoder = /* @__PURE__ */ new TextEncoder();

function isSealed(value: unknown): value is Sealed {
  const v = value as Partial<Sealed> | null;
  return typeof v === 'object' && v !== null && v.iv instanceof Uint8Array && v.iv.length === 12 && v.data instanceof Uint8Array;
}

/**
 * Keeps the token set in IndexedDB, encrypted at rest with AES-256-GCM under a **non-extractable** WebCrypto key that
 * is itself kept in IndexedDB: what is on disk (or in a copied profile) is ciphertext, and no script — not even one on
 * the page — can read the key's bytes. Each value has a fresh 96-bit IV and is bound to its storage key (AAD), so
 * values cannot be swapped. Shared by the origin's tabs; survives reloads and restarts.
 *
 * Script on the page can still ask the client for tokens (that is what a token client is for): this protects tokens at
 * rest, not against XSS. A value that fails to decrypt is reported as `storage_corrupted` and ignored.
 *
 * @param options - the database name
 * @returns a shared adapter
 * @example
 * ```ts test-only
 * const client = createTokenClient({ issuer, clientId: 'spa', storage: indexedDbStorage() });
 * ```
 */
export function indexedDbStorage(options: IndexedDbStorageOptions = {}): StorageAdapter {
  const name = options.database ?? 'tessera';
  let ready: Promise<{ db: IDBDatabase; key: CryptoKey }> | undefined;
  const open = () =>
    (ready ??= (async () => {
      const db = await openDatabase(name);
      const key = await idbGetOrCreate(db, 'storage', () =>
        crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']),
      );
      if (!(key instanceof CryptoKey)) throw new TokenClientError('storage_corrupted', 'the IndexedDB storage key is not a CryptoKey');
      return { db, key };
    })().catch((err: unknown) => {
      ready = undefined;
      throw err;
    }));
  return {
    shared: true,
    async get(storageKey) {
      const { db, key } = await open();
      const sealed = await idbGet(db, 'values', storageKey);
      if (sealed === undefined) return null;
      if (!isSealed(sealed)) throw new TokenClientError('storage_corrupted', 'the IndexedDB value is not an encrypted record');
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(storageKey) },
          key,
          sealed.data,
        );
        return new TextDecoder().decode(plain);
      } catch (cause) {
        throw new TokenClientError('storage_corrupted', 'the IndexedDB value does not decrypt', { cause });
      }
    },
    async set(storageKey, value) {
      const { db, key } = await open();
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(storageKey) }, key, encoder.encode(value)),
      );
      await idbWrite(db, 'values', 'put', storageKey, { iv, data } satisfies Sealed);
    },
    async remove(storageKey) {
      const { db } = await open();
      await idbWrite(db, 'values', 'delete', storageKey);
    },
  };
}
