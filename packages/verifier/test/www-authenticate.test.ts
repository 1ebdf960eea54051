import { describe, expect, it } from 'vitest';
import { AuthError, errorBody, formatWwwAuthenticate, quoteHeaderValue, toResponse } from '../src/index.js';

describe('formatWwwAuthenticate', () => {
  it('writes RFC 6750 challenges with quoted values', () => {
    expect(formatWwwAuthenticate({ scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token', error_description: 'token has expired' } }))
      .toBe('Bearer realm="api", error="invalid_token", error_description="token has expired"');
    expect(formatWwwAuthenticate({ scheme: 'Bearer' })).toBe('Bearer');
  });

  it('escapes quotes and backslashes, and replaces CR, LF and non-ASCII so the header cannot be split', () => {
    expect(quoteHeaderValue('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
    expect(quoteHeaderValue('line\r\nSet-Cookie: x=1 é')).toBe('"line??Set-Cookie: x=1 ?"');
  });

  it('joins several challenges and leaves out undefined params', () => {
    expect(formatWwwAuthenticate([
      { scheme: 'Bearer', params: { realm: 'api', error: undefined } },
      { scheme: 'DPoP', params: { algs: 'ES256 EdDSA' } },
    ])).toBe('Bearer realm="api", DPoP algs="ES256 EdDSA"');
  });

  it('refuses a parameter name that is not a token', () => {
    expect(() => formatWwwAuthenticate({ scheme: 'Bearer', params: { 'bad name': 'x' } })).toThrow('auth-param name "bad name" is not a token');
  });
});

describe('errorBody / toResponse', () => {
  it('gives the protocol error, the message and the stable code', () => {
    expect(errorBody(new AuthError('token_expired', 'token has expired'))).toEqual({ error: 'invalid_token', error_description: 'token has expired', code: 'token_expired' });
    expect(errorBody(new AuthError('insufficient_scope', 'needs x'))).toEqual({ error: 'insufficient_scope', error_description: 'needs x', code: 'insufficient_scope' });
  });

  it('hides the message of a 5xx and says nothing about an error that is not Tessera\'s', () => {
    expect(errorBody(new AuthError('issuer_unavailable', 'connect ECONNREFUSED 10.0.0.1'))).toEqual({
      error: 'issuer_unavailable', error_description: 'the authorization service is unavailable; retry later', code: 'issuer_unavailable',
    });
    expect(errorBody(new Error('secret detail'))).toEqual({ error: 'server_error', error_description: 'internal error', code: 'internal_error' });
  });

  it('builds a fetch Response with status, headers and JSON', async () => {
    const response = toResponse(new AuthError('rate_limited', 'too many requests', { retryAfter: 7.2 }));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('8');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ error: 'rate_limited', error_description: 'too many requests', code: 'rate_limited' });
  });
});
