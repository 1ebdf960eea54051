import { TesseraArgumentError } from '@tessera/core';
import { ClientSecretBasic, ClientSecretPost, None, type AuthorizationServer, type ClientAuth } from 'oauth4webapi';
import type { DpopOptions, TokenClientOptions } from '../options.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import { webStorage } from '../storage/web-storage.js';

/** Options after validation: plain fields the hot path reads. */
export interface ResolvedOptions {
  readonly issuer: string | undefined;
  readonly discovery: 'oauth2' | 'oidc';
  readonly endpoints: AuthorizationServer | undefined;
  readonly clientId: string;
  readonly clientAuth: ClientAuth;
  readonly storage: StorageAdapter;
  readonly storageKey: string;
  readonly refreshSkewMs: number;
  readonly autoRefresh: boolean;
  readonly scope: string | undefined;
  readonly redirectUri: string | undefined;
  readonly tokenParameters: Record<string, string>;
  readonly dpop: DpopOptions | undefined;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly lockTimeoutMs: number;
  readonly crossTab: boolean;
  readonly rateMax: number;
  readonly rateWindowMs: number;
  readonly allowInsecure: boolean;
}

const bad = (option: string, expected: string) =>
  new TesseraArgumentError(`createTokenClient: "${option}" must be ${expected}`);

function seconds(value: unknown, option: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback * 1000;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw bad(option, `a number of seconds ≥ ${min}`);
  return value * 1000;
}

function url(value: unknown, option: string, allowInsecure: boolean): string {
  let parsed: URL;
  try {
    parsed = new URL(value as string);
  } catch {
    throw bad(option, 'an absolute URL');
  }
  if (parsed.protocol !== 'https:' && !(allowInsecure && parsed.protocol === 'http:')) {
    throw bad(option, 'an https: URL (http: only with allowInsecureRequests)');
  }
  return parsed.href;
}

function storageOf(storage: TokenClientOptions['storage']): StorageAdapter {
  if (storage === undefined || storage === 'memory') return memoryStorage();
  if (storage === 'localStorage' || storage === 'sessionStorage') return webStorage(storage);
  const s = storage as Partial<StorageAdapter> | null;
  if (typeof s?.get !== 'function' || typeof s.set !== 'function' || typeof s.remove !== 'function') {
    throw bad('storage', "'memory', 'localStorage', 'sessionStorage' or an adapter with get, set and remove");
  }
  return storage;
}

function clientAuthOf(auth: TokenClientOptions['clientAuth']): ClientAuth {
  if (auth === undefined || auth === 'none') return None();
  if (typeof auth === 'function') return auth;
  if (typeof auth?.secret !== 'string' || auth.secret === '') throw bad('clientAuth.secret', 'a non-empty string');
  if (auth.method === 'client_secret_post') return ClientSecretPost(auth.secret);
  if (auth.method === undefined || auth.method === 'client_secret_basic') return ClientSecretBasic(auth.secret);
  throw bad('clientAuth.method', "'client_secret_basic' or 'client_secret_post'");
}

/**
 * Validates and freezes the options, naming the first bad one in a `TesseraArgumentError` (`invalid_argument`).
 * Nothing here touches storage or the network.
 */
export function resolveOptions(o: TokenClientOptions): ResolvedOptions {
  if (typeof o !== 'object' || o === null) throw bad('options', 'an object');
  if (typeof o.clientId !== 'string' || o.clientId === '') throw bad('clientId', 'a non-empty string');
  const allowInsecure = o.allowInsecureRequests === true;
  if ((o.issuer === undefined) === (o.endpoints === undefined)) throw bad('issuer', 'given, or "endpoints" instead (not both)');
  const e = o.endpoints;
  const optionalUrl = (value: string | undefined, name: string) => (value === undefined ? undefined : url(value, `endpoints.${name}`, allowInsecure));
  const token = e && url(e.token, 'endpoints.token', allowInsecure);
  const endpoints: AuthorizationServer | undefined = e && {
    issuer: e.issuer ?? new URL(token!).origin,
    token_endpoint: token,
    authorization_endpoint: optionalUrl(e.authorization, 'authorization'),
    revocation_endpoint: optionalUrl(e.revocation, 'revocation'),
  };
  const rate = o.refreshRateLimit ?? { max: 20, windowSeconds: 60 };
  if (!Number.isInteger(rate.max) || rate.max < 1) throw bad('refreshRateLimit.max', 'an integer ≥ 1');
  const dpop = o.dpop === true ? {} : o.dpop === false ? undefined : o.dpop;
  if (dpop !== undefined && (typeof dpop !== 'object' || dpop === null)) throw bad('dpop', 'a boolean or DPoP options');
  if (o.fetch !== undefined && typeof o.fetch !== 'function') throw bad('fetch', 'a function');
  for (const name of ['scope', 'redirectUri', 'storageKey'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'string') throw bad(name, 'a string');
  }
  if (o.discovery !== undefined && o.discovery !== 'oauth2' && o.discovery !== 'oidc') throw bad('discovery', "'oauth2' or 'oidc'");
  const userFetch = o.fetch;
  return {
    issuer: o.issuer === undefined ? undefined : url(o.issuer, 'issuer', allowInsecure),
    discovery: o.discovery ?? 'oauth2',
    endpoints,
    clientId: o.clientId,
    clientAuth: clientAuthOf(o.clientAuth),
    storage: storageOf(o.storage),
    storageKey: o.storageKey ?? `tessera:${o.clientId}`,
    refreshSkewMs: seconds(o.refreshSkew, 'refreshSkew', 30),
    autoRefresh: o.autoRefresh !== false,
    scope: o.scope,
    redirectUri: o.redirectUri,
    tokenParameters: { ...o.tokenParameters },
    dpop,
    // Looked up per call, so a fetch patched after construction (msw, a polyfill) is the one used.
    fetch: userFetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init)),
    timeoutMs: seconds(o.timeout, 'timeout', 10, 0.001),
    lockTimeoutMs: seconds(o.lockTimeout, 'lockTimeout', 15, 0.001),
    crossTab: o.crossTab ?? typeof document !== 'undefined',
    rateMax: rate.max,
    rateWindowMs: seconds(rate.windowSeconds, 'refreshRateLimit.windowSeconds', 60, 0.001),
    allowInsecure,
  };
}
