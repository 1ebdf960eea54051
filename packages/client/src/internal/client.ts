import type { KyInstance } from 'ky';
import { TokenClientError } from '../errors.js';
import type { LogoutReason, TokenClientEvents, TokenClientListener } from '../events.js';
import type { TokenClientOptions } from '../options.js';
import { webStorage } from '../storage/web-storage.js';
import type { AuthorizeUrlOptions, PasswordCredentials, TokenClient } from '../token-client.js';
import { toTokenSet, type GrantType, type TokenAnswer, type TokenSet } from '../token-set.js';
import { authorizeUrl, exchangeRedirect } from './authorization-code.js';
import { CrossTab, type TabMessage } from './cross-tab.js';
import { DpopKey } from './dpop.js';
import { Emitter } from './emitter.js';
import { authorizedFetch, authorizedKy, type Authorizer } from './http.js';
import { Grants } from './grants.js';
import { Issuer } from './issuer.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { RenewalSchedule } from './renewal-schedule.js';
import { TokenStorage } from './token-storage.js';

const notAuthenticated = (why: string) => new TokenClientError('not_authenticated', why);

function pendingAdapter(o: ResolvedOptions) {
  try {
    if (globalThis.sessionStorage !== undefined) return webStorage('sessionStorage');
  } catch {
    // Blocked sessionStorage: keep the pending authorization with the tokens.
  }
  return o.storage;
}

/** The implementation behind `createTokenClient`. */
export class Client implements TokenClient {
  readonly ky: KyInstance;
  readonly #o: ResolvedOptions;
  readonly #issuer: Issuer;
  readonly #storage: TokenStorage;
  readonly #pending: TokenStorage;
  readonly #events = new Emitter();
  readonly #tabs: CrossTab | undefined;
  readonly #dpop: DpopKey | undefined;
  readonly #ready: Promise<void>;
  readonly #http: Authorizer;
  readonly #grants: Grants;
  #tokens: TokenSet | undefined;
  #flight: Promise<TokenSet> | undefined;
  readonly #schedule: RenewalSchedule;
  #closed = false;

