import { request as httpRequest } from 'node:http';
import { MemoryTokenStore } from '@tessera/core';
import { describe, expect, it, vi } from 'vitest';
import type { AuditEvent } from '../src/index.js';
import { fingerprint } from '../src/internal/random.js';
import { SECRET, basic, post, startIssuer, type StartOptions } from './helpers.js';

const clients: StartOptions['clients'] = [{ id: 'svc', secret: SECRET }, { id: 'rs', secret: SECRET, introspect: true }];
const auth = { authorization: basic('svc', SECRET) };

/** Sends a raw request and resolves with status and body, even when the server closes the connection early. */
function raw(url: string, path: string, headers: Record<string, string>, body: string | Buffer): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('request bodies', () => {
  it('answers a wrong or missing content type with 400 invalid_request', async () => {
    const { url } = await startIssuer({ clients });
    expect(await post(`${url}/token`, 'grant_type=client_credentials', { contentType: 'text/plain', headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the request body must be application/x-www-form-urlencoded' } });
    // JSON is the JWE service's login only: refused unless a client is configured for it.
    expect(await post(`${url}/token`, '{"grant_type":"client_credentials"}', { contentType: 'application/json', headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the request body must be application/x-www-form-urlencoded' } });
    expect(await post(`${url}/revoke`, '{"token":"x"}', { contentType: 'application/json', headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the request body must be application/x-www-form-urlencoded' } });
    expect(await raw(url, '/introspect', auth, 'token=x')).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    expect(await post(`${url}/token`, 'grant_type=client_credentials', { contentType: 'application/x-www-form-urlencoded; charset=latin1', headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the request body must be UTF-8' } });
  });

  it('answers an oversized body with 400 before reading it all', async () => {
    const { url } = await startIssuer({ clients, maxBodyBytes: 2048 });
    const big = `grant_type=client_credentials&pad=${'a'.repeat(4096)}`;
    expect(await raw(url, '/token', { 'content-type': 'application/x-www-form-urlencoded', ...auth }, big))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the request body is larger than 2048 bytes' } });
  });

  it('answers malformed bodies with 400: bad percent-encoding, repeated parameters, bad JSON, invalid UTF-8', async () => {
    const { url } = await startIssuer({ clients });
    expect(await post(`${url}/token`, 'grant_type=client_credentials&scope=%E0%A4%A', { headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'parameter "scope" is not valid application/x-www-form-urlencoded' } });
    expect(await post(`${url}/token`, 'grant_type=client_credentials&grant_type=password', { headers: auth }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'parameter "grant_type" is repeated' } });
    const json = await startIssuer({
      clients: [{ id: 'api_key', compat: 'jwe-service', grants: ['password'] }], authenticateUser: async () => null,
    });
    expect(await post(`${json.url}/token`, '{"username":', { contentType: 'application/json' }))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the request body is not valid JSON' } });
    expect(await raw(url, '/token', { 'content-type': 'application/x-www-form-urlencoded', ...auth }, Buffer.from([0x67, 0x3d, 0xff, 0xfe])))
      .toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'the request body is not valid UTF-8' } });
  });

  it('treats an empty parameter as omitted (RFC 6749 §3.1)', async () => {
    const { url } = await startIssuer({ clients });
    const answer = await post(`${url}/token`, 'grant_type=client_credentials&scope=', { headers: auth });
    expect(answer.status).toBe(200);
  });

  it('decodes form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const { url } = await startIssuer({ clients: [{ id: 'a b:c', secret: 'p@ss w:rd+long-enough' }] });
    expect((await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('a b:c', 'p@ss w:rd+long-enough') } })).status).toBe(200);
    expect(await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: 'Basic !!!' } }))
      .toMatchObject({ status: 401, json: { error: 'invalid_client', error_description: 'malformed Basic credentials' } });
  });
});

describe('rate limits', () => {
  it('answers past the per-client /token limit with 429 temporarily_unavailable and Retry-After', async () => {
    const events: AuditEvent[] = [];
    const { url } = await startIssuer({ clients, rateLimit: { token: { max: 3, windowSeconds: 60 } }, onAudit: (e) => void events.push(e) });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: auth }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers[3]!.json).toEqual({ error: 'temporarily_unavailable', error_description: 'rate limit of 3 requests per 60s exceeded' });
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'token.rejected')).toHaveLength(2);
    // Another client has its own counter.
    expect((await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('rs', SECRET) } })).status).toBe(200);
  });

  it('withdraws an opaque token minted while a refused count was under way, and makes a refused client wait for its count', async () => {
    const store = new MemoryTokenStore();
    const put = vi.spyOn(store, 'putOpaqueToken');
    const deleted = vi.spyOn(store, 'deleteOpaqueToken');
    const events: AuditEvent[] = [];
    const { url } = await startIssuer({
      clients: [{ id: 'op', secret: SECRET, format: 'opaque' }, { id: 'rs', secret: SECRET, introspect: true }], store,
      rateLimit: { token: { max: 2, windowSeconds: 60 } }, onAudit: (e) => void events.push(e),
    });
    const ask = () => post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic('op', SECRET) } });
    const answers = await Promise.all([ask(), ask(), ask(), ask()]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429, 429]);
    // A request counted while no refusal was seen yet mints while counting: a refused one's record is deleted again
    // (whichever requests that was); the two handed out stay active.
    const handedOut = new Set(answers.filter((a) => a.status === 200).map((a) => fingerprint(a.json.access_token as string)));
    expect(put.mock.calls.length).toBeGreaterThan(2);
    expect(deleted.mock.calls.map(([hash]) => hash).sort()).toEqual(put.mock.calls.map(([hash]) => hash).filter((h) => !handedOut.has(h)).sort());
    for (const a of answers.filter((x) => x.status === 200)) {
      expect((await post(`${url}/introspect`, { token: a.json.access_token as string }, { headers: { authorization: basic('rs', SECRET) } })).json.active).toBe(true);
    }
    expect(events.filter((e) => e.type === 'token.issued')).toHaveLength(2);
    // Seen past its limit, the client now waits for each count: a refused request writes nothing.
    const written = put.mock.calls.length;
    expect((await ask()).status).toBe(429);
    expect(put).toHaveBeenCalledTimes(written);
    await store.close();
  });

  it('counts through a process-local counter or a counter of your own instead of the store', async () => {
    const store = new MemoryTokenStore();
    const increment = vi.spyOn(store, 'increment');
    const local = await startIssuer({ clients, store, rateLimit: { token: { max: 1, windowSeconds: 60 }, counter: 'memory' } });
    expect((await post(`${local.url}/token`, { grant_type: 'client_credentials' }, { headers: auth })).status).toBe(200);
    expect((await post(`${local.url}/token`, { grant_type: 'client_credentials' }, { headers: auth })).status).toBe(429);
    expect(increment).not.toHaveBeenCalled();

    const seen: string[] = [];
    const own = await startIssuer({
      clients,
      rateLimit: { counter: async (key, windowSeconds) => { seen.push(`${key}/${windowSeconds}`); return { count: 1, resetSeconds: windowSeconds }; } },
    });
    expect((await post(`${own.url}/token`, { grant_type: 'client_credentials' }, { headers: auth })).status).toBe(200);
    expect(seen).toEqual(['rl:token:svc/60']);
    await store.close();
  });

  it('limits /introspect per client', async () => {
    const { url } = await startIssuer({ clients, rateLimit: { introspect: { max: 1, windowSeconds: 60 } } });
    const ask = () => post(`${url}/introspect`, { token: 'x' }, { headers: { authorization: basic('rs', SECRET) } });
    expect((await ask()).status).toBe(200);
    expect(await ask()).toMatchObject({ status: 429, json: { error: 'temporarily_unavailable' } });
  });

  it('stops checking secrets for a client id after too many failures', async () => {
    const { url } = await startIssuer({ clients, rateLimit: { failedAuth: { max: 2, windowSeconds: 60 } } });
    const wrong = { authorization: basic('svc', 'wrong-secret-but-long-enough') };
    expect((await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: wrong })).status).toBe(401);
    expect((await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: wrong })).status).toBe(401);
    expect(await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: auth }))
      .toMatchObject({ status: 429, json: { error: 'temporarily_unavailable' } });
  });
});
