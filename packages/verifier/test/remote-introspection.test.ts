import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createVerifier, type IntrospectionRemoteOptions } from '../src/index.js';
import { mockUpstreams } from '../../../test/verifier/support.js';
import { dpopKey, expectAuthError, proof } from './helpers.js';

const URL_ = 'https://as.example/introspect';
let answer: () => Response = () => HttpResponse.json({ active: false });
let seen: { authorization: string | null; body: URLSearchParams }[] = [];

const server = mockUpstreams(
  http.post(URL_, async ({ request }) => {
    seen.push({ authorization: request.headers.get('authorization'), body: new URLSearchParams(await request.text()) });
    return answer();
  }),
);
afterEach(() => {
  seen = [];
});
afterAll(() => server.close());

const exp = () => Math.floor(Date.now() / 1000) + 600;
const introspect = (extra: Partial<IntrospectionRemoteOptions> = {}) =>
  createVerifier({ remote: { kind: 'introspection', url: URL_, clientId: 'rs-1', clientSecret: 's3cret', ...extra } as IntrospectionRemoteOptions });

describe('RFC 7662 introspection', () => {
  it('authenticates with client_secret_basic, sends token and token_type_hint, maps an active answer', async () => {
    answer = () => HttpResponse.json({ active: true, sub: 'alice', scope: 'orders:read orders:write', client_id: 'spa', iss: 'https://as.example', exp: exp() });
    const auth = await introspect().verify('opaque-abc');
    expect(auth).toMatchObject({ strategy: 'remote', subject: 'alice', scopes: ['orders:read', 'orders:write'], issuer: 'https://as.example', scheme: 'Bearer' });
    expect(auth.claims).not.toHaveProperty('active');
    // RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding ("-" becomes %2D).
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('rs%2D1:s3cret').toString('base64')}`);
    expect(seen[0]?.body.get('token')).toBe('opaque-abc');
    expect(seen[0]?.body.get('token_type_hint')).toBe('access_token');
  });

  it('authenticates with client_secret_post', async () => {
    answer = () => HttpResponse.json({ active: true, sub: 'bob', exp: exp() });
    await introspect({ clientAuth: { method: 'client_secret_post', clientSecret: 'p0st' } }).verify('opaque-post');
    expect(seen[0]?.authorization).toBeNull();
    expect(seen[0]?.body.get('client_id')).toBe('rs-1');
    expect(seen[0]?.body.get('client_secret')).toBe('p0st');
  });

  it('answers inactive tokens and a wrong audience with invalid_token', async () => {
    answer = () => HttpResponse.json({ active: false });
    await expectAuthError(introspect().verify('opaque-inactive'), 'invalid_token', 'the token is not active');
    answer = () => HttpResponse.json({ active: true, sub: 'x', aud: ['other'], exp: exp() });
    await expectAuthError(introspect({ audience: 'api' }).verify('opaque-aud'), 'invalid_token', 'the token is not meant for this audience');
  });

  it('refuses an active answer whose exp has passed', async () => {
    answer = () => HttpResponse.json({ active: true, sub: 'x', exp: Math.floor(Date.now() / 1000) - 5 });
    await expectAuthError(introspect().verify('opaque-old'), 'token_expired');
  });

  it.each([
    ['a 500', () => new HttpResponse('no', { status: 500 })],
    ['a 401 (our client credentials refused)', () => HttpResponse.json({ error: 'invalid_client' }, { status: 401 })],
    ['a non-JSON answer', () => new HttpResponse('<html>', { headers: { 'content-type': 'text/html' } })],
    ['an answer without "active"', () => HttpResponse.json({ sub: 'x' })],
  ])('answers %s with issuer_unavailable (503)', async (_name, make) => {
    answer = make;
    const err = await expectAuthError(introspect({ retries: 0 }).verify('opaque-bad'), 'issuer_unavailable');
    expect(err.status).toBe(503);
  });

  it('binds DPoP through the answer\'s cnf.jkt', async () => {
    const key = await dpopKey();
    answer = () => HttpResponse.json({ active: true, sub: 'carol', exp: exp(), cnf: { jkt: key.jkt } });
    const verifier = createVerifier({ remote: { kind: 'introspection', url: URL_, clientId: 'rs-1', clientSecret: 's' }, dpop: { mode: 'either' } });
    const token = 'opaque-bound-token';
    await expectAuthError(verifier.authenticate({ method: 'GET', url: 'https://api.example/x', headers: { authorization: `Bearer ${token}` } }), 'dpop_binding_mismatch');
    const p = await proof(key, { method: 'GET', url: 'https://api.example/x', token });
    await expect(verifier.authenticate({ method: 'GET', url: 'https://api.example/x', headers: { authorization: `DPoP ${token}`, dpop: p } })).resolves.toMatchObject({ subject: 'carol', cnf: { jkt: key.jkt } });
    await verifier.close();
  });

  it('needs client authentication', () => {
    expect(() => createVerifier({ remote: { kind: 'introspection', url: URL_, clientId: 'rs-1' } })).toThrow('"remote.clientAuth" (or "remote.clientSecret") is required for introspection');
  });
});
