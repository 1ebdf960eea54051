import Router from '@koa/router';
import {
  createCoalescedCounter,
  KeySet,
  MemoryTokenStore,
  TtlCache,
  type RefreshTokenRecord,
  type TesseraKey,
  type TokenStore,
} from '@tessera/core';
import { createDpopProofVerifier } from '@tessera/verifier';
import type { Middleware } from 'koa';
import { createAuditEmitter } from './audit.js';
import { resolveClient, type ResolvedClient } from './clients/resolve-client.js';
import { createDevTools } from './dev-tools/create-dev-tools.js';
import { IssuerConfigError } from './errors.js';
import { createDpopCheck } from './http/dpop.js';
import { oauthErrors } from './http/respond.js';
import { resolveIssuerOptions } from './internal/resolve-options.js';
import type { IssuerState } from './internal/state.js';
import { createTokenReader } from './internal/token-reader.js';
import type { IssuerOptions } from './options.js';
import { authorizeRoute } from './routes/authorize.js';
import { buildMetadata, healthRoute, jwksRoute, metadataRoute, type AuthorizationServerMetadata } from './routes/discovery.js';
import { introspectRoute } from './routes/introspect.js';
import { revokeRoute } from './routes/revoke.js';
import { tokenRoute } from './routes/token.js';
import { verifyTokenRoute } from './routes/verify-token.js';

/** A running issuer: mount `routes()` in a Koa app. */
export interface Issuer {
  /** The issuer identifier. */
  readonly issuer: string;
  /** The `@koa/router` router holding every endpoint (paths include the issuer URL's path). */
  readonly router: Router;
  /** The RFC 8414 metadata served at `/.well-known/oauth-authorization-server`. */
  readonly metadata: Readonly<AuthorizationServerMetadata>;
  /** The store in use (the default `MemoryTokenStore`, or the one given). */
  readonly store: TokenStore;
  /** Signing keys: rotate them here (`issuer.signingKeys.rotate(key, { overlapSeconds })`); JWKS follows. */
  readonly signingKeys: KeySet;
  /** Encryption keys (nested `jwe`). */
  readonly encryptionKeys: KeySet;
  /** Koa middleware: the router's routes plus `allowedMethods()` (405/501 answers). */
  routes(): Middleware;
  /** Stops the issuer: closes the store if the issuer created it (a store you passed stays open). */
  close(): Promise<void>;
}

function toKeySet(value: KeySet | TesseraKey | readonly TesseraKey[] | undefined, name: string): KeySet {
  if (value === undefined) return new KeySet([]);
  if (value instanceof KeySet) return value;
  try {
    return new KeySet(Array.isArray(value) ? [...value] : [value as TesseraKey]);
  } catch (cause) {
    throw new IssuerConfigError(`${name}: ${(cause as Error).message}`, {}, { cause });
  }
}

function clientKeySet(clients: Iterable<ResolvedClient>): KeySet {
  const keys = new Set<TesseraKey>();
  for (const c of clients) {
    if (c.signingKey?.type === 'secret') keys.add(c.signingKey);
    if (c.encryptionKey?.alg === 'dir') keys.add(c.encryptionKey);
  }
  return new KeySet([...keys]);
}

/**
 * Creates an OAuth 2 token issuer as a `@koa/router` router: `POST /token` (client_credentials, refresh_token with
 * rotation and reuse detection, authorization_code + PKCE S256, password, and the reference JWE service's JSON login),
 * `POST /revoke` (RFC 7009), `POST /introspect` (RFC 7662), `GET /verify-token` (remote verify-token contract),
 * `GET /jwks.json`, `GET /.well-known/oauth-authorization-server` (RFC 8414), `GET /health`, `GET|POST /authorize`
 * (with an `authorize` step) and, only when asked for, loopback-only developer tools. Every option, client, key and
 * secret is checked here, before the first request.
 *
 * @param options - see {@link IssuerOptions}
 * @returns the issuer; `app.use(issuer.routes())`
 * @throws {IssuerConfigError} `invalid_issuer_config` naming the option, or the client and field (and file)
 * @see https://www.rfc-editor.org/rfc/rfc6749 RFC 6749, RFC 9068, RFC 9449, RFC 9700
 * @example
 * ```ts
 * const signing = await generateKeyPair('ES256');
 * const issuer = await createIssuer({
 *   issuer: 'https://auth.example.com',
 *   signingKeys: [signing.privateKey],
 *   clients: [{ id: 'service-a', secret: process.env.SERVICE_A_SECRET!, scopes: ['orders:read'] }],
 * });
 * new Koa().use(issuer.routes()).listen(3000);
 * ```
 */
