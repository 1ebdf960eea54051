import { tokenFormat } from '@tessera/client';
import { describe, expect, it } from 'vitest';
import { parseTokenSet, serializeTokenSet, toTokenSet, unverifiedExpiry } from '../src/token-set.js';
import { mintToken } from './helpers.js';

describe('tokenFormat', () => {
  it('tells JWS, JWE and opaque tokens apart by shape alone', () => {
    expect(tokenFormat(mintToken('jwt'))).toBe('jwt');
    expect(tokenFormat(mintToken('jwe'))).toBe('jwe');
    expect(tokenFormat(mintToken('opaque'))).toBe('opaque');
  });

  it('calls anything without a JOSE header opaque (dots are not enough)', () => {
    expect(tokenFormat('a.b.c')).toBe('opaque');
    expect(tokenFormat(`${Buffer.from('{"typ":"JWT"}').toString('base64url')}.e30.x`)).toBe('opaque');
    expect(tokenFormat(`${Buffer.from('{"alg":"RS256"}').toString('base64url')}.a.b.c.d`)).toBe('opaque'); // 5 parts, no enc
  });
});

describe('unverifiedExpiry', () => {
  it("reads a JWS payload's exp without verifying anything", () => {
    expect(unverifiedExpiry(mintToken('jwt', { exp: 2_000_000_000 }))).toBe(2_000_000_000_000);
  });

  it('gives undefined for no exp, a non-numeric exp, or a payload that is not JSON', () => {
    expect(unverifiedExpiry(mintToken('jwt'))).toBeUndefined();
    expect(unverifiedExpiry(mintToken('jwt', { exp: '2030' }))).toBeUndefined();
    expect(unverifiedExpiry('eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.x')).toBeUndefined();
  });
});

describe('toTokenSet', () => {
  const now = 1_700_000_000_000;

  it('counts expiry from expires_in on the local clock', () => {
    const t = toTokenSet({ access_token: 'a', token_type: 'bearer', expires_in: 60, refresh_token: 'r', scope: 's' }, 'password', undefined, now);
    expect(t).toEqual({
      accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', format: 'opaque', expiresAt: now + 60_000, scope: 's',
      idToken: undefined, grant: 'password', issuedAt: now,
    });
  });

  it("falls back to a JWS access token's exp when expires_in is absent; unknown for JWE and opaque", () => {
    const jwt = mintToken('jwt', { exp: 1_700_000_300 });
    expect(toTokenSet({ access_token: jwt, token_type: 'DPoP' }, 'password', undefined, now)).toMatchObject({
      format: 'jwt', tokenType: 'DPoP', expiresAt: 1_700_000_300_000,
    });
    expect(toTokenSet({ access_token: mintToken('jwe'), token_type: 'bearer' }, 'password').expiresAt).toBeUndefined();
  });

  it('keeps the previous refresh token, scope and ID token when a refresh answer omits them', () => {
    const previous = toTokenSet({ access_token: 'a', token_type: 'bearer', refresh_token: 'r1', scope: 'read', id_token: 'i' }, 'authorization_code');
    const next = toTokenSet({ access_token: 'b', token_type: 'bearer' }, previous.grant, previous);
    expect(next).toMatchObject({ accessToken: 'b', refreshToken: 'r1', scope: 'read', idToken: 'i', grant: 'authorization_code' });
  });
});

describe('stored form', () => {
  it('round-trips a token set', () => {
    const t = toTokenSet({ access_token: 'a', token_type: 'bearer', expires_in: 5, refresh_token: 'r' }, 'refresh_token');
    expect(parseTokenSet(serializeTokenSet(t))).toEqual(t);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['no version', '{"accessToken":"a"}'],
    ['an empty access token', JSON.stringify({ v: 1, accessToken: '', tokenType: 'Bearer', format: 'opaque', grant: 'password', issuedAt: 1 })],
    ['an unknown token type', JSON.stringify({ v: 1, accessToken: 'a', tokenType: 'MAC', format: 'opaque', grant: 'password', issuedAt: 1 })],
    ['an unknown grant', JSON.stringify({ v: 1, accessToken: 'a', tokenType: 'Bearer', format: 'opaque', grant: 'implicit', issuedAt: 1 })],
    ['a numeric refresh token', JSON.stringify({ v: 1, accessToken: 'a', tokenType: 'Bearer', format: 'opaque', grant: 'password', issuedAt: 1, refreshToken: 5 })],
  ])('refuses %s', (_name, text) => {
    expect(parseTokenSet(text)).toBeUndefined();
  });
});
