import type { StorageAdapter } from './storage-adapter.js';

/**
 * Keeps the token set in this page's (or process's) memory only: the default, and the safest place in a browser (no
 * script can read it later from storage), at the price of a login after every reload unless the issuer keeps a
 * session. Also what the client falls back to when another storage fails.
 * @returns a new, empty, unshared adapter
 */
export function memoryStorage(): StorageAdapter {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key),
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  };
}
