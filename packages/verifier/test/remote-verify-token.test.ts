import { HttpResponse, delay, http } from 'msw';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createVerifier, type AuthError, type VerifyTokenRemoteOptions } from '../src/index.js';
import { mockUpstreams, refusedUrl } from '../../../test/verifier/support.js';
import { expectAuthError } from './helpers.js';

const URL_ = 'https://jm.example/api/system/verify-token';
type Mode = 'ok' | 'invalid' | 'unauthorized' | 500 | 'network' | 'slow' | 'garbage' | 'no-valid' | 'no-subject' | 404;
let mode: Mode = 'ok';
let calls: Request[] = [];

const server = mockUpstreams(
  http.all(URL_, async ({ request }) => {
    calls.push(request.clone());
    switch (mode) {
      case 'ok': {
        const auth = request.headers.get('authorization') ?? '';
        return HttpResponse.json({ valid: true, systemId: `sys:${auth.slice(-4)}`, message: 'Token is valid', role: 'system' });
      }
      case 'invalid': return HttpResponse.json({ valid: false, message: 'Token expired at 10:00' });
      case 'unauthorized': return HttpResponse.json({ valid: false, message: 'bad token' }, { status: 401 });
      case 500: return new HttpResponse('boom', { status: 500 });
      case 404: return new HttpResponse('not here', { status: 404 });
      case 'network': return HttpResponse.error();
      case 'slow': await delay(1000); return HttpResponse.json({ valid: true, systemId: 'late' });
      case 'garbage': return new HttpResponse('<html>', { headers: { 'content-type': 'application/json' } });
      case 'no-valid': return HttpResponse.json({ ok: true });
      case 'no-subject': return HttpResponse.json({ valid: true });
    }
  }),
);
afterEach(() => {
  mode = 'ok';
  calls = [];
});
afterAll(() => server.close());

let n = 0;
const token = () => `opaque-token-${++n}-abcdefgh`;
const remote = (extra: Partial<VerifyTokenRemoteOptions> = {}) =>
  createVerifier({ remote: { kind: 'verify-token', url: URL_, ...extra } as VerifyTokenRemoteOptions });
const req = (t: string) => ({ method: 'GET', url: '/', headers: { 'x-system-authorization': `Bearer ${t}` } });

