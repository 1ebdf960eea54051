import { describe, expect, it } from 'vitest';
import { createVerifier, extractToken } from '../src/index.js';
import { SECRET, expectAuthError, hmacKey, mintToken } from './helpers.js';

const get = (headers: Record<string, string | string[]>, cookies?: Record<string, string>) => ({ method: 'GET', url: '/', headers, ...(cookies ? { cookies } : {}) });
const all = { authorization: true, header: 'x-system-authorization', cookie: 'access_token' };

describe('extractToken', () => {
  it('reads Authorization: Bearer and DPoP, case-insensitively', () => {
    expect(extractToken(get({ authorization: 'Bearer abc.def-ghi_j~+/=' }), all)).toEqual({ token: 'abc.def-ghi_j~+/=', scheme: 'Bearer', source: 'authorization' });
    expect(extractToken(get({ authorization: 'bearer abc' }), all)).toMatchObject({ scheme: 'Bearer' });
    expect(extractToken(get({ authorization: 'DPoP abc' }), all)).toMatchObject({ token: 'abc', scheme: 'DPoP' });
  });

  it('reads the configured header (with or without "Bearer ") and the cookie, from a header or parsed cookies', () => {
    expect(extractToken(get({ 'x-system-authorization': 'Bearer jwe.token' }), all)).toEqual({ token: 'jwe.token', scheme: 'Bearer', source: 'header' });
    expect(extractToken(get({ 'x-system-authorization': 'bare.token' }), all)).toMatchObject({ token: 'bare.token', source: 'header' });
    expect(extractToken(get({ cookie: 'theme=dark; access_token=c.o.o; x=1' }), all)).toEqual({ token: 'c.o.o', scheme: 'Bearer', source: 'cookie' });
    expect(extractToken(get({}, { access_token: 'parsed' }), all)).toMatchObject({ token: 'parsed', source: 'cookie' });
    expect(extractToken({ method: 'GET', url: '/', headers: new Headers({ Authorization: 'Bearer fetch' }) }, all)).toMatchObject({ token: 'fetch' });
  });

  it('returns undefined without credentials, and for another scheme (Basic)', () => {
    expect(extractToken(get({}), all)).toBeUndefined();
    expect(extractToken(get({ authorization: 'Basic dXNlcjpwYXNz' }), all)).toBeUndefined();
    expect(extractToken(get({ authorization: 'Negotiate a b "c"' }), all)).toBeUndefined();
    expect(extractToken(get({ authorization: 'Bearerish abc' }), all)).toBeUndefined();
    expect(extractToken(get({ cookie: 'other=1' }), all)).toBeUndefined();
  });

  it('ignores places that are not configured', () => {
    expect(extractToken(get({ 'x-system-authorization': 'Bearer a', cookie: 'access_token=b' }), { authorization: true })).toBeUndefined();
  });

  it('refuses a token in two places (invalid_request)', async () => {
    await expectAuthError(Promise.resolve().then(() => extractToken(get({ authorization: 'Bearer a', cookie: 'access_token=b' }), all)),
      'invalid_request', 'a token was sent in more than one place (authorization and cookie)');
    await expectAuthError(Promise.resolve().then(() => extractToken(get({ authorization: 'Bearer a', 'x-system-authorization': 'Bearer a' }), all)), 'invalid_request');
  });

  it.each([
    ['Bearer', 'the Authorization header is malformed'],
    ['Bearer a b', 'the Authorization header is malformed'],
    ['Bearer a"b', 'the Authorization header is malformed'],
    ['DPoP ', 'the Authorization header is malformed'],
  ])('refuses a malformed scheme: %j', async (value, message) => {
    await expectAuthError(Promise.resolve().then(() => extractToken(get({ authorization: value }), all)), 'invalid_request', message);
  });

  it('refuses repeated headers and cookies, and a configured header with another scheme', async () => {
    await expectAuthError(Promise.resolve().then(() => extractToken(get({ 'x-system-authorization': ['a', 'b'] }), all)), 'invalid_request', 'the x-system-authorization header must appear once');
    await expectAuthError(Promise.resolve().then(() => extractToken(get({ cookie: 'access_token=a; access_token=b' }), all)), 'invalid_request', 'the access_token cookie must appear once');
    await expectAuthError(Promise.resolve().then(() => extractToken(get({ 'x-system-authorization': 'Basic abc' }), all)), 'invalid_request');
  });

  it('refuses a token larger than the cap before anything reads it (token_too_large)', async () => {
    await expectAuthError(Promise.resolve().then(() => extractToken(get({ authorization: `Bearer ${'a'.repeat(9000)}` }), all)), 'token_too_large', 'token is larger than 8192 bytes');
  });

  it.each([
    ['malformed and too large', { authorization: `Bearer ${'a"'.repeat(5000)}` }, 'invalid_request', 'the Authorization header is malformed'],
    ['malformed, then a second place', { authorization: 'Bearer a"b', cookie: 'access_token=c' }, 'invalid_request', 'the Authorization header is malformed'],
    ['a second place that is malformed', { authorization: 'Bearer a', cookie: 'access_token=c"d' }, 'invalid_request', 'the access_token cookie is malformed'],
    ['a malformed configured header', { 'x-system-authorization': 'a b"c' }, 'invalid_request', 'the x-system-authorization header is malformed'],
  ])('answers in a fixed order of checks: %s', async (_case, headers, code, message) => {
    await expectAuthError(Promise.resolve().then(() => extractToken(get(headers), all)), code, message);
  });
});

describe('the verifier checks token syntax on a cache miss only, with extractToken\'s answers', () => {
  it('a cached token is served; the same token next to another place, or with a bad character added, is still refused', async () => {
    const verifier = createVerifier({ local: { secret: SECRET }, extract: { cookie: 'access_token' } });
    const token = await mintToken(await hmacKey());
    const auth = (headers: Record<string, string>) => verifier.authenticate(get(headers));
    const first = await auth({ authorization: `Bearer ${token}` });
    expect(await auth({ authorization: `Bearer ${token}` })).toBe(first);
    await expectAuthError(auth({ authorization: `Bearer ${token}`, cookie: `access_token=${token}` }), 'invalid_request', 'a token was sent in more than one place (authorization and cookie)');
    await expectAuthError(auth({ authorization: `Bearer ${token}"` }), 'invalid_request', 'the Authorization header is malformed');
    await expectAuthError(auth({ cookie: `access_token=${token}!` }), 'invalid_request', 'the access_token cookie is malformed');
    await expectAuthError(auth({ authorization: `Bearer ${'a"'.repeat(5000)}` }), 'invalid_request', 'the Authorization header is malformed');
    await verifier.close();
  });
});
