// Malformed or unexpected token endpoint answers: each gets a typed error that names the problem, and never costs the
// user their session (only invalid_grant does).
import { createTokenClient, type TokenClient } from '@tessera/client';
import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { ISSUER, mockIssuer, record } from './helpers.js';

const { use } = mockIssuer();
const clients: TokenClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function loggedIn() {
  const issuer = use();
  const client = createTokenClient({ issuer: ISSUER, clientId: 'spa', autoRefresh: false });
  clients.push(client);
  await client.password({ username: 'alice', password: 'wonderland' });
  return { issuer, client, events: record(client) };
}

const cases: [string, () => Response, { code: string; message: string; oauthError?: string }][] = [
  ['a body that is not JSON', () => new HttpResponse('<html>oops</html>', { headers: { 'content-type': 'text/html' } }), {
    code: 'invalid_token_response',
    message: `the issuer's answer is not a valid response: "response" content-type must be application/json`,
  }],
  ['no access_token', () => HttpResponse.json({ token_type: 'Bearer', expires_in: 60 }), {
    code: 'invalid_token_response',
    message: `the issuer's answer is not a valid response: "response" body "access_token" property must be a string`,
  }],
  ['an empty access_token', () => HttpResponse.json({ access_token: '', token_type: 'Bearer' }), {
    code: 'invalid_token_response',
    message: `the issuer's answer is not a valid response: "response" body "access_token" property must not be empty`,
  }],
  ['expires_in of the wrong type', () => HttpResponse.json({ access_token: 'a', token_type: 'Bearer', expires_in: 'soon' }), {
    code: 'invalid_token_response',
    message: `the issuer's answer is not a valid response: "response" body "expires_in" property must be a number`,
  }],
  ['a negative expires_in', () => HttpResponse.json({ access_token: 'a', token_type: 'Bearer', expires_in: -5 }), {
    code: 'invalid_token_response',
    message: `the issuer's answer is not a valid response: "response" body "expires_in" property must be a non-negative number`,
  }],
  ['a refresh_token that is not a string', () => HttpResponse.json({ access_token: 'a', token_type: 'Bearer', refresh_token: 7 }), {
    code: 'invalid_token_response',
    message: `the issuer's answer is not a valid response: "response" body "refresh_token" property must be a string`,
  }],
  ['an unknown token_type', () => HttpResponse.json({ access_token: 'a', token_type: 'mac' }), {
    code: 'invalid_token_response',
    message: "the issuer's answer is not usable: unsupported `token_type` value",
  }],
  ['a JSON array', () => HttpResponse.json([1, 2]), {
    code: 'invalid_token_response',
    message: `the issuer's answer is not a valid response: "response" body must be a top level object`,
  }],
  ['an OAuth error other than invalid_grant', () => HttpResponse.json({ error: 'invalid_scope' }, { status: 400 }), {
    code: 'token_request_failed',
    message: 'the issuer refused the request (invalid_scope)',
    oauthError: 'invalid_scope',
  }],
  ['a 500 without a body', () => new HttpResponse(null, { status: 500 }), {
    code: 'issuer_unavailable',
    message: 'the issuer failed (HTTP 500)',
  }],
  ['a 429', () => new HttpResponse('slow down', { status: 429 }), {
    code: 'issuer_unavailable',
    message: 'the issuer failed (HTTP 429)',
  }],
  ['a 429 with an OAuth error body', () => HttpResponse.json({ error: 'slow_down' }, { status: 429 }), {
    code: 'issuer_unavailable',
    message: 'the issuer failed (HTTP 429: slow_down)',
    oauthError: 'slow_down',
  }],
  ['a 401 invalid_client challenge', () => HttpResponse.json({ error: 'invalid_client' }, { status: 401, headers: { 'www-authenticate': 'Basic error="invalid_client"' } }), {
    code: 'token_request_failed',
    message: 'the issuer refused the client (HTTP 401: invalid_client)',
    oauthError: 'invalid_client',
  }],
];

describe('malformed token responses', () => {
  it.each(cases)('%s → typed error, the tokens kept, no logout', async (_name, answer, expected) => {
    const { issuer, client, events } = await loggedIn();
    const before = await client.getTokens();
    issuer.nextAnswer = answer;
    const err = await client.refresh().catch((e: unknown) => e);
    expect(err).toMatchObject(expected);
    expect((err as Error).message).not.toContain(before!.refreshToken!);
    expect(await client.getTokens()).toBe(before);
    expect(events.of('logout')).toEqual([]);
    expect(events.of('refresh_error')).toHaveLength(1);
  });

  it('never puts a token into an error message', async () => {
    const { issuer, client } = await loggedIn();
    const { refreshToken, accessToken } = (await client.getTokens())!;
    issuer.refreshTokens.set(refreshToken!, 'spent');
    const err = (await client.refresh().catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'invalid_grant', message: 'the issuer refused the grant (invalid_grant)' });
    expect(JSON.stringify({ message: err.message, stack: err.stack })).not.toContain(refreshToken);
    expect(err.message).not.toContain(accessToken);
  });
});
