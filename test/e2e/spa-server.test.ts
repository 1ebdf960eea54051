// examples/spa/server.ts without a browser: what `startSpa` serves, with which headers, and when it rebuilds the
// bundle (the browser flows are demo.e2e.test.ts's job).
import { stat, utimes } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSpaBundle, spaBundleIsStale } from '../../examples/spa/build.js';
import { startSpa, type SpaServer } from '../../examples/spa/server.js';

const config = {
  issuer: 'http://127.0.0.1:4401',
  clientId: 'spa' as const,
  apis: { koa: 'http://127.0.0.1:4402', express: 'http://localhost:4403' },
};

describe('startSpa', () => {
  let spa: SpaServer;
  beforeAll(async () => {
    spa = await startSpa({ host: '127.0.0.1', port: 0, config });
  });
  afterAll(async () => {
    await spa?.close();
  });

  it('listens on the given host, on a free port for port 0', () => {
    expect(spa.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(spa.url).port).not.toBe('0');
  });

  it('serves the page with a CSP that lets it talk to the issuer and the two APIs only', async () => {
    const response = await fetch(`${spa.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    for (const id of ['login', 'call-koa', 'call-express', 'force-expiry', 'open-tab', 'logout', 'timeline', 'session']) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    const csp = response.headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:4401 http://127.0.0.1:4402 http://localhost:4403");
    expect(csp).toContain("frame-ancestors 'none'");
    // The authorization code arrives in this page's query string: no Referer may carry it away, nothing is cached.
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('serves /config.json with where the issuer and the APIs are', async () => {
    const response = await fetch(`${spa.url}/config.json`);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(config);
  });

  it('serves the bundle with its source map, and the stylesheet', async () => {
    const js = await fetch(`${spa.url}/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const code = await js.text();
    expect(code).toContain('//# sourceMappingURL=app.js.map');
    expect(code).not.toMatch(/from\s*["']@tessera\//); // the client is inside, not imported
    const map = (await (await fetch(`${spa.url}/app.js.map`)).json()) as { sources: string[] };
    expect(map.sources.some((s) => s === 'examples/spa/src/main.ts')).toBe(true);
    expect(map.sources.some((s) => s === 'packages/client/src/create-token-client.ts')).toBe(true);
    expect((await fetch(`${spa.url}/styles.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for anything else, and 405 for other methods', async () => {
    expect((await fetch(`${spa.url}/../package.json`)).status).toBe(404);
    expect((await fetch(`${spa.url}/server.ts`)).status).toBe(404);
    expect((await fetch(`${spa.url}/config.json`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a config whose URLs are not URLs, before building or listening', async () => {
    await expect(startSpa({ host: '127.0.0.1', port: 0, config: { ...config, issuer: 'not a url' } })).rejects.toThrow(TypeError);
  });
});

describe('the SPA bundle', () => {
  it('is up to date after a build, and stale once a file it was built from changes', async () => {
    await ensureSpaBundle();
    expect(await spaBundleIsStale()).toBe(false);
    expect((await ensureSpaBundle()).built).toBe(false);
    // A client source touched after the build (as an edit or a checkout would): the next start rebuilds.
    const source = fileURLToPath(new URL('../../packages/client/src/token-set.ts', import.meta.url));
    const { atime, mtime } = await stat(source);
    try {
      await utimes(source, atime, new Date(Date.now() + 60_000));
      expect(await spaBundleIsStale()).toBe(true);
    } finally {
      await utimes(source, atime, mtime);
    }
    expect(await spaBundleIsStale()).toBe(false);
  });
});
