// Promise helpers over IndexedDB for the encrypted token storage and the DPoP key: one database, two object stores
// (`keys` holds CryptoKeys, which IndexedDB stores as non-extractable structured clones; `values` holds ciphertexts).

const STORES = ['keys', 'values'] as const;
type Store = (typeof STORES)[number];

const opened = new Map<string, Promise<IDBDatabase>>();

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Opens (once per page) the database, creating its stores. A failure (no IndexedDB, private mode, blocked) rejects
 * and is forgotten, so a later call tries again.
 */
export function openDatabase(name: string): Promise<IDBDatabase> {
  let db = opened.get(name);
  if (db === undefined) {
    db = new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => {
        for (const store of STORES) {
          if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
        }
      };
      request.onsuccess = () => {
        const connection = request.result;
        // Another tab upgrading the schema: let it, and reopen on next use.
        connection.onversionchange = () => {
          connection.close();
          opened.delete(name);
        };
        resolve(connection);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('IndexedDB open blocked'));
    });
    db.catch(() => opened.delete(name));
    opened.set(name, db);
  }
  return db;
}

/** Reads one value. */
export async function idbGet(db: IDBDatabase, store: Store, key: string): Promise<unknown> {
  return settle(db.transaction(store, 'readonly').objectStore(store).get(key));
}

/** Writes (`put`), inserts only if absent (`add`, resolving false when the key exists) or deletes; resolves on commit. */
export function idbWrite(
  db: IDBDatabase,
  store: Store,
  op: 'put' | 'add' | 'delete',
  key: string,
  value?: unknown,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite');
    const objects = tx.objectStore(store);
    const request = op === 'delete' ? objects.delete(key) : objects[op](value, key);
    request.onerror = (event) => {
      if (op === 'add' && request.error?.name === 'ConstraintError') {
        event.preventDefault();
        resolve(false);
      }
    };
    tx.oncomplete = () => resolve(true);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * The value under `key` in `keys`, created by `make` if absent. Two tabs racing to create it agree on the first one
 * written (`add` never overwrites), so neither ends up with a key the other cannot use.
 */
export async function idbGetOrCreate<T>(db: IDBDatabase, key: string, make: () => Promise<T>): Promise<unknown> {
  const existing = await idbGet(db, 'keys', key);
  if (existing !== undefined) return existing;
  const made = await make();
  return (await idbWrite(db, 'keys', 'add', key, made)) ? made : idbGet(db, 'keys', key);
}
