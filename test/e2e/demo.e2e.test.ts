// The demo end to end, in Debian's Chromium: `startDemo` (issuer, Koa API, Express API, SPA) on free ports, a person's
// clicks on the SPA — log in through the issuer's login page (authorization code + PKCE), call both APIs, force an
// expiry and watch the silent refresh, open a second tab and see one refresh shared, log out — and what reached the
// issuer, counted twice: on the browser's wire and in the issuer's audit log. The README's screenshot is taken here.
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../examples/demo.js';
import { CHROMIUM, hasCommand, systemPeer } from '../support/system-peer.js';
import { launchChromium, screenshotAll, type Browser } from '../support/chromium.js';
import { DemoPage } from './demo-page.js';
import { Wire } from './wire.js';

/** Where the README's screenshot of the demo page is written. */
const README_SCREENSHOT = join(process.cwd(), 'docs', 'demo.png');

/** A demo on free ports whose audit lines are kept, to count what the issuer did. */
async function startObservedDemo(accessTtlSeconds: number) {
  const audit: string[] = [];
  const demo: Demo = await startDemo({
    ports: { spa: 0, issuer: 0, koaApi: 0, expressApi: 0 },
    accessTtlSeconds,
    log: (line) => audit.push(line),
  });
  /** How many audit events of this type (`token.refreshed`, `refresh.reuse_detected`, …) the issuer emitted. */
  const issued = (type: string) => audit.filter((line) => line.startsWith('issuer') && line.split(/\s+/)[1] === type).length;
  /** How many requests an API answered with this status. */
  const answered = (api: 'koa-api' | 'express-api', status: number) =>
    audit.filter((line) => line.startsWith(api) && line.endsWith(`GET /api/hello → ${status}`)).length;
  return { demo, audit, issued, answered };
}

async function logIn(tab: DemoPage, spa: string): Promise<void> {
  await tab.click('login');
  const page = tab.page;
  await page.locator('input[name=username]').fill('demo');
  await page.locator('input[name=password]').fill('demo');
  await page.locator('button[type=submit]').click();
  await page.waitForURL(`${spa}/`); // back from the issuer, the code gone from the address bar
  await tab.ready();
  await expect.poll(() => tab.status()).toBe('signed-in');
}

/** Calls an API from the page and waits for the answer's timeline entry. */
async function call(tab: DemoPage, api: 'koa' | 'express'): Promise<{ status: number | undefined; text: string }> {
  const before = (await tab.entries()).filter((e) => e.kind === 'api' && e.api === api).length;
  await tab.click(api === 'koa' ? 'call-koa' : 'call-express');
  await expect.poll(async () => (await tab.entries()).filter((e) => e.kind === 'api' && e.api === api).length).toBe(before + 1);
  const answer = (await tab.entries()).filter((e) => e.kind === 'api' && e.api === api).at(-1)!;
  return { status: answer.status, text: answer.text };
}

