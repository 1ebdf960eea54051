// The whole demo in one process: the issuer, the Koa API, the Express API and the SPA, on 127.0.0.1, with generated
// keys and the in-memory store — or, with `redisUrl`, every piece on @tessera/redis, and `issuerOnly` for a second
// issuer sharing it. `npm start` (scripts/start.mjs) runs this; tests call `startDemo` with port 0.
import { createServer, type Server } from 'node:http';
import { importSecret } from '@tessera/core';
import { RedisTokenStore } from '@tessera/redis';
import { createExpressApi } from './express-api/index.js';
import { API_SCOPE, DEMO_AUDIENCE, RESOURCE_SERVER_CLIENT_ID, demoSecret } from './issuer/clients.js';
import { createDemoIssuer } from './issuer/index.js';
import { createKoaApi } from './koa-api/index.js';
import { Closers } from './lib/closers.js';
import { auditLine, withAccessLog } from './lib/demo-log.js';
import { DemoStartError } from './lib/demo-start-error.js';
import { clientFileEnv, generateDemoKeyMaterial, importDemoKeys, type DemoKeyMaterial } from './lib/demo-keys.js';
import { closeServer, httpUrl, listen } from './lib/http.js';
import { publishSharedConfig, readSharedConfig } from './lib/shared-config.js';
import { loadStartSpa, startSpaPlaceholder, type RunningSpa, type SpaConfig } from './lib/spa-loader.js';
import { openStore } from './lib/stores.js';

export { DemoStartError };

/** Ports of the four services; 0 means any free port. */
export interface DemoPorts {
  spa: number;
  issuer: number;
  koaApi: number;
  expressApi: number;
}

/** The default ports: the SPA on 4400, then the issuer, the Koa API and the Express API. A taken port falls back to a free one. */
export const DEFAULT_PORTS: Readonly<DemoPorts> = Object.freeze({ spa: 4400, issuer: 4401, koaApi: 4402, expressApi: 4403 });

