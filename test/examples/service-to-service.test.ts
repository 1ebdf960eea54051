// examples/service-to-service: @tessera/client's client_credentials grant, then the Koa API — as a function, and as
// the script a person runs (a real child process, printing what it got).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../examples/demo.js';
import { callKoaApi } from '../../examples/service-to-service/index.js';
import { demo, demoSecret } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function runScript(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'examples/service-to-service/index.ts'], {
      cwd: root, env: { ...process.env, ...env }, timeout: 30_000,
    }, (error, stdout, stderr) => resolve({ code: error === null ? 0 : (typeof error.code === 'number' ? error.code : null), stdout, stderr }));
  });
}

describe('examples/service-to-service', () => {
  let d: Demo;
  beforeAll(async () => {
    d = await demo();
  });

  it('gets a token with client_credentials and calls the Koa API with it', async () => {
    const { answer, expiresIn } = await callKoaApi({ issuer: d.urls.issuer, koaApi: d.urls.koaApi, clientId: 'service', clientSecret: demoSecret('service') });
    expect(answer).toMatchObject({ api: 'koa', subject: 'service', clientId: 'service', scopes: ['api:read'], strategy: 'local', format: 'jwt' });
    expect(expiresIn).toBeGreaterThan(25);
    expect(expiresIn).toBeLessThanOrEqual(30);
  });

  it('runs as a script and prints the Koa API\'s answer', async () => {
    const run = await runScript({ ISSUER_URL: d.urls.issuer, KOA_API_URL: d.urls.koaApi });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`service-to-service: client_credentials as "service" at ${d.urls.issuer}, then GET ${d.urls.koaApi}/api/hello`);
    expect(lines[1]).toMatch(/^token: jwt, expires in (2\d|30) s$/);
    const answer = JSON.parse(lines[2]!.replace(/^Koa API answered: /, '')) as Record<string, unknown>;
    expect(answer).toMatchObject({ api: 'koa', subject: 'service', strategy: 'local' });
  });

  it('exits 1 with the issuer\'s refusal when the secret is wrong', async () => {
    const run = await runScript({ ISSUER_URL: d.urls.issuer, KOA_API_URL: d.urls.koaApi, CLIENT_SECRET: 'not-the-secret-at-all' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^service-to-service failed: token_request_failed /);
    expect(run.stderr).not.toContain('not-the-secret-at-all');
  });
});
