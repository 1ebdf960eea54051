// What the buttons do. Each one is a few calls of @tessera/client; the timeline says what happened.
import { TokenClientError } from '@tessera/client';
import type { App } from './app.js';
import { fingerprint } from './fingerprint.js';

/** A safe one-line description of an error (client errors carry a stable code, never a token). */
export function describeError(err: unknown): string {
  if (err instanceof TokenClientError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/** Log in: the authorization code flow with PKCE, starting with a redirect to the issuer's login page. */
export async function logIn(app: App): Promise<void> {
  const url = await app.client.authorizeUrl();
  app.timeline.add({
    kind: 'login',
    tone: 'neutral',
    title: 'Off to the issuer’s login page',
    detail: 'authorization code flow with PKCE S256: the state and the code verifier wait in sessionStorage',
  });
  location.assign(url);
}

/**
 * Back from the issuer with `?code=…&state=…`: the client checks the state and exchanges the code with the verifier.
 * The address bar is cleaned either way, so a reload never replays the code.
 */
export async function finishLogIn(app: App): Promise<void> {
  try {
    const tokens = await app.client.handleRedirect(location.href);
    const print = await fingerprint(tokens.accessToken);
    app.timeline.setOrigin(print, { tab: 'self', via: 'login' });
    app.channel.post({ type: 'logged-in', tab: app.state.tab, fingerprint: print });
    app.timeline.add({
      kind: 'login',
      tone: 'good',
      title: 'Logged in',
      detail: `code exchanged with the PKCE verifier (authorization_code grant): a ${tokens.format} access token #${print}, scopes “${tokens.scope ?? ''}”, and a refresh token`,
      fingerprint: print,
    });
  } catch (err) {
    app.timeline.add({ kind: 'error', tone: 'bad', title: 'Login failed', detail: describeError(err) });
  } finally {
    history.replaceState(null, '', '/');
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text === '' ? null : text;
  }
}

const field = (body: unknown, name: string): unknown => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined);

/**
 * Calls `GET <api>/api/hello`: the Koa API through `client.ky`, the Express API through `client.fetch` — both attach
 * the token, renew it first when it is due, and after a 401 `invalid_token` renew once and retry once.
 */
export async function callApi(app: App, api: 'koa' | 'express'): Promise<void> {
  const name = api === 'koa' ? 'Koa API' : 'Express API';
  const url = new URL('/api/hello', app.config.apis[api]);
  const sentWith = app.state.tokens?.accessToken;
  try {
    const response = api === 'koa' ? await app.client.ky.get(url, { throwHttpErrors: false }) : await app.client.fetch(url);
    const body = await readBody(response);
    const refreshed = sentWith !== undefined && app.state.tokens?.accessToken !== sentWith;
    app.state.lastAnswer = { api: name, status: response.status, body };
    const scopes = field(body, 'scopes');
    const detail = response.ok
      ? [
          `subject ${String(field(body, 'subject'))}`,
          Array.isArray(scopes) ? `scopes ${scopes.join(' ')}` : undefined,
          `verified ${String(field(body, 'strategy'))}`,
          refreshed ? 'after a silent refresh' : undefined,
        ].filter(Boolean).join(' · ')
      : `${String(field(body, 'code') ?? field(body, 'error') ?? 'refused')} — ${response.headers.get('www-authenticate') ?? 'no challenge'}`;
    app.timeline.add({ kind: 'api', api, status: response.status, tone: response.ok ? 'good' : 'bad', title: `${name} → ${response.status}`, detail });
  } catch (err) {
    app.timeline.add({ kind: 'api', api, tone: 'bad', title: `${name} — no answer`, detail: describeError(err) });
  }
}

let revocationEndpoint: Promise<string> | undefined;

/** The issuer's RFC 7009 endpoint, from its RFC 8414 metadata (the well-known segment goes before the issuer's path). */
function findRevocationEndpoint(issuer: string): Promise<string> {
  return (revocationEndpoint ??= (async () => {
    const base = new URL(issuer);
    const path = base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '');
    const response = await fetch(new URL(`/.well-known/oauth-authorization-server${path}`, base));
    const endpoint = field(await readBody(response), 'revocation_endpoint');
    if (!response.ok || typeof endpoint !== 'string') throw new Error('the issuer’s metadata names no revocation_endpoint');
    return endpoint;
  })().catch((err: unknown) => {
    revocationEndpoint = undefined;
    throw err;
  }));
}

/**
 * "Force expiry": revokes the current access token at the issuer (RFC 7009, as this public client). The APIs refuse
 * it from now on exactly as they refuse an expired one, so the next call gets `401 invalid_token` and the client
 * refreshes silently and retries — without waiting for the real expiry.
 */
export async function forceExpiry(app: App): Promise<void> {
  const tokens = await app.client.getTokens();
  if (tokens === undefined) return;
  const print = await fingerprint(tokens.accessToken);
  try {
    const response = await fetch(await findRevocationEndpoint(app.config.issuer), {
      method: 'POST',
      body: new URLSearchParams({ token: tokens.accessToken, token_type_hint: 'access_token', client_id: app.config.clientId }),
    });
    if (!response.ok) throw new Error(`the issuer answered ${response.status}`);
    app.state.revoked = print;
    app.timeline.add({
      kind: 'expiry',
      tone: 'warn',
      title: 'Forced expiry — access token revoked',
      detail: `the APIs refuse #${print} from now on; the next call gets 401 invalid_token, and the client refreshes once and retries`,
      fingerprint: print,
    });
  } catch (err) {
    app.timeline.add({ kind: 'error', tone: 'bad', title: 'Could not revoke the access token', detail: describeError(err) });
  }
}

/** Log out: forget the tokens here and in every tab, and revoke the refresh token (its whole family) at the issuer. */
export async function logOut(app: App): Promise<void> {
  const { revoked } = await app.client.logout();
  app.timeline.add({
    kind: 'logout',
    tone: 'warn',
    title: 'Logged out',
    detail: revoked
      ? 'refresh token revoked at the issuer (RFC 7009): its family and every access token it issued are dead; the other tabs were told'
      : 'tokens forgotten here and in the other tabs; the issuer did not confirm the revocation',
  });
}

/** Opens this page in a new tab (`noopener`: a tab of its own, with its own id, sharing the tokens). */
export function openTab(): void {
  window.open(`${location.origin}/`, '_blank', 'noopener');
}