export async function createIssuer(options: IssuerOptions): Promise<Issuer> {
  const resolved = resolveIssuerOptions(options);
  const signingKeys = toKeySet(options.signingKeys, 'signingKeys');
  if (signingKeys.current('sig') === undefined) {
    throw new IssuerConfigError('"signingKeys" must hold at least one current private (or HS*) signing key');
  }
  const encryptionKeys = toKeySet(options.encryptionKeys, 'encryptionKeys');

  const clients = new Map<string, ResolvedClient>();
  const defaults = {
    accessTokenTtl: resolved.accessTokenTtl,
    refreshTokenTtl: resolved.refreshTokenTtl,
    audience: resolved.audience,
    signingKeys,
    encryptionKeys,
  };
  if (!Array.isArray(options.clients)) throw new IssuerConfigError('"clients" must be a list of client configurations');
  for (const config of options.clients) {
    const client = await resolveClient(config, defaults);
    if (clients.has(client.id)) throw new IssuerConfigError('is configured twice', { client: client.id, field: 'id' });
    if (client.grants.has('password') && options.authenticateUser === undefined) {
      throw new IssuerConfigError('the password grant needs the issuer option "authenticateUser"', { client: client.id, field: 'grants' });
    }
    if (client.grants.has('authorization_code') && options.authorize === undefined) {
      throw new IssuerConfigError('the authorization_code grant needs the issuer option "authorize"', { client: client.id, field: 'grants' });
    }
    clients.set(client.id, client);
  }

  const ownStore = options.store === undefined;
  const store = options.store ?? new MemoryTokenStore();
  const counterStore = resolved.counter === 'memory' ? new MemoryTokenStore() : undefined;
  const counter = resolved.counter;
  // One store operation per counter and turn of the event loop, whatever the number of requests in it.
  const count = typeof counter === 'function' ? counter : createCoalescedCounter(counterStore ?? store);
  const now = resolved.now;
  const dpopVerifier = createDpopProofVerifier({
    store,
    ...(resolved.dpop.algorithms === undefined ? {} : { algorithms: resolved.dpop.algorithms }),
    ...(resolved.dpop.maxAge === undefined ? {} : { maxAge: resolved.dpop.maxAge }),
    ...(resolved.dpop.clockTolerance === undefined ? {} : { clockTolerance: resolved.dpop.clockTolerance }),
    currentDate: () => new Date(now()),
  });
  const state: IssuerState = {
    issuer: resolved.issuer,
    realm: resolved.issuer.replace(/["\\]/g, ''),
    urls: resolved.urls,
    clients,
    store,
    signingKeys,
    encryptionKeys,
    refreshTokenFamilyTtl: resolved.refreshTokenFamilyTtl,
    authorizationCodeTtl: resolved.authorizationCodeTtl,
    graceSeconds: resolved.graceSeconds,
    rateLimit: resolved.rateLimit,
    count,
    limited: new TtlCache<string, true>({ max: 10_000, ttl: 60_000 }),
    failedAuth: new TtlCache<string, number>({ max: 10_000, ttl: (resolved.rateLimit.failedAuth?.windowSeconds ?? 60) * 1000 }),
    records: new TtlCache<string, RefreshTokenRecord>({ max: 50_000, ttl: 3_600_000 }),
    maxBodyBytes: resolved.maxBodyBytes,
    jsonLogin: [...clients.values()].some((c) => c.compat === 'jwe-service'),
    now,
    audit: createAuditEmitter(options.onAudit, now),
    authenticateUser: options.authenticateUser,
    authorize: options.authorize,
    dpop: createDpopCheck(dpopVerifier),
    reader: createTokenReader({
      issuer: resolved.issuer, store, signingKeys, encryptionKeys, clientKeys: clientKeySet(clients.values()), now,
    }),
  };
  const metadata = Object.freeze(buildMetadata(state));

  const router = new Router();
  const base = resolved.basePath;
  router.post(`${base}/token`, oauthErrors, tokenRoute(state));
  router.post(`${base}/revoke`, oauthErrors, revokeRoute(state));
  router.post(`${base}/introspect`, oauthErrors, introspectRoute(state));
  router.get(`${base}/verify-token`, verifyTokenRoute(state));
  router.get(`${base}/jwks.json`, jwksRoute(state));
  const serveMetadata = metadataRoute(metadata);
  router.get(`${base}/.well-known/oauth-authorization-server`, serveMetadata);
  if (base !== '') router.get(`/.well-known/oauth-authorization-server${base}`, serveMetadata);
  router.get(`${base}/health`, healthRoute(state));
  if (options.authorize !== undefined) {
    const authorize = authorizeRoute(state);
    router.get(`${base}/authorize`, oauthErrors, authorize);
    router.post(`${base}/authorize`, oauthErrors, authorize);
  }
  if (resolved.devTools) createDevTools(state, router, base);

  let closed = false;
  return Object.freeze({
    issuer: resolved.issuer,
    router,
    metadata,
    store,
    signingKeys,
    encryptionKeys,
    routes(): Middleware {
      const routes = router.routes() as unknown as Middleware;
      const allowed = router.allowedMethods() as unknown as Middleware;
      // allowedMethods runs only when no route answered (the routes never call next).
      return (ctx, next) => routes(ctx, () => allowed(ctx, next));
    },
    async close() {
      if (closed) return;
      closed = true;
      await state.reader.close();
      await counterStore?.close();
      if (ownStore) await store.close();
    },
  });
}
