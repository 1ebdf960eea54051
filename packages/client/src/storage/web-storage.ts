import type { StorageAdapter } from './storage-adapter.js';

/**
 * Keeps the token set in `localStorage` (shared by the origin's tabs, survives a restart) or `sessionStorage` (one
 * tab, survives a reload). The storage object is looked up on each call, so a page where it is blocked (sandboxed
 * frames, some private modes) or full (`QuotaExceededError`) makes the call throw and the client degrade to memory
 * with a `storage_error` event — never a throw from `createTokenClient`.
 *
 * Web Storage is readable by any script on the origin: prefer memory or {@link indexedDbStorage} where XSS matters.
 *
 * @param kind - which storage, or a `Storage` object
 * @returns an adapter; `shared` for `localStorage`
 */
export function webStorage(kind: 'localStorage' | 'sessionStorage' | Storage): StorageAdapter {
  const area = (): Storage => (typeof kind === 'string' ? globalThis[kind] : kind);
  return {
    get: (key) => area().getItem(key),
    set: (key, value) => area().setItem(key, value),
    remove: (key) => area().removeItem(key),
    shared: kind === 'localStorage' || (typeof kind !== 'string' && isLocalStorage(kind)),
  };
}

function isLocalStorage(area: Storage): boolean {
  try {
    return area === globalThis.localStorage;
  } catch {
    return false;
  }
}
