// One tab's timeline: what happened, in order, kept in sessionStorage so the login redirect (a reload) keeps it.
// A new token set is recorded with its fingerprint only; who produced it — this tab's refresh, another tab's refresh
// or login — is learnt a moment later (the client's `refresh` event, the demo channel) and decided when rendering.

/** What an entry is about. */
export type EntryKind = 'page' | 'login' | 'tokens' | 'restored' | 'api' | 'expiry' | 'logout' | 'error' | 'tab';

/** How an entry looks. */
export type Tone = 'neutral' | 'accent' | 'good' | 'warn' | 'bad';

/** One thing that happened in this tab. */
export interface Entry {
  id: number;
  at: number;
  kind: EntryKind;
  tone: Tone;
  title: string;
  detail?: string;
  /** `tokens` and `login` entries: the new access token's fingerprint. */
  fingerprint?: string;
  /** `api` entries. */
  api?: 'koa' | 'express';
  status?: number;
}

/** Who produced a token set: this tab, or another tab (its id), by a login or a refresh. */
export interface Origin {
  tab: 'self' | string;
  via: 'login' | 'refresh';
}

const MAX_ENTRIES = 200;

/** The timeline of this tab. */
export class Timeline {
  readonly #key: string;
  readonly #onChange: () => void;
  #entries: Entry[] = [];
  #origins: Record<string, Origin> = {};

  /**
   * @param key - the sessionStorage key
   * @param onChange - called after every change
   */
  constructor(key: string, onChange: () => void) {
    this.#key = key;
    this.#onChange = onChange;
    try {
      const saved = JSON.parse(sessionStorage.getItem(key) ?? 'null') as { entries?: Entry[]; origins?: Record<string, Origin> } | null;
      if (Array.isArray(saved?.entries)) this.#entries = saved.entries;
      if (typeof saved?.origins === 'object' && saved.origins !== null) this.#origins = saved.origins;
    } catch {
      // A damaged record: start a new timeline.
    }
  }

  /** Oldest first. */
  get entries(): readonly Entry[] {
    return this.#entries;
  }

  /**
   * Appends an entry.
   * @returns the entry (its `id` lets a later `update` change it)
   */
  add(entry: Omit<Entry, 'id' | 'at'>): Entry {
    const full = { ...entry, id: (this.#entries.at(-1)?.id ?? 0) + 1, at: Date.now() };
    this.#entries = [...this.#entries, full].slice(-MAX_ENTRIES);
    this.#changed();
    return full;
  }

  /** Changes an entry in place (a call that was pending now has its answer). */
  update(id: number, changes: Partial<Omit<Entry, 'id' | 'at'>>): void {
    this.#entries = this.#entries.map((e) => (e.id === id ? { ...e, ...changes } : e));
    this.#changed();
  }

  /** Records who produced the token set with this fingerprint (the first word wins). */
  setOrigin(fingerprint: string, origin: Origin): void {
    if (this.#origins[fingerprint] !== undefined) return;
    this.#origins[fingerprint] = origin;
    const known = Object.keys(this.#origins);
    for (const old of known.slice(0, Math.max(0, known.length - MAX_ENTRIES))) delete this.#origins[old];
    this.#changed();
  }

  /** Who produced the token set with this fingerprint, when known. */
  originOf(fingerprint: string): Origin | undefined {
    return this.#origins[fingerprint];
  }

  /** Forgets everything (the "clear" link). */
  clear(): void {
    this.#entries = [];
    this.#origins = {};
    this.#changed();
  }

  #changed(): void {
    try {
      sessionStorage.setItem(this.#key, JSON.stringify({ entries: this.#entries, origins: this.#origins }));
    } catch {
      // A full sessionStorage only loses the history across a reload.
    }
    this.#onChange();
  }
}
