// startDemo itself: a taken preferred port falls back to a free one (and says so), the SPA placeholder answers, bad
// options fail at once, and stop() closes every port, once.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DemoStartError, startDemo } from '../../examples/demo.js';
import { FREE_PORTS, demo } from './support.js';

describe('startDemo', () => {
  it('falls back to a free port when a preferred one is taken, and says so', async () => {
    const squatter = createServer((_req, res) => res.end('someone else'));
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as AddressInfo).port;
    try {
      const d = await demo({ ports: { ...FREE_PORTS, issuer: taken } });
      expect(new URL(d.urls.issuer).port).not.toBe(String(taken));
      expect(d.notes).toContain(`port ${taken} was taken: the issuer listens on ${d.urls.issuer}`);
      expect((await fetch(`${d.urls.issuer}/health`)).status).toBe(200);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('serves a page at the SPA address without the browser app, and stops every server once', async () => {
    const d = await startDemo({ ports: FREE_PORTS, quiet: true, spa: false });
    expect(d.spa).toBe('placeholder');
    const page = await fetch(d.urls.spa);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(d.urls.issuer);
    await Promise.all([d.stop(), d.stop()]);
    for (const url of Object.values(d.urls)) await expect(fetch(url), url).rejects.toThrow();
  });

  it('refuses bad options before binding anything', async () => {
    await expect(startDemo({ accessTtlSeconds: 1 })).rejects.toThrow(new DemoStartError('accessTtlSeconds must be a whole number of seconds from 5 to 86400'));
    await expect(startDemo({ ports: { issuer: 70_000 } })).rejects.toThrow(new DemoStartError('ports.issuer must be a port number from 0 to 65535'));
  });
});
