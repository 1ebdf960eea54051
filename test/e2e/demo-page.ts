// The demo page of one tab, read and driven through its `data-testid`s (examples/spa/public/index.html, src/view.ts).
import type { Page } from 'playwright-core';

/** One timeline entry as the page shows it. */
export interface ShownEntry {
  kind: string;
  api: string | undefined;
  status: number | undefined;
  fingerprint: string | undefined;
  text: string;
}

/** The demo page of one tab, read and driven through its `data-testid`s. */
export class DemoPage {
  constructor(readonly page: Page) {}

  /** Waits until the page has read its config and storage (and finished a login redirect). */
  async ready(): Promise<this> {
    await this.page.locator('[data-testid="app"][data-ready="true"]').waitFor();
    return this;
  }

  tabId(): Promise<string> {
    return this.page.getByTestId('tab-id').innerText();
  }

  /** `signed-in` or `signed-out`. */
  status(): Promise<string | null> {
    return this.page.getByTestId('status').getAttribute('data-state');
  }

  text(testId: string): Promise<string> {
    return this.page.getByTestId(testId).innerText();
  }

  click(testId: 'login' | 'call-koa' | 'call-express' | 'force-expiry' | 'open-tab' | 'logout'): Promise<void> {
    return this.page.getByTestId(testId).click();
  }

  /** The timeline, oldest first. */
  async entries(): Promise<ShownEntry[]> {
    const shown = await this.page.getByTestId('timeline-entry').evaluateAll((elements) =>
      elements.map((e) => {
        const d = (e as HTMLElement).dataset;
        return { kind: d.kind ?? '', api: d.api, status: d.status === undefined ? undefined : Number(d.status), fingerprint: d.fingerprint, text: e.textContent ?? '' };
      }),
    );
    return shown.reverse();
  }

  /** The timeline entries of one kind. */
  async entriesOf(kind: string): Promise<ShownEntry[]> {
    return (await this.entries()).filter((e) => e.kind === kind);
  }
}
