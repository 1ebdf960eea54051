// The demo SPA: one @tessera/client token client for this tab, wired to the buttons, the session card and the
// timeline. Everything OAuth — PKCE, the code exchange, renewal before expiry and after a 401, the cross-tab lock and
// hand-off, revocation — is the client's; this file only shows what it does.
import { createTokenClient, indexedDbStorage, type TokenSet } from '@tessera/client';
import { callApi, describeError, finishLogIn, forceExpiry, logIn, logOut, openTab } from './actions.js';
import { REFRESH_SKEW_SECONDS, SCOPE, type App } from './app.js';
import { loadConfig, type DemoConfig } from './config.js';
import { byTestId, h } from './dom.js';
import { fingerprint } from './fingerprint.js';
import { TabChannel, tabId, type TabNews } from './tab-channel.js';
import { Timeline } from './timeline.js';
import { renderAnswer, renderSession, renderTimeline, type PageState } from './view.js';

const buttons = {
  login: byTestId<HTMLButtonElement>('login'),
  callKoa: byTestId<HTMLButtonElement>('call-koa'),
  callExpress: byTestId<HTMLButtonElement>('call-express'),
  forceExpiry: byTestId<HTMLButtonElement>('force-expiry'),
  openTab: byTestId<HTMLButtonElement>('open-tab'),
  logout: byTestId<HTMLButtonElement>('logout'),
};
let busy = false;

function start(config: DemoConfig): App {
  const tab = tabId();
  const state: PageState = {
    tab,
    tokens: undefined,
    fingerprint: undefined,
    revoked: undefined,
    refreshSkewMs: REFRESH_SKEW_SECONDS * 1000,
    lastAnswer: undefined,
  };
  const render = (): void => {
    const now = Date.now();
    byTestId('session').replaceChildren(renderSession(state, now));
    byTestId('answer').replaceChildren(renderAnswer(state));
    byTestId('timeline').replaceChildren(...renderTimeline(timeline, now));
    const signedIn = state.tokens !== undefined;
    buttons.login.disabled = busy || signedIn;
    for (const b of [buttons.callKoa, buttons.callExpress, buttons.forceExpiry, buttons.logout]) b.disabled = busy || !signedIn;
    buttons.openTab.disabled = false;
  };
  const timeline = new Timeline('tessera-demo:timeline', render);
  const onNews = (news: TabNews): void => {
    if (news.type === 'opened') timeline.add({ kind: 'tab', tone: 'neutral', title: `Tab ${news.tab} opened`, detail: 'it shares this origin’s tokens' });
    else timeline.setOrigin(news.fingerprint, { tab: news.tab, via: news.type === 'logged-in' ? 'login' : 'refresh' });
  };
  const channel = new TabChannel(onNews);
  const client = createTokenClient({
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: `${location.origin}/`,
    scope: SCOPE,
    // Encrypted at rest and shared by the origin's tabs (the client's lock and BroadcastChannel do the rest).
    storage: indexedDbStorage({ database: 'tessera-demo' }),
    refreshSkew: REFRESH_SKEW_SECONDS,
    // The demo's issuer is http://127.0.0.1: oauth4webapi refuses http: unless told this is local development.
    allowInsecureRequests: new URL(config.issuer).protocol === 'http:',
  });
  // Twice a second: the countdown, and a new token set whose producer is not known yet (see renderTimeline).
  const tick = (): void => {
    const now = Date.now();
    byTestId('session').replaceChildren(renderSession(state, now));
    if (timeline.entries.some((e) => e.kind === 'tokens' && e.at > now - 2500)) byTestId('timeline').replaceChildren(...renderTimeline(timeline, now));
  };
  setInterval(tick, 500);
  return { client, config, state, timeline, channel, render };
}

