import { signJwt } from '@tessera/core';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createVerifier, toResponse, type FailureEvent, type SuccessEvent } from '../src/index.js';
import { SECRET, hmacKey, mintToken } from './helpers.js';

describe('hooks', () => {
  it('report code, strategy, issuer, cache hit and latency; a throwing hook changes nothing', async () => {
    const ok: SuccessEvent[] = [];
    const bad: FailureEvent[] = [];
    const verifier = createVerifier({
      local: { secret: SECRET },
      onSuccess: (e) => {
        ok.push(e);
        throw new Error('hook bug');
      },
      onFailure: (e) => bad.push(e),
    });
    const token = await mintToken(await hmacKey());
    await verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } });
    await verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: 'Bearer nope.nope.nope' } }).catch(() => undefined);
    expect(ok[0]).toMatchObject({ strategy: 'local', issuer: 'https://issuer.example', cacheHit: false });
    expect(ok[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(bad[0]).toMatchObject({ code: 'token_malformed', status: 401, strategy: 'local', cacheHit: false });
  });

  it('wire into prom-client as the README shows', async () => {
    const registry = new Registry();
    const verifications = new Counter({ name: 'auth_verifications_total', help: 'Verifications', labelNames: ['outcome', 'code', 'strategy', 'cache'], registers: [registry] });
    const latency = new Histogram({ name: 'auth_latency_seconds', help: 'Latency', labelNames: ['strategy'], registers: [registry] });
    const verifier = createVerifier({
      local: { secret: SECRET },
      onSuccess: (e) => {
        verifications.inc({ outcome: 'ok', code: 'ok', strategy: e.strategy, cache: String(e.cacheHit) });
        latency.observe({ strategy: e.strategy }, e.latencyMs / 1000);
      },
      onFailure: (e) => verifications.inc({ outcome: 'fail', code: e.code, strategy: e.strategy ?? 'none', cache: String(e.cacheHit) }),
    });
    const token = await signJwt({}, await hmacKey(), { subject: 'u', expiresIn: 60 });
    await verifier.verify(token);
    await verifier.verify(token);
    await verifier.verify('x').catch(() => undefined);
    const text = await registry.metrics();
    expect(text).toContain('auth_verifications_total{outcome="ok",code="ok",strategy="local",cache="false"} 1');
    expect(text).toContain('auth_verifications_total{outcome="ok",code="ok",strategy="local",cache="true"} 1');
    expect(text).toContain('auth_verifications_total{outcome="fail",code="invalid_token",strategy="none",cache="false"} 1');
    expect(text).toContain('auth_latency_seconds_count{strategy="local"} 2');
  });
});

describe('fetch runtimes', () => {
  it('authenticateRequest reads a Request; toResponse answers its failure', async () => {
    const verifier = createVerifier({ local: { secret: SECRET }, realm: 'edge' });
    const token = await mintToken(await hmacKey());
    await expect(verifier.authenticateRequest(new Request('https://edge.example/x', { headers: { authorization: `Bearer ${token}` } }))).resolves.toMatchObject({ subject: 'user-1' });
    const response = await verifier.authenticateRequest(new Request('https://edge.example/x')).then(() => undefined, toResponse);
    expect(response?.status).toBe(401);
    expect(response?.headers.get('www-authenticate')).toBe('Bearer realm="edge"');
    expect(await response?.json()).toEqual({ error: 'missing_token', error_description: 'no access token was sent', code: 'missing_token' });
    await expect(verifier.authenticateRequest(new Request('https://edge.example/x'), { credentialsRequired: false })).resolves.toBeUndefined();
  });
});
