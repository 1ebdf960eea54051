// Rendering: the session card (token format, scopes, countdown), the last API answer and the timeline. Pure functions
// of the page's state, re-run on every change and twice a second for the countdown.
import type { TokenSet } from '@tessera/client';
import { clock, h } from './dom.js';
import type { Entry, Timeline, Tone } from './timeline.js';

/** Everything the page shows. */
export interface PageState {
  tab: string;
  tokens: TokenSet | undefined;
  /** The current access token's fingerprint. */
  fingerprint: string | undefined;
  /** The fingerprint of the access token "Force expiry" revoked (until a new one arrives). */
  revoked: string | undefined;
  /** How long before expiry the client renews (its `refreshSkew`), in ms. */
  refreshSkewMs: number;
  /** The last answer of an API. */
  lastAnswer: { api: string; status: number; body: unknown } | undefined;
}

const seconds = (ms: number) => `${Math.max(0, Math.ceil(ms / 1000))} s`;

function row(label: string, ...value: (Node | string)[]): HTMLElement {
  return h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, ...value));
}

/** The session card: signed in or not, and what the client holds. */
export function renderSession(state: PageState, now: number): HTMLElement {
  const t = state.tokens;
  if (t === undefined) {
    return h('div', { class: 'session' },
      h('p', { class: 'status signed-out', 'data-testid': 'status', 'data-state': 'signed-out' }, 'Signed out'),
      h('p', { class: 'hint' }, 'Log in: this page sends you to the issuer with a PKCE S256 challenge and exchanges the code it gets back.'),
    );
  }
  const lifetime = t.expiresAt === undefined ? undefined : t.expiresAt - t.issuedAt;
  const left = t.expiresAt === undefined ? undefined : t.expiresAt - now;
  const dueIn = t.expiresAt === undefined || lifetime === undefined ? undefined : t.expiresAt - Math.min(state.refreshSkewMs, lifetime / 2) - now;
  const revoked = state.revoked !== undefined && state.revoked === state.fingerprint;
  const fraction = left === undefined || lifetime === undefined ? 1 : Math.min(1, Math.max(0, left / lifetime));
  const bar = h('div', { class: 'bar' }, h('span', { class: left !== undefined && left <= 0 ? 'expired' : '' }));
  (bar.firstElementChild as HTMLElement).style.width = `${(fraction * 100).toFixed(1)}%`;

  return h('div', { class: 'session' },
    h('p', { class: 'status signed-in', 'data-testid': 'status', 'data-state': 'signed-in' }, 'Signed in'),
    h('dl', {},
      row('Format', h('span', { class: `badge format-${t.format}`, 'data-testid': 'token-format' }, t.format.toUpperCase()), ` ${t.tokenType} token`),
      row('Scopes', h('span', { class: 'chips', 'data-testid': 'token-scopes' }, ...(t.scope ?? '').split(' ').filter(Boolean).map((s) => h('span', { class: 'chip' }, s)))),
      row('Access token',
        h('code', { 'data-testid': 'token-fingerprint' }, `#${state.fingerprint ?? '…'}`),
        revoked ? h('span', { class: 'badge revoked', 'data-testid': 'token-revoked' }, 'revoked') : '',
      ),
      row('Expires in',
        h('span', { class: 'countdown', 'data-testid': 'token-expiry' }, left === undefined ? 'unknown (renewed after a 401)' : left <= 0 ? 'expired' : seconds(left)),
        bar,
      ),
      row('Renewal', dueIn === undefined ? 'after a 401' : dueIn > 0 ? `silent refresh in ${seconds(dueIn)}` : 'due now'),
      row('Refresh token', t.refreshToken === undefined ? 'none' : 'held — rotated on every refresh'),
      row('Storage', 'IndexedDB, encrypted, shared by this origin’s tabs'),
    ),
  );
}

/** The last API answer, as JSON. */
export function renderAnswer(state: PageState): HTMLElement {
  const a = state.lastAnswer;
  if (a === undefined) return h('p', { class: 'hint' }, 'Call an API to see its answer here.');
  return h('div', {},
    h('p', { class: 'answer-title' }, `${a.api} `, h('span', { class: `http s${Math.floor(a.status / 100)}xx` }, String(a.status))),
    h('pre', { 'data-testid': 'last-response' }, JSON.stringify(a.body, null, 2)),
  );
}

interface Shown {
  kind: string;
  label: string;
  tone: Tone;
  title: string;
  detail: string | undefined;
}

/** What a `tokens` entry says once it is known who produced the set. */
function shownTokens(e: Entry, timeline: Timeline, now: number): Shown {
  const origin = e.fingerprint === undefined ? undefined : timeline.originOf(e.fingerprint);
  const token = `new access token #${e.fingerprint ?? '?'}`;
  if (origin?.tab === 'self' && origin.via === 'refresh') {
    return { kind: 'refresh-self', label: 'refresh', tone: 'accent', title: 'Refreshed — by this tab', detail: `refresh_token grant sent to the issuer; ${token}, refresh token rotated; handed to the other tabs` };
  }
  if (origin?.via === 'login') {
    return { kind: 'login-other', label: 'login', tone: 'good', title: `Logged in — in tab ${origin.tab}`, detail: `this tab took the token set (${token}): no request to the issuer` };
  }
  if (origin !== undefined || now - e.at > 1500) {
    const who = origin === undefined ? 'another tab' : `tab ${origin.tab}`;
    return { kind: 'refresh-other', label: 'shared', tone: 'neutral', title: `Refreshed — by ${who}`, detail: `this tab took the result (${token}): no request to the issuer` };
  }
  return { kind: 'tokens-pending', label: 'tokens', tone: 'neutral', title: 'New token set…', detail: token };
}

const LABELS: Record<Entry['kind'], string> = {
  page: 'page', login: 'login', tokens: 'tokens', restored: 'storage', api: 'api', expiry: 'expiry', logout: 'logout', error: 'error', tab: 'tab',
};

/** The timeline, newest first. */
export function renderTimeline(timeline: Timeline, now: number): HTMLElement[] {
  return timeline.entries.toReversed().map((e) => {
    const shown: Shown =
      e.kind === 'tokens' ? shownTokens(e, timeline, now) : { kind: e.kind, label: LABELS[e.kind], tone: e.tone, title: e.title, detail: e.detail };
    return h('li', {
      class: `entry tone-${shown.tone}`,
      'data-testid': 'timeline-entry',
      'data-kind': shown.kind,
      'data-api': e.api,
      'data-status': e.status,
      'data-fingerprint': e.fingerprint,
    },
      h('time', { datetime: new Date(e.at).toISOString() }, clock(e.at)),
      h('span', { class: 'label' }, shown.label),
      h('div', { class: 'text' }, h('strong', {}, shown.title), shown.detail === undefined ? '' : h('small', {}, shown.detail)),
    );
  });
}