/** How the page reacts to the client's events (`phase` decides how a new token set is told). */
function listen(app: App, phase: () => 'boot' | 'login' | 'running'): void {
  const { client, state, timeline } = app;
  client.on('tokens', (tokens: TokenSet) => {
    const during = phase();
    state.tokens = tokens;
    void fingerprint(tokens.accessToken).then((print) => {
      if (state.tokens !== tokens || print === state.fingerprint) return;
      state.fingerprint = print;
      if (during === 'boot') {
        timeline.add({ kind: 'restored', tone: 'neutral', title: 'Token set read from storage', detail: `access token #${print}: no login needed in this tab`, fingerprint: print });
      } else if (during === 'running') {
        timeline.add({ kind: 'tokens', tone: 'neutral', title: 'New token set', fingerprint: print });
      }
      app.render();
    });
    app.render();
  });
  client.on('refresh', (tokens) => {
    void fingerprint(tokens.accessToken).then((print) => {
      timeline.setOrigin(print, { tab: 'self', via: 'refresh' });
      app.channel.post({ type: 'refreshed', tab: state.tab, fingerprint: print });
    });
  });
  client.on('logout', ({ reason }) => {
    state.tokens = undefined;
    state.fingerprint = undefined;
    if (reason === 'other_tab') timeline.add({ kind: 'logout', tone: 'warn', title: 'Logged out — in another tab', detail: 'this tab forgot its tokens too' });
    if (reason === 'invalid_grant') timeline.add({ kind: 'logout', tone: 'bad', title: 'Logged out — the issuer refused the refresh token', detail: 'revoked, expired or reused: log in again' });
    app.render();
  });
  client.on('refresh_error', ({ error, retryInMs }) => {
    const retry = retryInMs === undefined ? '' : ` — retrying in ${Math.ceil(retryInMs / 1000)} s`;
    timeline.add({ kind: 'error', tone: 'bad', title: `Refresh failed${retry}`, detail: describeError(error) });
  });
  client.on('storage_error', (error) => {
    timeline.add({ kind: 'error', tone: 'warn', title: 'Storage problem', detail: describeError(error) });
  });
}

function wire(app: App): void {
  const act = (button: HTMLButtonElement, action: () => Promise<void> | void) => {
    button.addEventListener('click', () => {
      busy = true;
      app.render();
      void Promise.resolve()
        .then(action)
        .catch((err: unknown) => app.timeline.add({ kind: 'error', tone: 'bad', title: `${button.textContent ?? 'Action'} failed`, detail: describeError(err) }))
        .finally(() => {
          busy = false;
          app.render();
        });
    });
  };
  act(buttons.login, () => logIn(app));
  act(buttons.callKoa, () => callApi(app, 'koa'));
  act(buttons.callExpress, () => callApi(app, 'express'));
  act(buttons.forceExpiry, () => forceExpiry(app));
  act(buttons.openTab, openTab);
  act(buttons.logout, () => logOut(app));
}

function showEndpoints(config: DemoConfig): void {
  const link = (label: string, url: string) => h('span', {}, `${label} `, h('code', {}, url));
  byTestId('endpoints').replaceChildren(
    link('issuer', config.issuer),
    link('Koa API', config.apis.koa),
    link('Express API', config.apis.express),
  );
}

async function main(): Promise<void> {
  let config: DemoConfig;
  try {
    config = await loadConfig();
  } catch (err) {
    byTestId('session').replaceChildren(h('p', { class: 'status signed-out' }, `This page cannot start: ${describeError(err)}`));
    return;
  }
  const app = start(config);
  let phase: 'boot' | 'login' | 'running' = 'boot';
  listen(app, () => phase);
  wire(app);
  showEndpoints(config);
  byTestId('tab-id').textContent = app.state.tab;

  const returning = new URLSearchParams(location.search);
  if (!returning.has('code') && !returning.has('error')) {
    app.timeline.add({ kind: 'page', tone: 'neutral', title: `Page opened — tab ${app.state.tab}` });
  }
  app.channel.post({ type: 'opened', tab: app.state.tab });
  await app.client.getTokens(); // the stored token set, if any, arrives as a `tokens` event during 'boot'
  if (returning.has('code') || returning.has('error')) {
    phase = 'login';
    await finishLogIn(app);
  }
  phase = 'running';
  app.render();
  byTestId('app').dataset.ready = 'true';
}

void main();
