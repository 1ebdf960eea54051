// Debian's Chromium for every browser suite (the client's cross-tab suite, the demo's end-to-end test), through
// playwright-core: headless, a fresh profile per launch, and the flags this closed network needs (without the
// background-networking ones Chromium floods it with refused connections); screenshots of every page on failure.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM } from './system-peer.js';

/** A browser with a fresh profile; `close()` removes the profile. */
export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** The size of the pages (and of the README's screenshot). */
export const VIEWPORT = { width: 1280, height: 900 };

/** Launches Chromium with an empty profile in a temporary folder. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'tessera-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: VIEWPORT,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Saves a screenshot of every open page under test-results/e2e/ (gitignored), named after the test.
 * @returns the files written
 */
export async function screenshotAll(context: BrowserContext, name: string): Promise<string[]> {
  const dir = join(process.cwd(), 'test-results', 'e2e');
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, page] of context.pages().entries()) {
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}-tab${i + 1}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    files.push(file);
  }
  return files;
}
