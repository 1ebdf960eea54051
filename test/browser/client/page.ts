// The test page's script (bundled by esbuild for the browser suite): one token client per page, and the few hooks the
// test drives through page.evaluate. Lock names are the client's documented ones: the storage key ('tessera:spa')
// for the Web Lock and `${storageKey}:lock` for the localStorage lock record.
import { createTokenClient, indexedDbStorage, type TokenClient, type TokenSet } from '../../../packages/client/src/index.js';

export interface PageOptions {
  storage: 'localStorage' | 'memory' | 'indexedDB';
  dpop?: boolean;
  lockTimeout?: number;
}

let client: TokenClient;

/** The client's IndexedDB database, opened the way every script on the page could. */
function openTesseraDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('tessera');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
const events: { type: string; detail: string }[] = [];

const harness = {
  create(options: PageOptions): void {
    client = createTokenClient({
      issuer: location.origin,
      clientId: 'spa',
      allowInsecureRequests: true, // http://127.0.0.1 in the test
      autoRefresh: false,
      refreshSkew: 0,
      lockTimeout: options.lockTimeout ?? 2,
      storage: options.storage === 'indexedDB' ? indexedDbStorage() : options.storage,
      dpop: options.dpop === true,
    });
    for (const type of ['tokens', 'refresh', 'refresh_error', 'logout', 'storage_error'] as const) {
      client.on(type, (payload) => events.push({ type, detail: JSON.stringify('error' in payload ? payload.error : payload) }));
    }
  },
  async login(): Promise<TokenSet> {
    return client.password({ username: 'alice', password: 'wonderland' });
  },
  async callApi(): Promise<number> {
    return (await client.fetch('/api/orders')).status;
  },
  async callApiWithKy(): Promise<unknown> {
    return client.ky.get(new URL('/api/orders', location.origin)).json();
  },
  tokens: (): Promise<TokenSet | undefined> => client.getTokens(),
  events: () => events,
  /** Takes the refresh Web Lock and never gives it back (a tab that hung while holding it). */
  async holdWebLock(): Promise<void> {
    await new Promise<void>((held) => void navigator.locks.request('tessera:spa', () => (held(), new Promise<never>(() => undefined))));
  },
  /** Writes the localStorage lock record as a tab that is then closed would leave it. */
  holdStorageLock(seconds: number): void {
    localStorage.setItem('tessera:spa:lock', JSON.stringify({ id: 'closed-tab', until: Date.now() + seconds * 1000 }));
  },
  /** The raw IndexedDB record of the token set, as bytes (what a disk or profile copy would hold). */
  async rawStoredValue(): Promise<{ kind: string; bytes: number[] } | undefined> {
    const db = await openTesseraDb();
    const value = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction('values').objectStore('values').get('tessera:spa');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    if (value === undefined) return undefined;
    const record = value as { iv?: Uint8Array; data?: Uint8Array };
    if (!(record.data instanceof Uint8Array)) return { kind: typeof value, bytes: [] };
    return { kind: 'sealed', bytes: [...(record.iv ?? []), ...record.data] };
  },
  /** Fills localStorage to the last byte the browser allows (then it throws a real QuotaExceededError). */
  fillLocalStorage(): string {
    let refusal = '';
    let i = 0;
    for (const size of [512 * 1024, 32 * 1024, 1024, 32, 1]) {
      const chunk = 'x'.repeat(size);
      for (;;) {
        try {
          localStorage.setItem(`filler-${i++}`, chunk);
        } catch (err) {
          refusal = (err as Error).name;
          break;
        }
      }
    }
    return refusal;
  },
  /** Flips one ciphertext byte of the stored token set, as disk corruption or tampering would. */
  async tamperStoredValue(): Promise<void> {
    const db = await openTesseraDb();
    const store = db.transaction('values', 'readwrite').objectStore('values');
    await new Promise<void>((resolve, reject) => {
      const get = store.get('tessera:spa');
      get.onsuccess = () => {
        const record = get.result as { iv: Uint8Array; data: Uint8Array };
        record.data[0] = record.data[0]! ^ 1;
        const put = store.put(record, 'tessera:spa');
        put.onsuccess = () => resolve();
        put.onerror = () => reject(put.error);
      };
      get.onerror = () => reject(get.error);
    });
    db.close();
  },
  /** Whether the stored DPoP private key could be exported (it must not). */
  async dpopKeyExtractable(): Promise<boolean | undefined> {
    const db = await openTesseraDb();
    const pair = await new Promise<CryptoKeyPair | undefined>((resolve, reject) => {
      const request = db.transaction('keys').objectStore('keys').get('dpop:tessera:spa:ES256');
      request.onsuccess = () => resolve(request.result as CryptoKeyPair | undefined);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return pair?.privateKey.extractable;
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
