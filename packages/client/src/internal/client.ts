// The implementation behind `createTokenClient`: one token set, its renewal (single-flight, under the cross-tab lock),
// storage, the other tabs, and the grants. A closure rather than a class: its methods work detached
// (`new SomeApi({ fetch: client.fetch })`), and the bundle carries no private-field boilerplate.
import { TokenClientError } from '../errors.js';
import type { LogoutReason } from '../events.js';
import type { TokenClientOptions } from '../options.js';
import { webStorage } from '../storage/web-storage.js';
import type { TokenClient } from '../token-client.js';
import { toTokenSet, type GrantType, type TokenAnswer, type TokenSet } from '../token-set.js';
import { authorizeUrl, exchangeRedirect } from './authorization-code.js';
import { CrossTab, type TabMessage } from './cross-tab.js';
import { DpopKey } from './dpop.js';
import { Emitter } from './emitter.js';
import { authorizedFetch, authorizedKy, type Authorizer } from './http.js';
import { Issuer } from './issuer.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { renewalSchedule } from './renewal-schedule.js';
import { tokenStorage } from './token-storage.js';

const notAuthenticated = (why: string) => new TokenClientError('not_authenticated', why);

function pendingAdapter(o: ResolvedOptions) {
  try {
    if (globalThis.sessionStorage !== undefined) return webStorage('sessionStorage');
  } catch {
    // Blocked sessionStorage: keep the pending authorization with the tokens.
  }
  return o.storage;
}