describe('verify-token delegation', () => {
  it('sends the token as Authorization: Bearer with GET and maps the answer (reference contract)', async () => {
    const verifier = createVerifier({ remote: { kind: 'verify-token', url: URL_ }, extract: { header: 'X-System-Authorization' } });
    const t = token();
    const auth = await verifier.authenticate(req(t));
    expect(auth).toMatchObject({ strategy: 'remote', subject: `sys:${t.slice(-4)}`, claims: { sub: `sys:${t.slice(-4)}`, role: 'system' } });
    expect(auth?.claims).not.toHaveProperty('valid');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.headers.get('authorization')).toBe(`Bearer ${t}`);
  });

  it('takes configured field names and POST', async () => {
    mode = 'ok';
    const verifier = remote({ method: 'POST', fields: { subject: 'role' } });
    await expect(verifier.verify(token())).resolves.toMatchObject({ subject: 'system' });
    expect(calls[0]?.method).toBe('POST');
  });

  it('caches a positive answer: the next request makes no call', async () => {
    const verifier = remote();
    const t = token();
    await verifier.verify(t);
    await verifier.verify(t);
    expect(calls).toHaveLength(1);
  });

  it('coalesces 100 concurrent look-ups of one new token into exactly 1 upstream call', async () => {
    const verifier = remote({ cacheTtl: 0.001 });
    const t = token();
    const results = await Promise.all(Array.from({ length: 100 }, () => verifier.verify(t)));
    expect(new Set(results.map((r) => r.subject)).size).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('answers valid:false and 401 with invalid_token and the upstream message; caches the refusal briefly', async () => {
    mode = 'invalid';
    const verifier = remote();
    const t = token();
    const err = await expectAuthError(verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${t}` } }), 'invalid_token', 'Token expired at 10:00');
    expect((err as unknown as AuthError).headers['WWW-Authenticate']).toBe('Bearer error="invalid_token", error_description="Token expired at 10:00"');
    await expectAuthError(verifier.verify(t), 'invalid_token');
    expect(calls).toHaveLength(1);
    mode = 'unauthorized';
    await expectAuthError(verifier.verify(token()), 'invalid_token', 'bad token');
  });

  it.each<[string, Mode, string]>([
    ['a 500 (retried once)', 500, 'the verify-token endpoint answered 500'],
    ['a 404', 404, 'the verify-token endpoint answered 404'],
    ['a network error (retried once)', 'network', 'the verify-token endpoint could not be reached'],
    ['malformed JSON', 'garbage', 'the verify-token endpoint gave a malformed answer (no boolean "valid")'],
    ['an answer without "valid"', 'no-valid', 'the verify-token endpoint gave a malformed answer (no boolean "valid")'],
    ['valid without a subject', 'no-subject', 'the verify-token endpoint gave a malformed answer (no string "systemId")'],
  ])('answers %s with issuer_unavailable (503 + Retry-After), never a pass or a 401', async (_name, m, message) => {
    mode = m;
    const verifier = remote({ breaker: false });
    const err = await expectAuthError(verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token()}` } }), 'issuer_unavailable', message);
    expect(err).toMatchObject({ status: 503, expose: false, headers: { 'Retry-After': '5' } });
    expect(calls).toHaveLength(m === 500 || m === 'network' ? 2 : 1);
  });

  it('answers a slow upstream with issuer_unavailable after the timeout', async () => {
    mode = 'slow';
    const started = performance.now();
    await expectAuthError(remote({ timeout: 100 }).verify(token()), 'issuer_unavailable', 'the verify-token endpoint did not answer in time');
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('answers a refused connection with issuer_unavailable', async () => {
    const verifier = createVerifier({ remote: { kind: 'verify-token', url: await refusedUrl('/verify'), retries: 0 } });
    await expectAuthError(verifier.verify(token()), 'issuer_unavailable', 'the verify-token endpoint could not be reached');
  });

  it('opens the breaker after repeated failures (fast 503s, no calls), half-opens to probe, closes on success', async () => {
    mode = 500;
    const verifier = remote({ retries: 0, breaker: { failureThreshold: 2, resetTimeout: 0.2 } });
    await expectAuthError(verifier.verify(token()), 'issuer_unavailable');
    await expectAuthError(verifier.verify(token()), 'issuer_unavailable');
    expect(calls).toHaveLength(2);
    const open = await expectAuthError(verifier.verify(token()), 'issuer_unavailable', 'the issuer is failing; the circuit breaker is open');
    expect(open.headers).toEqual({ 'Retry-After': '1' });
    expect(calls).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 220));
    await expectAuthError(verifier.verify(token()), 'issuer_unavailable', 'the verify-token endpoint answered 500');
    expect(calls).toHaveLength(3);
    await expectAuthError(verifier.verify(token()), 'issuer_unavailable', 'the issuer is failing; the circuit breaker is open');
    mode = 'ok';
    await new Promise((r) => setTimeout(r, 220));
    await expect(verifier.verify(token())).resolves.toMatchObject({ strategy: 'remote' });
    await expect(verifier.verify(token())).resolves.toMatchObject({ strategy: 'remote' });
    expect(calls).toHaveLength(5);
  });

  it('never caches a positive answer past the token\'s exp', async () => {
    let now = Date.now();
    const exp = Math.floor(now / 1000) + 30;
    const jws = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.c2ln`;
    const verifier = createVerifier({ remote: { kind: 'verify-token', url: URL_ }, currentDate: () => new Date(now) });
    await verifier.verify(jws);
    await verifier.verify(jws);
    expect(calls).toHaveLength(1);
    now += 31_000;
    await expectAuthError(verifier.verify(jws), 'token_expired');
  });

  it('refuses bad options at construction', () => {
    expect(() => remote({ url: 'ftp://x' })).toThrow('"remote.url" must be an absolute http(s) URL');
    expect(() => remote({ method: 'PUT' as never })).toThrow('"remote.method" must be GET or POST');
    expect(() => remote({ timeout: 0 })).toThrow('"remote.timeout" must be positive');
  });
});