/** Options of {@link startDemo}. */
export interface DemoOptions {
  /** The address every service binds (loopback: the issuer's developer tools answer loopback peers only). @default '127.0.0.1' */
  host?: string;
  /** Preferred ports (0 = a free port). A taken port falls back to a free one. @default {@link DEFAULT_PORTS} */
  ports?: Partial<DemoPorts>;
  /** Access-token lifetime of the SPA and the service clients, in seconds (short, to watch refreshes). @default 30 */
  accessTtlSeconds?: number;
  /** Reuse grace window of refresh tokens, in seconds. @default 10 */
  refreshGraceSeconds?: number;
  /** A Redis URL: every store becomes a `RedisTokenStore` there, keys and the issuer identifier are shared through it. */
  redisUrl?: string;
  /**
   * Only an issuer (on `ports.issuer`). With `redisUrl`, a second instance of the running demo's issuer: same
   * identifier, keys and clients, same store. @default false
   */
  issuerOnly?: boolean;
  /**
   * Serve the browser app (examples/spa, its bundle built first when stale). `false` serves a small page at the SPA's
   * address instead — for tests that drive the flow over HTTP. @default true
   */
  spa?: boolean;
  /** No log lines (audit events, API calls). @default false */
  quiet?: boolean;
  /** Where log lines go. @default console.log */
  log?: (line: string) => void;
  /** Environment of the client files' `${VAR}`s (`JWE_ENCRYPTION_KEY`). @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The URLs of a running demo. */
export interface DemoUrls {
  /** The one URL to open: the browser app. */
  spa: string;
  /** Where the issuer answers (also its identifier, unless a second instance). */
  issuer: string;
  koaApi: string;
  expressApi: string;
}

/** A running demo. */
export interface Demo {
  readonly urls: DemoUrls;
  /** The issuer identifier (`iss`). */
  readonly issuer: string;
  /** `memory` or `redis`. */
  readonly store: 'memory' | 'redis';
  /** Whether the SPA is examples/spa or the placeholder page (examples/spa/server.ts missing). */
  readonly spa: 'app' | 'placeholder';
  /** Things worth telling the person who started it (a port fallback…). */
  readonly notes: readonly string[];
  /** Stops every server, verifier, issuer and store. Idempotent. */
  stop(): Promise<void>;
}

/** A running issuer-only demo. */
export interface IssuerOnlyDemo {
  readonly urls: { issuer: string };
  readonly issuer: string;
  readonly store: 'memory' | 'redis';
  readonly notes: readonly string[];
  stop(): Promise<void>;
}

function validPort(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new DemoStartError(`${name} must be a port number from 0 to 65535`);
  return value;
}

async function bindServer(name: string, host: string, port: number, closers: Closers, notes: string[]): Promise<{ server: Server; url: string }> {
  const server = createServer();
  const { url, fellBack } = await listen(server, host, port);
  closers.addServer(() => closeServer(server));
  if (fellBack) notes.push(`port ${port} was taken: the ${name} listens on ${url}`);
  return { server, url };
}

async function startSpaServer(host: string, port: number, config: SpaConfig, wanted: boolean, notes: string[]): Promise<{ spa: RunningSpa; kind: 'app' | 'placeholder' }> {
  const startSpa = wanted ? await loadStartSpa() : undefined;
  if (startSpa === undefined) {
    if (wanted) notes.push('examples/spa/server.ts is not there yet: the SPA URL serves a placeholder page');
    return { spa: await startSpaPlaceholder(host, port, config), kind: 'placeholder' };
  }
  try {
    return { spa: await startSpa({ host, port, config }), kind: 'app' };
  } catch (err) {
    if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const spa = await startSpa({ host, port: 0, config });
    notes.push(`port ${port} was taken: the SPA listens on ${spa.url}`);
    return { spa, kind: 'app' };
  }
}

/**
 * Starts the demo: the issuer (login page, every client, developer tools on loopback), the Koa API (local JWT/JWE
 * verification and opaque look-ups), the Express API (introspection and verify-token at the issuer) and the SPA.
 *
 * @param options - see {@link DemoOptions}
 * @returns the URLs and `stop()`; with `issuerOnly`, the issuer's URL only
 * @throws {DemoStartError} when Redis does not answer, or `issuerOnly` finds no running demo's configuration in Redis
 * @throws {IssuerConfigError} when a client file is wrong (e.g. a `JWE_ENCRYPTION_KEY` of the wrong size)
 * @example
 * ```ts
 * const demo = await startDemo({ ports: { spa: 0, issuer: 0, koaApi: 0, expressApi: 0 }, quiet: true });
 * console.log(demo.urls.spa);
 * await demo.stop();
 * ```
 */
export async function startDemo(options: DemoOptions & { issuerOnly: true }): Promise<IssuerOnlyDemo>;
export async function startDemo(options?: DemoOptions & { issuerOnly?: false }): Promise<Demo>;
export async function startDemo(options: DemoOptions = {}): Promise<Demo | IssuerOnlyDemo> {
  const host = options.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  for (const [name, port] of Object.entries(ports)) validPort(port, `ports.${name}`);
  const accessTtlSeconds = options.accessTtlSeconds ?? 30;
  if (!Number.isInteger(accessTtlSeconds) || accessTtlSeconds < 5 || accessTtlSeconds > 86_400) {
    throw new DemoStartError('accessTtlSeconds must be a whole number of seconds from 5 to 86400');
  }
  const log = options.quiet === true ? () => undefined : (options.log ?? ((line: string) => console.log(line)));
  const env = options.env ?? process.env;
  const notes: string[] = [];
  const closers = new Closers();

  try {
    const issuerServer = await bindServer('issuer', host, ports.issuer, closers, notes);
    const issuerStore = await openStore(options.redisUrl, closers, log);

    let identifier: string;
    let spaOrigin: string;
    let material: DemoKeyMaterial;
    let api: { koa: Awaited<ReturnType<typeof bindServer>>; express: Awaited<ReturnType<typeof bindServer>> } | undefined;
    let spa: { spa: RunningSpa; kind: 'app' | 'placeholder' } | undefined;

    if (options.issuerOnly === true) {
      const shared = issuerStore instanceof RedisTokenStore ? await readSharedConfig(issuerStore) : undefined;
      if (issuerStore instanceof RedisTokenStore && shared === undefined) {
        throw new DemoStartError('no running demo has shared its configuration in this Redis: start the full demo first '
          + '(REDIS_URL=… npm start), then the second issuer (REDIS_URL=… npm start -- --issuer-only --port …)');
      }
      identifier = shared?.issuer ?? issuerServer.url;
      spaOrigin = shared?.spaOrigin ?? httpUrl(host, DEFAULT_PORTS.spa);
      material = shared?.keys ?? await generateDemoKeyMaterial();
      if (shared === undefined) notes.push('no REDIS_URL: this issuer shares nothing with another process');
    } else {
      const koa = await bindServer('Koa API', host, ports.koaApi, closers, notes);
      const express = await bindServer('Express API', host, ports.expressApi, closers, notes);
      api = { koa, express };
      identifier = issuerServer.url;
      // The SPA is told where everything is; its origin is then the redirect URI and the CORS origin.
      spa = await startSpaServer(host, ports.spa, { issuer: identifier, clientId: 'spa', apis: { koa: koa.url, express: express.url } }, options.spa !== false, notes);
      const running = spa.spa;
      closers.addServer(() => running.close());
      spaOrigin = new URL(spa.spa.url).origin;
      material = issuerStore instanceof RedisTokenStore
        ? (await publishSharedConfig(issuerStore, { issuer: identifier, spaOrigin })).keys
        : await generateDemoKeyMaterial();
    }

    const keys = await importDemoKeys(material);
    const issuer = await createDemoIssuer({
      issuer: identifier, spaOrigin, keys, store: issuerStore, accessTtlSeconds, env,
      ...(options.refreshGraceSeconds === undefined ? {} : { refreshGraceSeconds: options.refreshGraceSeconds }),
      onAudit: (event) => log(auditLine(event)),
    });
    closers.add(() => issuer.close());
    issuerServer.server.on('request', issuer.app.callback());

    if (api === undefined || spa === undefined) {
      return Object.freeze({
        urls: Object.freeze({ issuer: issuerServer.url }),
        issuer: identifier,
        store: options.redisUrl === undefined ? 'memory' : 'redis',
        notes: Object.freeze(notes),
        stop: () => closers.run(),
      } satisfies IssuerOnlyDemo);
    }

    // In memory, the Koa API reads the issuer's own store (opaque tokens, denylist); with Redis, its own connection.
    const koaStore = issuerStore instanceof RedisTokenStore ? await openStore(options.redisUrl, closers, log) : issuerStore;
    const jweServiceKey = await importSecret(clientFileEnv(env, material).JWE_ENCRYPTION_KEY as string, { alg: 'dir', enc: 'A256GCM' });
    const koaApi = createKoaApi({
      issuer: identifier,
      issuerUrl: issuerServer.url,
      audience: DEMO_AUDIENCE,
      scope: API_SCOPE,
      decryptionKeys: [keys.encryption, keys.jweDir, jweServiceKey],
      store: koaStore,
      spaOrigin,
    });
    closers.add(() => koaApi.close());
    api.koa.server.on('request', withAccessLog('koa-api', koaApi.app.callback(), log));

    const expressApi = createExpressApi({
      issuer: identifier,
      issuerUrl: issuerServer.url,
      audience: DEMO_AUDIENCE,
      scope: API_SCOPE,
      clientId: RESOURCE_SERVER_CLIENT_ID,
      clientSecret: demoSecret(RESOURCE_SERVER_CLIENT_ID),
      spaOrigin,
    });
    closers.add(() => expressApi.close());
    api.express.server.on('request', withAccessLog('express-api', expressApi.app, log));

    return Object.freeze({
      urls: Object.freeze({ spa: spa.spa.url, issuer: issuerServer.url, koaApi: api.koa.url, expressApi: api.express.url }),
      issuer: identifier,
      store: options.redisUrl === undefined ? 'memory' : 'redis',
      spa: spa.kind,
      notes: Object.freeze(notes),
      stop: () => closers.run(),
    } satisfies Demo);
  } catch (err) {
    await closers.run().catch(() => undefined);
    throw err;
  }
}
