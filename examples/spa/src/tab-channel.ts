// Which tab is which. @tessera/client already coordinates the tabs (one lock per refresh, the new token set handed
// over a BroadcastChannel); this page's own channel only says *who* did what, so each timeline can name the tab that
// refreshed. It carries token fingerprints, never tokens.

/** What the demo's tabs tell each other. */
export type TabNews =
  | { type: 'opened'; tab: string }
  | { type: 'logged-in'; tab: string; fingerprint: string }
  | { type: 'refreshed'; tab: string; fingerprint: string };

const TAB_KEY = 'tessera-demo:tab';

/**
 * This tab's id: four hex digits, kept in `sessionStorage` so the login redirect (a reload) keeps it. A tab opened
 * with `noopener` starts with an empty `sessionStorage`, hence a new id.
 */
export function tabId(): string {
  let id = sessionStorage.getItem(TAB_KEY);
  if (id === null || !/^[0-9A-F]{4}$/.test(id)) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(2)), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
    sessionStorage.setItem(TAB_KEY, id);
  }
  return id;
}

const isNews = (v: unknown): v is TabNews => {
  const m = v as Partial<Record<string, unknown>> | null;
  return typeof m === 'object' && m !== null && typeof m.tab === 'string' &&
    (m.type === 'opened' ||
      ((m.type === 'logged-in' || m.type === 'refreshed') && typeof m.fingerprint === 'string'));
};

/** The demo's channel between tabs of this origin. */
export class TabChannel {
  readonly #channel = new BroadcastChannel('tessera-demo');

  /** @param onNews - called with what another tab says */
  constructor(onNews: (news: TabNews) => void) {
    this.#channel.onmessage = (event: MessageEvent<unknown>) => {
      if (isNews(event.data)) onNews(event.data);
    };
  }

  /** Tells the other tabs. */
  post(news: TabNews): void {
    this.#channel.postMessage(news);
  }
}