if (systemPeer('chromium', hasCommand(CHROMIUM))) {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      const files = await screenshotAll(browser.context, task.name);
      console.error(`screenshots of the failed test: ${files.join(', ')}`);
    });
  });

  describe('the demo, as a person clicks through it', () => {
    // Long enough that no renewal timer fires during these steps: every refresh here is one the test caused.
    let run: Awaited<ReturnType<typeof startObservedDemo>> & { wire: Wire };
    let tabA: DemoPage;
    let tabB: DemoPage;

    beforeAll(async () => {
      const observed = await startObservedDemo(120);
      run = { ...observed, wire: new Wire(browser.context, observed.demo.urls.issuer) };
      expect(run.demo.spa).toBe('app');
    });
    afterAll(async () => {
      await run.demo?.stop();
    });

    it('logs in through the issuer’s login page (authorization code + PKCE) and shows a JWT token set', async () => {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(run.demo.urls.spa);
      tabA = await new DemoPage(page).ready();
      expect(await tabA.status()).toBe('signed-out');

      await logIn(tabA, run.demo.urls.spa);
      expect(await tabA.text('token-format')).toBe('JWT');
      expect((await tabA.text('token-scopes')).split(/\s+/)).toEqual(['openid', 'profile', 'api:read']);
      expect(await tabA.text('token-expiry')).toMatch(/^\d+ s$/);
      expect(run.wire.grants).toEqual(['authorization_code']);
      expect(run.issued('token.issued')).toBe(1);
      expect((await tabA.entriesOf('login')).at(-1)?.text).toContain('Logged in');
    });

    it('calls the Koa API and the Express API with the access token', async () => {
      const koa = await call(tabA, 'koa');
      expect(koa).toMatchObject({ status: 200 });
      expect(koa.text).toContain('subject demo');
      expect(koa.text).toContain('verified local');
      const express = await call(tabA, 'express');
      expect(express).toMatchObject({ status: 200 });
      expect(express.text).toContain('verified remote');
      expect(JSON.parse(await tabA.text('last-response'))).toMatchObject({ api: 'express', subject: 'demo', scopes: expect.arrayContaining(['api:read']) });
      expect(run.wire.count('refresh_token')).toBe(0);
    });

    it('after a forced expiry, the next call refreshes silently — one refresh_token grant — and succeeds', async () => {
      const revokedToken = await tabA.text('token-fingerprint');
      await tabA.click('force-expiry');
      await tabA.page.getByTestId('token-revoked').waitFor();

      const koa = await call(tabA, 'koa');
      expect(koa.status).toBe(200);
      expect(koa.text).toContain('after a silent refresh');
      expect(run.answered('koa-api', 401)).toBe(1); // the revoked token was refused, then the call was retried
      expect(run.wire.count('refresh_token')).toBe(1);
      expect(run.issued('token.refreshed')).toBe(1);
      expect(await tabA.text('token-fingerprint')).not.toBe(revokedToken);
      await expect.poll(async () => (await tabA.entriesOf('refresh-self')).length).toBe(1);
      expect((await call(tabA, 'express')).status).toBe(200);
    });

    it('a second tab shares the tokens, and two tabs needing a refresh at once share one refresh', async () => {
      const [page] = await Promise.all([browser.context.waitForEvent('page'), tabA.click('open-tab')]);
      tabB = await new DemoPage(page).ready();
      await expect.poll(() => tabB.status()).toBe('signed-in');
      expect(await tabB.tabId()).not.toBe(await tabA.tabId());
      expect(await tabB.text('token-fingerprint')).toBe(await tabA.text('token-fingerprint'));
      expect((await tabB.entriesOf('restored')).length).toBe(1); // from IndexedDB, no second login
      expect(run.wire.count('authorization_code')).toBe(1);

      await tabA.click('force-expiry');
      await tabA.page.getByTestId('token-revoked').waitFor();
      // Both tabs call at the same moment (a click dispatched in each page at once), both with the revoked token.
      const calls = async (tab: DemoPage) => (await tab.entriesOf('api')).filter((e) => e.api === 'koa');
      const before = [(await calls(tabA)).length, (await calls(tabB)).length];
      await Promise.all([tabA, tabB].map((tab) => tab.page.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="call-koa"]')!.click())));
      await expect.poll(async () => [(await calls(tabA)).length, (await calls(tabB)).length]).toEqual([before[0]! + 1, before[1]! + 1]);
      const [a, b] = [(await calls(tabA)).at(-1)!, (await calls(tabB)).at(-1)!];
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(run.answered('koa-api', 401)).toBe(3); // one before, and now one per tab: both needed the refresh
      expect(a.text).toContain('after a silent refresh');
      expect(b.text).toContain('after a silent refresh');

      expect(run.wire.count('refresh_token')).toBe(2); // the one before, and exactly one for both tabs
      expect(run.issued('token.refreshed')).toBe(2);
      expect(run.issued('refresh.reuse_detected')).toBe(0);
      const shared = await tabA.text('token-fingerprint');
      expect(await tabB.text('token-fingerprint')).toBe(shared);

      // One tab refreshed, the other took its result — and says which tab that was.
      const [idA, idB] = [await tabA.tabId(), await tabB.tabId()];
      const refreshedBy = async (tab: DemoPage) => (await tab.entriesOf('refresh-self')).filter((e) => e.text.includes(shared)).length;
      await expect.poll(async () => (await refreshedBy(tabA)) + (await refreshedBy(tabB))).toBe(1);
      const [winner, other, winnerId] = (await refreshedBy(tabA)) === 1 ? [tabA, tabB, idA] : [tabB, tabA, idB];
      await expect.poll(async () => (await other.entriesOf('refresh-other')).at(-1)?.text ?? '').toContain(`by tab ${winnerId}`);
      expect((await winner.entriesOf('refresh-other')).filter((e) => e.text.includes(shared))).toEqual([]);

      await call(tabA, 'express');
      await tabA.page.mouse.move(0, 0); // no hover highlight in the picture
      await tabA.page.screenshot({ path: README_SCREENSHOT });
    });

    it('logs out in every tab, revokes the refresh token, and the APIs answer 401 to the last access token', async () => {
      const lastToken = run.wire.lastAuthorization(run.demo.urls.koaApi);
      expect(lastToken).toMatch(/^Bearer ey/);
      await tabB.click('logout');
      // The tabs forget the tokens at once; the entry comes once the issuer has answered the revocation.
      await expect.poll(async () => (await tabB.entriesOf('logout')).at(-1)?.text ?? '').toContain('refresh token revoked');
      expect(await tabB.status()).toBe('signed-out');
      await expect.poll(() => tabA.status()).toBe('signed-out');
      expect((await tabA.entriesOf('logout')).at(-1)?.text).toContain('in another tab');
      const revoked = run.audit.filter((line) => line.split(/\s+/)[1] === 'token.revoked').map((line) => /tokenType=(\S+)/.exec(line)?.[1]);
      expect(revoked).toEqual(['access_token', 'access_token', 'refresh_token']); // "Force expiry" twice, then the logout

      for (const api of [run.demo.urls.koaApi, run.demo.urls.expressApi]) {
        const response = await fetch(`${api}/api/hello`, { headers: { authorization: lastToken! } });
        expect(response.status, api).toBe(401);
        expect(response.headers.get('www-authenticate'), api).toMatch(/^Bearer .*error="invalid_token"/);
      }
      expect(run.wire.count('refresh_token')).toBe(2);
    });
  });

  describe('the demo left alone with a short access-token lifetime', () => {
    it('two idle tabs renew before expiry on their timers, each renewal one refresh_token grant shared by both', async () => {
      const { demo, issued } = await startObservedDemo(5); // renewed 2.5 s after issue (half its lifetime)
      try {
        const wire = new Wire(browser.context, demo.urls.issuer);
        const first = new DemoPage(await browser.context.newPage());
        await first.page.goto(demo.urls.spa);
        await first.ready();
        await logIn(first, demo.urls.spa);
        const [page] = await Promise.all([browser.context.waitForEvent('page'), first.click('open-tab')]);
        const second = await new DemoPage(page).ready();
        await expect.poll(() => second.status()).toBe('signed-in');

        // Nobody clicks: wait for two renewals seen by both tabs.
        const renewals = async (tab: DemoPage) => (await tab.entries()).filter((e) => e.kind === 'refresh-self' || e.kind === 'refresh-other');
        await expect.poll(async () => Math.min((await renewals(first)).length, (await renewals(second)).length), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
        const prints = async (tab: DemoPage, kind: string) => (await tab.entriesOf(kind)).map((e) => e.text.match(/#([0-9a-f]{12})/)?.[1]);
        const sentBy = async () => [...(await prints(first, 'refresh-self')), ...(await prints(second, 'refresh-self'))];
        // Every renewal went to the issuer once, from one of the two tabs: as many grants on the wire and in the audit
        // as renewals in the timelines (read between renewals: one may be in flight while the counts are taken).
        await expect.poll(async () => {
          const renewed = (await sentBy()).length;
          return { unaccountedGrants: wire.count('refresh_token') - renewed, unaccountedAudits: issued('token.refreshed') - renewed };
        }).toEqual({ unaccountedGrants: 0, unaccountedAudits: 0 });
        const sent = await sentBy();
        expect(new Set(sent).size).toBe(sent.length);
        expect(issued('refresh.reuse_detected')).toBe(0);
        // ...and the other tab took each one (its timeline names it a moment later).
        for (const [by, other] of [[first, second], [second, first]] as const) {
          for (const print of await prints(by, 'refresh-self')) await expect.poll(() => prints(other, 'refresh-other')).toContain(print);
        }
        expect(await first.status()).toBe('signed-in');
        expect(await second.status()).toBe('signed-in');
        await first.page.close();
        await second.page.close();
      } finally {
        await demo.stop();
      }
    });
  });
}
