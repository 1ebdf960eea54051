/**
 * Shared by the verifier, Koa and Express suites: real servers on 127.0.0.1 (port 0), a plain HTTP client, and an
 * msw server for the upstreams (JWKS, introspection, verify-token) that refuses any unmocked request except those
 * to the app servers under test on 127.0.0.1.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';

/** Starts `server` on 127.0.0.1 and a free port; returns its base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Closes a server and its idle keep-alive connections. */
export async function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The Koa and the Express app of a suite, each listening on its own free port. */
export interface BothAdapters {
  /** Base URL per adapter. */
  readonly bases: Readonly<Record<'koa' | 'express', string>>;
  /** Closes both servers. */
  close(): Promise<void>;
}

/**
 * Serves the same routes through both adapters: `koa` is a Koa app's `callback()`, `express` an Express app.
 * @returns the base URLs and a closer
 */
export async function serveBoth(koa: RequestListener, express: RequestListener): Promise<BothAdapters> {
  const servers = { koa: createServer(koa), express: createServer(express) };
  const bases = { koa: await listen(servers.koa), express: await listen(servers.express) };
  return { bases, close: async () => void (await Promise.all([close(servers.koa), close(servers.express)])) };
}

/** An answer as a test reads it. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

/** One request to an app server under test. */
export async function call(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * An msw server with `onUnhandledRequest: 'error'` for every host but 127.0.0.1 (the app servers under test, and
 * real closed ports for "connection refused").
 */
export function mockUpstreams(...handlers: RequestHandler[]): ReturnType<typeof setupServer> {
  const server = setupServer(...handlers);
  server.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname === '127.0.0.1') return;
      print.error();
    },
  });
  return server;
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(path = '/'): Promise<string> {
  const { createServer } = await import('node:http');
  const server = createServer();
  const base = await listen(server);
  await close(server);
  return base + path;
}