  constructor(options: TokenClientOptions) {
    const o = (this.#o = resolveOptions(options));
    const report = (err: TokenClientError) => this.#events.emit('storage_error', err);
    this.#issuer = new Issuer(o);
    this.#storage = new TokenStorage(o.storage, o.storageKey, report);
    this.#pending = new TokenStorage(pendingAdapter(o), `${o.storageKey}:authorize`, report);
    this.#dpop = o.dpop && new DpopKey(o.dpop, o.storageKey, this.#issuer.client, report);
    this.#grants = new Grants(this.#issuer, o, this.#dpop);
    this.#schedule = new RenewalSchedule(o, () => {
      if (this.#tokens !== undefined) this.#renew(this.#tokens).catch(() => undefined); // reported as refresh_error
    });
    this.#tabs = o.crossTab ? new CrossTab(o.storageKey, o.lockTimeoutMs, (m) => this.#onTab(m)) : undefined;
    this.#http = {
      fresh: () => this.#fresh(),
      renewAfter401: (sent) => this.#renewAfter401(sent),
      send: (request, tokens) => this.#send(request, tokens),
    };
    this.ky = authorizedKy(this.#http);
    // Reading storage is asynchronous and never throws: listeners added right after construction see its events.
    this.#ready = Promise.resolve().then(async () => {
      const stored = await this.#storage.load();
      if (stored && this.#tokens === undefined) this.#set(stored);
    });
  }

  on<E extends keyof TokenClientEvents>(event: E, listener: TokenClientListener<E>): () => void {
    return this.#events.on(event, listener);
  }

  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return authorizedFetch(this.#http, input, init);
  }

  async getAccessToken(): Promise<string> {
    return (await this.#fresh()).accessToken;
  }

  async getTokens(): Promise<TokenSet | undefined> {
    await this.#ready;
    return this.#tokens;
  }

  async refresh(): Promise<TokenSet> {
    return this.#renew(await this.#current());
  }

  async authorizeUrl(options?: AuthorizeUrlOptions): Promise<URL> {
    await this.#open();
    return authorizeUrl(this.#issuer, this.#o, this.#pending, await this.#dpop?.handle(), options);
  }

  async handleRedirect(url: string | URL | undefined = globalThis.location?.href): Promise<TokenSet> {
    await this.#open();
    if (url === undefined) throw new TokenClientError('authorization_failed', 'handleRedirect needs the redirect URL here');
    const answer = await exchangeRedirect(this.#issuer, this.#o, this.#pending, await this.#dpop?.handle(), new URL(url));
    return this.#login(answer, 'authorization_code');
  }

  async clientCredentials(options: { scope?: string } = {}): Promise<TokenSet> {
    await this.#open();
    return this.#login(await this.#grants.clientCredentials(options.scope ?? this.#o.scope), 'client_credentials');
  }

  async password(credentials: PasswordCredentials): Promise<TokenSet> {
    await this.#open();
    return this.#login(await this.#grants.password(credentials), 'password');
  }

  async logout({ revoke = true }: { revoke?: boolean } = {}): Promise<{ revoked: boolean }> {
    await this.#open();
    const tokens = this.#tokens;
    await this.#storage.remove();
    this.#tabs?.post({ type: 'logout' });
    this.#drop('user');
    if (!revoke || tokens === undefined) return { revoked: false };
    const [token, hint] =
      tokens.refreshToken === undefined
        ? [tokens.accessToken, 'access_token' as const]
        : [tokens.refreshToken, 'refresh_token' as const];
    try {
      return { revoked: await this.#issuer.revoke(this.#o.clientAuth, token, hint) };
    } catch {
      // The tokens are gone here; the issuer's copy expires on its own.
      return { revoked: false };
    }
  }

  close(): void {
    this.#closed = true;
    this.#schedule.stop();
    this.#tabs?.close();
  }

  // ---- state ----

  async #open(): Promise<void> {
    await this.#ready;
    if (this.#closed) throw new TokenClientError('client_closed', 'the token client is closed');
  }

  async #current(): Promise<TokenSet> {
    await this.#open();
    let tokens = this.#tokens;
    if (tokens === undefined && this.#storage.shared) {
      // Another tab may have logged in since this one read storage.
      const stored = await this.#storage.load();
      if (stored) this.#set((tokens = stored));
    }
    if (tokens === undefined) throw notAuthenticated('no token set: log in first');
    return tokens;
  }

  #set(tokens: TokenSet): void {
    this.#tokens = tokens;
    this.#schedule.fresh();
    this.#schedule.plan(tokens);
    this.#events.emit('tokens', tokens);
  }

  #drop(reason: LogoutReason): void {
    const had = this.#tokens !== undefined;
    this.#tokens = undefined;
    this.#schedule.plan(undefined);
    if (had) this.#events.emit('logout', { reason });
  }

  /** Makes `tokens` current, stores them and tells the other tabs (under the lock when renewing). */
  async #commit(tokens: TokenSet): Promise<void> {
    this.#schedule.succeeded();
    this.#set(tokens);
    await this.#storage.save(tokens);
    this.#tabs?.post({ type: 'tokens', tokens });
  }

  #onTab(message: TabMessage): void {
    if (this.#closed) return;
    if (message.type === 'logout') return this.#drop('other_tab');
    const { tokens } = message;
    const mine = this.#tokens;
    if (mine?.accessToken === tokens.accessToken || (mine !== undefined && tokens.issuedAt < mine.issuedAt)) return;
    this.#set(tokens);
    // An unshared storage (memory, sessionStorage) keeps its own copy, so a reload of this tab keeps the hand-off.
    if (!this.#storage.shared) void this.#storage.save(tokens);
  }

  // ---- renewal ----

  async #fresh(): Promise<TokenSet> {
    const t = await this.#current();
    if (!this.#schedule.due(t)) return t;
    const expired = t.expiresAt !== undefined && Date.now() >= t.expiresAt;
    // Backing off after a failure: the timer retries, and the token still works.
    if (this.#schedule.backingOff() && !expired) return t;
    try {
      return await this.#renew(t);
    } catch (err) {
      const code = (err as TokenClientError).code;
      if (!expired && (code === 'issuer_unavailable' || code === 'refresh_rate_limited') && this.#tokens === t) return t;
      throw err;
    }
  }

  async #renewAfter401(sent: TokenSet): Promise<TokenSet | undefined> {
    const mine = this.#tokens;
    if (mine !== undefined && mine.accessToken !== sent.accessToken && !this.#schedule.due(mine)) return mine;
    try {
      const next = await this.#renew(sent);
      return next.accessToken === sent.accessToken ? undefined : next;
    } catch {
      return undefined; // reported as refresh_error (and logout for invalid_grant); the caller gets the 401
    }
  }

  /** Single-flight: every caller while a renewal runs shares it. */
  #renew(bad: TokenSet): Promise<TokenSet> {
    return (this.#flight ??= this.#renewOnce(bad).finally(() => {
      this.#flight = undefined;
    }));
  }

  async #renewOnce(bad: TokenSet): Promise<TokenSet> {
    try {
      return await (this.#tabs ? this.#tabs.run(() => this.#renewLocked(bad)) : this.#renewLocked(bad));
    } catch (err) {
      const error = err instanceof TokenClientError ? err : new TokenClientError('issuer_unavailable', 'the renewal failed', { cause: err });
      const { attempt, retryInMs } = this.#schedule.failed(error.code === 'issuer_unavailable' && this.#tokens !== undefined);
      this.#schedule.plan(this.#tokens);
      this.#events.emit('refresh_error', { error, attempt, retryInMs });
      throw error;
    }
  }

  async #renewLocked(bad: TokenSet): Promise<TokenSet> {
    let base = this.#tokens;
    if (this.#storage.shared) {
      // Holding the lock: what another tab wrote before releasing it is in storage now.
      const stored = await this.#storage.load();
      if (stored === null && this.#storage.shared) {
        this.#drop('other_tab');
        throw notAuthenticated('logged out in another tab');
      }
      if (stored) base = stored;
    }
    if (base === undefined) throw notAuthenticated('logged out');
    if (base.accessToken !== bad.accessToken && !this.#schedule.due(base)) {
      // Another tab (or an earlier renewal here) already rotated: use its token set, spend nothing.
      if (base.accessToken !== this.#tokens?.accessToken) this.#set(base);
      return base;
    }
    const refreshToken = base.refreshToken;
    if (refreshToken === undefined && base.grant !== 'client_credentials') {
      throw notAuthenticated('the token set has no refresh token to renew it with');
    }
    this.#schedule.count();
    let answer: TokenAnswer;
    try {
      answer = refreshToken === undefined ? await this.#grants.clientCredentials(base.scope) : await this.#grants.refresh(refreshToken);
    } catch (err) {
      if ((err as TokenClientError).code === 'invalid_grant' && base.refreshToken !== undefined) return this.#refused(base, err);
      throw err;
    }
    const next = toTokenSet(answer, base.grant, base);
    await this.#commit(next);
    this.#events.emit('refresh', next);
    return next;
  }

  /** `invalid_grant` on a refresh: log out — unless a newer token set exists (a losing tab never clears it). */
  async #refused(used: TokenSet, err: unknown): Promise<TokenSet> {
    const stored = this.#storage.shared ? await this.#storage.load() : undefined;
    const newer = [stored, this.#tokens].find((t) => t && t.refreshToken !== used.refreshToken);
    if (newer) {
      if (newer.accessToken !== this.#tokens?.accessToken) this.#set(newer);
      return newer;
    }
    await this.#storage.remove();
    this.#tabs?.post({ type: 'logout' });
    this.#drop('invalid_grant');
    throw err;
  }

  // ---- grants and API calls ----

  async #login(answer: TokenAnswer, grant: GrantType): Promise<TokenSet> {
    const tokens = toTokenSet(answer, grant);
    await this.#commit(tokens);
    return tokens;
  }

  #send(request: Request, tokens: TokenSet): Promise<Response> {
    if (tokens.tokenType === 'DPoP' && this.#dpop !== undefined) {
      return this.#dpop.send(request, tokens.accessToken, this.#o.fetch, this.#o.allowInsecure);
    }
    request.headers.set('authorization', `${tokens.tokenType} ${tokens.accessToken}`);
    return this.#o.fetch(request);
  }
}
