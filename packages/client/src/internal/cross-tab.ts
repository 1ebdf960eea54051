// Coordination between the tabs of one origin: one lock per client (its storage key) so only one tab spends the
// refresh token, and a BroadcastChannel that hands the result to the others.
//
// The lock is a Web Lock (`navigator.locks`) where there is one: the browser releases it when a tab closes or
// crashes, and a tab that waited `timeout` for a holder that froze takes it over (`steal`). Without Web Locks the
// lock is a record in localStorage (`{ id, until }`): a tab writes its id, waits for racing writes to settle, and holds
// the lock if its id is still there; a record left by a closed tab stops counting at `until`. Without either (Node,
// a worker with neither), only the in-process single-flight applies.
import type { TokenSet } from '../token-set.js';

/** What tabs tell each other. */
export type TabMessage = { type: 'tokens'; tokens: TokenSet } | { type: 'logout' };

/**
 * How long a tab waits after writing the localStorage lock record for racing writes from other tabs to land, and after
 * taking a lock it had to wait for, for the holder's hand-off (BroadcastChannel message, localStorage write) to arrive:
 * browsers deliver those and the lock grant on different channels, in no guaranteed order.
 */
const SETTLE_MS = 40;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const NOT_FREE = Symbol('not free');

function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(36)).join('');
}

async function withWebLock<T>(locks: LockManager, name: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  // The common case: nobody holds it.
  const result = await locks.request(name, { ifAvailable: true }, (lock) => (lock === null ? NOT_FREE : fn()));
  if (result !== NOT_FREE) return result as T;
  const afterWaiting = async () => {
    await sleep(SETTLE_MS);
    return fn();
  };
  const waiting = new AbortController();
  const timer = setTimeout(() => waiting.abort(), timeoutMs);
  try {
    return await locks.request(name, { signal: waiting.signal }, () => {
      clearTimeout(timer);
      return afterWaiting();
    });
  } catch (err) {
    if (!waiting.signal.aborted || (err as Error | null)?.name !== 'AbortError') throw err;
    // The holder kept the lock past the timeout (a frozen or hung tab): take it over. The holder, if it ever wakes
    // up, finds a newer token set when it re-reads storage and does not overwrite it.
    return locks.request(name, { steal: true }, afterWaiting);
  } finally {
    clearTimeout(timer);
  }
}

async function withStorageLock<T>(area: Storage, name: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const key = `${name}:lock`;
  const id = randomId();
  const holder = (): { id?: unknown; until?: unknown } | null => {
    try {
      return JSON.parse(area.getItem(key) ?? 'null') as { id?: unknown; until?: unknown } | null;
    } catch {
      return null;
    }
  };
  const giveUpAt = Date.now() + timeoutMs;
  let waited = false;
  try {
    for (;;) {
      const now = Date.now();
      const held = holder();
      if (held === null || typeof held.until !== 'number' || held.until <= now || now >= giveUpAt) {
        area.setItem(key, JSON.stringify({ id, until: now + timeoutMs }));
        await sleep(SETTLE_MS);
        if (holder()?.id === id) break;
      }
      waited = true;
      await sleep(SETTLE_MS + Math.random() * 60);
    }
    if (waited) await sleep(SETTLE_MS);
  } catch {
    // localStorage refused the record (full, blocked): no lock to share; the in-process single-flight still applies.
    return fn();
  }
  try {
    return await fn();
  } finally {
    try {
      if (holder()?.id === id) area.removeItem(key);
    } catch {
      // The record expires at `until` anyway.
    }
  }
}

/** The cross-tab lock and channel of one client. */
export class CrossTab {
  readonly #name: string;
  readonly #timeoutMs: number;
  readonly #channel: BroadcastChannel | undefined;

  constructor(name: string, timeoutMs: number, onMessage: (message: TabMessage) => void) {
    this.#name = name;
    this.#timeoutMs = timeoutMs;
    if (typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel(name);
      this.#channel.onmessage = (event: MessageEvent<TabMessage>) => {
        const m = event.data;
        if (m?.type === 'logout' || (m?.type === 'tokens' && typeof m.tokens?.accessToken === 'string')) onMessage(m);
      };
    }
  }

  /** Runs `fn` holding the client's lock across tabs (Web Locks, else a localStorage lock, else none). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const locks = globalThis.navigator?.locks;
    if (locks !== undefined) return withWebLock(locks, this.#name, this.#timeoutMs, fn);
    let area: Storage | undefined;
    try {
      area = globalThis.localStorage;
    } catch {
      // Blocked storage: no lock to share, the in-process single-flight still applies.
    }
    return area === undefined ? fn() : withStorageLock(area, this.#name, this.#timeoutMs, fn);
  }

  /** Tells the other tabs. */
  post(message: TabMessage): void {
    this.#channel?.postMessage(message);
  }

  close(): void {
    this.#channel?.close();
  }
}