/** Creates the client (options validated first: this is the only place that throws synchronously). */
export function createClient(options: TokenClientOptions): TokenClient {
  const o = resolveOptions(options);
  const events = new Emitter();
  const report = (err: TokenClientError) => events.emit('storage_error', err);
  const issuer = new Issuer(o, async () => dpop?.handle());
  const dpop: DpopKey | undefined = o.dpop && new DpopKey(o.dpop, o.storageKey, issuer.client, report);
  const storage = tokenStorage(o.storage, o.storageKey, report);
  const pending = tokenStorage(pendingAdapter(o), `${o.storageKey}:authorize`, report);
  const schedule = renewalSchedule(o, () => {
    if (tokens !== undefined) renew(tokens).catch(() => undefined); // reported as refresh_error
  });
  let tokens: TokenSet | undefined;
  let flight: Promise<TokenSet> | undefined;
  let closed = false;

  // ---- state ----

  const set = (next: TokenSet): void => {
    tokens = next;
    schedule.fresh();
    schedule.plan(next);
    events.emit('tokens', next);
  };

  const drop = (reason: LogoutReason): void => {
    const had = tokens !== undefined;
    tokens = undefined;
    schedule.plan(undefined);
    if (had) events.emit('logout', { reason });
  };

  /** Forgets the token set here, in storage and in the other tabs. */
  const forget = async (reason: LogoutReason): Promise<void> => {
    await storage.remove();
    tabs?.post({ type: 'logout' });
    drop(reason);
  };

  /** Takes `next` if it is not the current set already. */
  const adopt = (next: TokenSet): TokenSet => {
    if (next.accessToken !== tokens?.accessToken) set(next);
    return next;
  };

  /** Makes `next` current, stores it and tells the other tabs (under the lock when renewing). */
  const commit = async (next: TokenSet): Promise<TokenSet> => {
    schedule.succeeded();
    set(next);
    await storage.save(next);
    tabs?.post({ type: 'tokens', tokens: next });
    return next;
  };

  const onTab = (message: TabMessage): void => {
    if (closed) return;
    if (message.type === 'logout') return drop('other_tab');
    const theirs = message.tokens;
    if (tokens?.accessToken === theirs.accessToken || (tokens !== undefined && theirs.issuedAt < tokens.issuedAt)) return;
    set(theirs);
    // An unshared storage (memory, sessionStorage) keeps its own copy, so a reload of this tab keeps the hand-off.
    if (!storage.shared) void storage.save(theirs);
  };
  const tabs = o.crossTab ? new CrossTab(o.storageKey, o.lockTimeoutMs, onTab) : undefined;

  // Reading storage is asynchronous and never throws: listeners added right after construction see its events.
  const ready = Promise.resolve().then(async () => {
    const stored = await storage.load();
    if (stored && tokens === undefined) set(stored);
  });

  const open = async (): Promise<void> => {
    await ready;
    if (closed) throw new TokenClientError('client_closed', 'the token client is closed');
  };

  const current = async (): Promise<TokenSet> => {
    await open();
    if (tokens === undefined && storage.shared) {
      // Another tab may have logged in since this one read storage.
      const stored = await storage.load();
      if (stored) set(stored);
    }
    if (tokens === undefined) throw notAuthenticated('no token set: log in first');
    return tokens;
  };

  // ---- renewal ----

  /** Single-flight: every caller while a renewal runs shares it. */
  const renew = (bad: TokenSet): Promise<TokenSet> =>
    (flight ??= renewOnce(bad).finally(() => {
      flight = undefined;
    }));

  const renewOnce = async (bad: TokenSet): Promise<TokenSet> => {
    try {
      return await (tabs ? tabs.run(() => renewLocked(bad)) : renewLocked(bad));
    } catch (err) {
      const error = err instanceof TokenClientError ? err : new TokenClientError('issuer_unavailable', 'the renewal failed', { cause: err });
      const { attempt, retryInMs } = schedule.failed(error.code === 'issuer_unavailable' && tokens !== undefined);
      schedule.plan(tokens);
      events.emit('refresh_error', { error, attempt, retryInMs });
      throw error;
    }
  };

  const renewLocked = async (bad: TokenSet): Promise<TokenSet> => {
    let base = tokens;
    if (storage.shared) {
      // Holding the lock: what another tab wrote before releasing it is in storage now.
      const stored = await storage.load();
      if (stored === null && storage.shared) {
        drop('other_tab');
        throw notAuthenticated('logged out in another tab');
      }
      if (stored) base = stored;
    }
    if (base === undefined) throw notAuthenticated('logged out');
    // Another tab (or an earlier renewal here) already rotated: use its token set, spend nothing.
    if (base.accessToken !== bad.accessToken && !schedule.due(base)) return adopt(base);
    const refreshToken = base.refreshToken;
    if (refreshToken === undefined && base.grant !== 'client_credentials') {
      throw notAuthenticated('the token set has no refresh token to renew it with');
    }
    schedule.count();
    let answer: TokenAnswer;
    try {
      answer = await (refreshToken === undefined
        ? issuer.grant('client_credentials', { scope: base.scope })
        : issuer.grant('refresh_token', { refresh_token: refreshToken }));
    } catch (err) {
      if ((err as TokenClientError).code !== 'invalid_grant' || refreshToken === undefined) throw err;
      // The refresh token was refused: log out — unless a newer token set exists (a losing tab never clears it).
      const stored = storage.shared ? await storage.load() : undefined;
      const newer = [stored, tokens].find((t) => t && t.refreshToken !== refreshToken);
      if (newer) return adopt(newer);
      await forget('invalid_grant');
      throw err;
    }
    const next = await commit(toTokenSet(answer, base.grant, base));
    events.emit('refresh', next);
    return next;
  };

  // ---- API calls ----

  const http: Authorizer = {
    async fresh() {
      const t = await current();
      if (!schedule.due(t)) return t;
      const expired = t.expiresAt !== undefined && Date.now() >= t.expiresAt;
      // Backing off after a failure: the timer retries, and the token still works.
      if (schedule.backingOff() && !expired) return t;
      try {
        return await renew(t);
      } catch (err) {
        const code = (err as TokenClientError).code;
        if (!expired && (code === 'issuer_unavailable' || code === 'refresh_rate_limited') && tokens === t) return t;
        throw err;
      }
    },
    async renewAfter401(sent) {
      if (tokens !== undefined && tokens.accessToken !== sent.accessToken && !schedule.due(tokens)) return tokens;
      try {
        const next = await renew(sent);
        return next.accessToken === sent.accessToken ? undefined : next;
      } catch {
        return undefined; // reported as refresh_error (and logout for invalid_grant); the caller gets the 401
      }
    },
    send(request, t) {
      if (t.tokenType === 'DPoP' && dpop) return dpop.send(request, t.accessToken, o.fetch, o.allowInsecure);
      request.headers.set('authorization', `${t.tokenType} ${t.accessToken}`);
      return o.fetch(request);
    },
  };

  /** Runs a grant and makes its answer the current token set. */
  const login = async (grant: GrantType, answer: () => Promise<TokenAnswer>): Promise<TokenSet> => {
    await open();
    return commit(toTokenSet(await answer(), grant));
  };

  return {
    ky: authorizedKy(http),
    fetch: (input, init) => authorizedFetch(http, input, init),
    on: (event, listener) => events.on(event, listener),
    getAccessToken: async () => (await http.fresh()).accessToken,
    async getTokens() {
      await ready;
      return tokens;
    },
    refresh: async () => renew(await current()),
    async authorizeUrl(options) {
      await open();
      return authorizeUrl(issuer, o, pending, await dpop?.handle(), options);
    },
    handleRedirect: (url = globalThis.location?.href) =>
      login('authorization_code', () => {
        if (url === undefined) throw new TokenClientError('authorization_failed', 'handleRedirect needs the redirect URL here');
        return exchangeRedirect(issuer, o, pending, new URL(url));
      }),
    clientCredentials: ({ scope = o.scope } = {}) => login('client_credentials', () => issuer.grant('client_credentials', { scope })),
    password: (credentials) => login('password', () => issuer.password(credentials)),
    async logout({ revoke = true } = {}) {
      await open();
      const last = tokens;
      await forget('user');
      if (!revoke || last === undefined) return { revoked: false };
      const { refreshToken } = last;
      try {
        return {
          revoked: await (refreshToken === undefined
            ? issuer.revoke(last.accessToken, 'access_token')
            : issuer.revoke(refreshToken, 'refresh_token')),
        };
      } catch {
        // The tokens are gone here; the issuer's copy expires on its own.
        return { revoked: false };
      }
    },
    close() {
      closed = true;
      schedule.stop();
      tabs?.close();
    },
  };
}
