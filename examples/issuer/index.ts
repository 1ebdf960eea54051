// The demo issuer: @tessera/issuer mounted in a Koa app, with the login page, the demo's clients (code and YAML), the
// developer tools (loopback only) and CORS for the SPA on the endpoints a browser calls.
import { fileURLToPath } from 'node:url';
import cors from '@koa/cors';
import type { TokenStore } from '@tessera/core';
import { createIssuer, loadClients, type AuditListener, type Issuer } from '@tessera/issuer';
import Koa from 'koa';
import { clientFileEnv, type DemoKeys } from '../lib/demo-keys.js';
import { DEMO_AUDIENCE, demoClients } from './clients.js';
import { homePage } from './home-page.js';
import { loginStep } from './login-page.js';
import { checkUser } from './users.js';

/** The folder of the YAML client files (the reference JWE service's shapes). */
export const CLIENT_FILES = fileURLToPath(new URL('./clients/', import.meta.url));

/** Options of {@link createDemoIssuer}. */
export interface DemoIssuerOptions {
  /** The issuer identifier: its own URL, or the first instance's when several share Redis. */
  issuer: string;
  /** The SPA's origin: redirect URI `<spaOrigin>/`, and the only origin CORS lets in. */
  spaOrigin: string;
  keys: DemoKeys;
  /** The store (memory, shared with the Koa API in-process; or Redis). Not closed by `close()`. */
  store: TokenStore;
  /** Access-token lifetime of the SPA and the services, in seconds. */
  accessTtlSeconds: number;
  /** Reuse grace window of refresh tokens, in seconds. @default 10 */
  refreshGraceSeconds?: number;
  /** Where `${VAR}` in the client files comes from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives the issuer's audit events (one per token operation; never a token). */
  onAudit?: AuditListener;
}

/** A demo issuer, ready to serve: `http.createServer(issuer.app.callback())`. */
export interface DemoIssuer {
  readonly app: Koa;
  readonly issuer: Issuer;
  close(): Promise<void>;
}

/** Endpoints a browser on the SPA's origin calls with fetch (the login page is a navigation: no CORS). */
const CORS_PATHS = new Set(['/token', '/revoke', '/jwks.json', '/.well-known/oauth-authorization-server']);

/**
 * Builds the demo issuer.
 * @param options - see {@link DemoIssuerOptions}
 * @returns the Koa app and the issuer
 * @throws {IssuerConfigError} when a client file is wrong (naming the file, client and field)
 */
export async function createDemoIssuer(options: DemoIssuerOptions): Promise<DemoIssuer> {
  const env = options.env ?? process.env;
  const [codeClients, fileClients] = await Promise.all([
    demoClients({ spaOrigin: options.spaOrigin, keys: options.keys, accessTtlSeconds: options.accessTtlSeconds }),
    loadClients([CLIENT_FILES], { env: clientFileEnv(env, options.keys.material) }),
  ]);
  const issuer = await createIssuer({
    issuer: options.issuer,
    signingKeys: [options.keys.signing],
    encryptionKeys: [options.keys.encryption],
    clients: [...codeClients, ...fileClients],
    store: options.store,
    audience: DEMO_AUDIENCE,
    accessTokenTtl: options.accessTtlSeconds,
    refreshTokenTtl: '8h',
    refreshTokenFamilyTtl: '1d',
    refreshGraceSeconds: options.refreshGraceSeconds ?? 10,
    authenticateUser: async ({ username, password }) => checkUser(username, password),
    authorize: loginStep,
    // The reference services' tools (/generate-jwe-key, /encrypt-jwe, /decrypt-jwe, /decode, /issue, /verify):
    // unsafe in production, answered to loopback peers only.
    devTools: true,
    ...(options.onAudit === undefined ? {} : { onAudit: options.onAudit }),
  });

  const app = new Koa();
  const spaCors = cors({
    origin: options.spaOrigin,
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type', 'Authorization', 'DPoP'],
    exposeHeaders: ['WWW-Authenticate', 'DPoP-Nonce'],
    maxAge: 600,
  });
  app.use(async (ctx, next) => (CORS_PATHS.has(ctx.path) ? spaCors(ctx, next) : next()));
  app.use(homePage({ issuer: options.issuer, spaOrigin: options.spaOrigin }));
  app.use(issuer.routes());
  return { app, issuer, close: () => issuer.close() };
}
