// @tessera/client in a real browser: Debian's Chromium through playwright-core, pages served on 127.0.0.1 by a Koa
// issuer that refuses any reuse of a refresh token. Tabs of one origin share one refresh; Web Locks, their absence,
// hung and closed lock holders; encrypted IndexedDB storage across a reload; DPoP proofs checked by the issuer.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser } from '../../support/chromium.js';
import { CHROMIUM, hasCommand, systemPeer } from '../../support/system-peer.js';
import type { PageOptions } from './page.js';
import { startTestServer } from './server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

if (systemPeer('chromium', hasCommand(CHROMIUM))) {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let browser: Browser | undefined;
  let context: BrowserContext;

  beforeAll(async () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const bundle = await build({
      entryPoints: [join(here, 'page.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      alias: { '@tessera/core': join(here, '../../../packages/core/src/index.ts') },
    });
    server = await startTestServer(bundle.outputFiles[0]!.text);
    browser = await launchChromium();
    context = browser.context;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    // Each test starts from an empty origin: no pages, no storage, no lock records.
    for (const page of context.pages()) await page.close();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.evaluate(async () => {
      localStorage.clear();
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase('tessera');
        request.onsuccess = request.onerror = request.onblocked = resolve;
      });
    });
    await page.close();
  });

  async function tabs(count: number, options: PageOptions, { webLocks = true } = {}): Promise<Page[]> {
    const pages: Page[] = [];
    for (let i = 0; i < count; i++) {
      const page = await context.newPage();
      if (!webLocks) await page.addInitScript(() => void delete (Navigator.prototype as { locks?: unknown }).locks);
      await page.goto(server.url);
      await page.evaluate((o) => window.harness.create(o), options);
      pages.push(page);
    }
    return pages;
  }

  /** Logs in on the first tab with access tokens that expire in 1 s, and waits until every tab holds them. */
  async function loginAndExpire(pages: Page[]) {
    server.reset(1);
    const initial = await pages[0]!.evaluate(() => window.harness.login());
    for (const page of pages) {
      await expect.poll(() => page.evaluate(() => window.harness.tokens().then((t) => t?.accessToken))).toBe(initial.accessToken);
    }
    server.state.expiresIn = 3600;
    await sleep(initial.expiresAt! - Date.now() + 100);
    return initial;
  }

  async function expectOneSharedRefresh(pages: Page[], initial: { accessToken: string; refreshToken?: string }) {
    expect(server.state.refreshRequests).toBe(1);
    expect(server.state.reuses).toBe(0);
    const sets = await Promise.all(pages.map((p) => p.evaluate(() => window.harness.tokens())));
    expect(new Set(sets.map((t) => t?.accessToken)).size).toBe(1);
    expect(new Set(sets.map((t) => t?.refreshToken)).size).toBe(1);
    expect(sets[0]?.accessToken).not.toBe(initial.accessToken);
    expect(sets[0]?.refreshToken).not.toBe(initial.refreshToken);
    for (const page of pages) {
      const events = await page.evaluate(() => window.harness.events());
      expect(events.filter((e) => e.type === 'logout' || e.type === 'refresh_error')).toEqual([]);
    }
  }

  describe.each([
    ['Web Locks', true],
    ['no Web Locks (localStorage lock)', false],
  ])('tabs whose tokens expire together — %s', (_name, webLocks) => {
    it.each([2, 5])('%i tabs calling the API → exactly one refresh reaches the issuer, all share the new token set', async (count) => {
      const pages = await tabs(count, { storage: 'localStorage' }, { webLocks });
      if (!webLocks) expect(await pages[0]!.evaluate(() => 'locks' in navigator)).toBe(false);
      const initial = await loginAndExpire(pages);
      const statuses = await Promise.all(pages.map((p) => p.evaluate(() => window.harness.callApi())));
      expect(statuses).toEqual(Array(count).fill(200));
      await expectOneSharedRefresh(pages, initial);
    });
  });

  it('memory storage: the tab that refreshes hands the new token set to the others (BroadcastChannel)', async () => {
    const pages = await tabs(3, { storage: 'memory' });
    const initial = await loginAndExpire(pages);
    const statuses = await Promise.all(pages.map((p) => p.evaluate(() => window.harness.callApi())));
    expect(statuses).toEqual([200, 200, 200]);
    await expectOneSharedRefresh(pages, initial);
  });

  describe('a lock holder that never lets go', () => {
    it('Web Locks: a hung holder blocks the others only until the lock timeout (then they take it over)', async () => {
      const [hung, waiting] = await tabs(2, { storage: 'localStorage', lockTimeout: 2 });
      await loginAndExpire([hung!, waiting!]);
      await hung!.evaluate(() => window.harness.holdWebLock());
      const started = Date.now();
      expect(await waiting!.evaluate(() => window.harness.callApi())).toBe(200);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(1_900);
      expect(waited).toBeLessThan(6_000);
      expect(server.state.refreshRequests).toBe(1);
    });

    it('Web Locks: a tab closed while holding the lock releases it at once', async () => {
      const [closing, waiting] = await tabs(2, { storage: 'localStorage', lockTimeout: 10 });
      await loginAndExpire([closing!, waiting!]);
      await closing!.evaluate(() => window.harness.holdWebLock());
      const call = waiting!.evaluate(() => window.harness.callApi());
      await sleep(200);
      const started = Date.now();
      await closing!.close();
      expect(await call).toBe(200);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(server.state.refreshRequests).toBe(1);
    });

    it('no Web Locks: the lock record of a closed tab stops counting after the timeout', async () => {
      const [closing, waiting] = await tabs(2, { storage: 'localStorage', lockTimeout: 2 }, { webLocks: false });
      await loginAndExpire([closing!, waiting!]);
      await closing!.evaluate(() => window.harness.holdStorageLock(2));
      await closing!.close();
      const started = Date.now();
      expect(await waiting!.evaluate(() => window.harness.callApi())).toBe(200);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(1_500);
      expect(waited).toBeLessThan(6_000);
      expect(server.state.refreshRequests).toBe(1);
    });
  });

  describe('IndexedDB storage', () => {
    it('survives a reload and holds no plaintext token', async () => {
      server.reset();
      const [page] = await tabs(1, { storage: 'indexedDB' });
      const tokens = await page!.evaluate(() => window.harness.login());
      const raw = await page!.evaluate(() => window.harness.rawStoredValue());
      expect(raw?.kind).toBe('sealed');
      const bytes = Buffer.from(raw!.bytes);
      for (const secret of [tokens.accessToken, tokens.refreshToken!]) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
        expect(bytes.includes(Buffer.from(Buffer.from(secret).toString('base64')))).toBe(false);
      }
      expect(bytes.includes(Buffer.from('accessToken'))).toBe(false);

      await page!.reload();
      await page!.evaluate(() => window.harness.create({ storage: 'indexedDB' }));
      expect((await page!.evaluate(() => window.harness.tokens()))?.accessToken).toBe(tokens.accessToken);
      expect(await page!.evaluate(() => window.harness.callApi())).toBe(200);
    });

    it('a tampered stored value is reported (storage_corrupted) and ignored; the user can log in again', async () => {
      server.reset();
      const [page] = await tabs(1, { storage: 'indexedDB' });
      await page!.evaluate(() => window.harness.login());
      await page!.evaluate(() => window.harness.tamperStoredValue());
      await page!.reload();
      await page!.evaluate(() => window.harness.create({ storage: 'indexedDB' }));
      expect(await page!.evaluate(() => window.harness.tokens())).toBeUndefined();
      const events = await page!.evaluate(() => window.harness.events());
      expect(events.map((e) => e.type)).toEqual(['storage_error']);
      expect(JSON.parse(events[0]!.detail)).toMatchObject({ code: 'storage_corrupted' });
      await page!.evaluate(() => window.harness.login());
      expect(await page!.evaluate(() => window.harness.callApi())).toBe(200);
    });
  });

  it('a full localStorage (real QuotaExceededError) degrades to memory with storage_error; calls still work', async () => {
    server.reset();
    const [page] = await tabs(1, { storage: 'localStorage' });
    expect(await page!.evaluate(() => window.harness.fillLocalStorage())).toBe('QuotaExceededError');
    await page!.evaluate(() => window.harness.login());
    const events = await page!.evaluate(() => window.harness.events());
    expect(events.filter((e) => e.type === 'storage_error').map((e) => JSON.parse(e.detail).code)).toEqual(['storage_unavailable']);
    expect(await page!.evaluate(() => window.harness.callApi())).toBe(200);
  });

  describe('DPoP', () => {
    it('proofs verify at the issuer and the API; the non-extractable key survives a reload, and so does the binding', async () => {
      server.reset(1);
      const [page] = await tabs(1, { storage: 'indexedDB', dpop: true });
      const tokens = await page!.evaluate(() => window.harness.login());
      expect(tokens.tokenType).toBe('DPoP');
      expect(await page!.evaluate(() => window.harness.dpopKeyExtractable())).toBe(false);
      server.state.expiresIn = 3600;
      await sleep(tokens.expiresAt! - Date.now() + 100);
      await page!.reload();
      await page!.evaluate(() => window.harness.create({ storage: 'indexedDB', dpop: true }));
      // After the reload: an expired DPoP-bound token, renewed with a proof from the same key, then the API calls.
      expect(await page!.evaluate(() => window.harness.callApi())).toBe(200);
      expect(await page!.evaluate(() => window.harness.callApiWithKy())).toEqual({ ok: true });
      const proofs = server.state.dpopProofs;
      expect(proofs.map((p) => p.where)).toEqual(['token', 'token', 'api', 'api']);
      expect(new Set(proofs.map((p) => p.jkt)).size).toBe(1);
      expect(server.state.refreshRequests).toBe(1);
    });
  });
}
