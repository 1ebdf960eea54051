// The SPA comes from examples/spa/server.ts (`startSpa`). Until that file exists, the demo serves a page at the SPA's
// address saying so, so the one URL it prints always answers.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { closeServer, listen } from './http.js';

/** What the SPA is told at start-up. */
export interface SpaConfig {
  issuer: string;
  clientId: 'spa';
  apis: { koa: string; express: string };
}

/** A running SPA server. */
export interface RunningSpa {
  url: string;
  close(): Promise<void>;
}

/** The signature of `startSpa` in examples/spa/server.ts. */
export type StartSpa = (options: { host: string; port: number; config: SpaConfig }) => Promise<RunningSpa>;

/** Where the SPA's server module lives. */
export const SPA_SERVER_FILE = fileURLToPath(new URL('../spa/server.ts', import.meta.url));

/**
 * Loads `startSpa` from examples/spa/server.ts.
 * @returns it, or undefined when that file does not exist
 * @throws when the file exists but exports no `startSpa` function
 */
export async function loadStartSpa(): Promise<StartSpa | undefined> {
  if (!existsSync(SPA_SERVER_FILE)) return undefined;
  const module = (await import(pathToFileURL(SPA_SERVER_FILE).href)) as { startSpa?: unknown };
  if (typeof module.startSpa !== 'function') throw new Error('examples/spa/server.ts does not export a startSpa function');
  return module.startSpa as StartSpa;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * Serves a page in place of the SPA (examples/spa is not there): where the other services are.
 * @param host - the address to bind
 * @param port - the preferred port (a taken one falls back to a free one)
 * @param config - the services' URLs
 */
export async function startSpaPlaceholder(host: string, port: number, config: SpaConfig): Promise<RunningSpa> {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tessera demo</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto">
<h1>Tessera demo</h1><p>The browser app (<code>examples/spa</code>) is not in this checkout yet. The rest runs:</p>
<ul><li>issuer <a href="${escapeHtml(config.issuer)}/">${escapeHtml(config.issuer)}</a></li>
<li>Koa API <code>${escapeHtml(config.apis.koa)}/api/hello</code></li>
<li>Express API <code>${escapeHtml(config.apis.express)}/api/hello</code>, <code>/system/hello</code></li></ul></body></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
  });
  const { url } = await listen(server, host, port);
  return { url, close: () => closeServer(server) };
}
