// The SPA's own little server: a Koa app on the demo's host that serves the page, its stylesheet, the rollup bundle
// (built first when missing or stale) and `/config.json` — where the issuer and the two APIs are. It holds no tokens
// and talks to nobody: the browser does the OAuth flow and the API calls itself.
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Router from '@koa/router';
import Koa from 'koa';
import { ensureSpaBundle } from './build.js';

/** What the page needs to know; served as `/config.json`. */
export interface SpaConfig {
  /** The issuer identifier (its RFC 8414 metadata is discovered from it). */
  issuer: string;
  /** The SPA's public client id at the issuer. */
  clientId: 'spa';
  /** Base URLs of the two resource servers; the page calls `<base>/api/hello`. */
  apis: { koa: string; express: string };
}

/** Options of {@link startSpa}. */
export interface StartSpaOptions {
  host: string;
  /** 0 for a free port. */
  port: number;
  config: SpaConfig;
}

/** A running SPA server. */
export interface SpaServer {
  /** Its origin, e.g. `http://127.0.0.1:5173` — also the redirect URI (with a trailing `/`). */
  url: string;
  close(): Promise<void>;
}

const file = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const originOf = (url: string) => new URL(url).origin;

/**
 * The page's Content-Security-Policy: scripts and styles from this origin only, requests to the issuer and the two
 * APIs only, no framing, no forms posting anywhere (the login form is the issuer's own page).
 */
function contentSecurityPolicy(config: SpaConfig): string {
  const connect = [...new Set([config.issuer, config.apis.koa, config.apis.express].map(originOf))].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Builds the SPA bundle if needed and serves the SPA.
 * @param options - where to listen, and the issuer and APIs the page uses
 * @returns the server's URL and `close()`
 * @throws when the bundle cannot be built or the port cannot be bound
 */
export async function startSpa(options: StartSpaOptions): Promise<SpaServer> {
  const { config } = options;
  for (const url of [config.issuer, config.apis.koa, config.apis.express]) new URL(url); // fail at start-up, naming nothing secret
  const { file: bundle } = await ensureSpaBundle();
  const [html, css, js, map] = await Promise.all([
    readFile(file('./public/index.html'), 'utf8'),
    readFile(file('./public/styles.css'), 'utf8'),
    readFile(bundle, 'utf8'),
    readFile(`${bundle}.map`, 'utf8'),
  ]);
  const csp = contentSecurityPolicy(config);

  const router = new Router();
  const serve = (path: string, type: string, body: string) =>
    router.get(path, (ctx) => {
      ctx.type = type;
      ctx.body = body;
    });
  serve('/', 'html', html);
  serve('/styles.css', 'css', css);
  serve('/app.js', 'text/javascript', js);
  serve('/app.js.map', 'json', map);
  serve('/config.json', 'json', JSON.stringify(config));

  const app = new Koa();
  app.use(async (ctx, next) => {
    await next();
    ctx.set('cache-control', 'no-store');
    ctx.set('x-content-type-options', 'nosniff');
    // The authorization code arrives in the query string: never hand it to another site.
    ctx.set('referrer-policy', 'no-referrer');
    if (ctx.path === '/') ctx.set('content-security-policy', csp);
  });
  app.use(router.routes()).use(router.allowedMethods());

  const server = app.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
