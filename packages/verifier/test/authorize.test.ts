import { signJwt } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { claimIncludes, createVerifier, requireAnyScope, requireClaims, requireScopes, type AuthError, type AuthResult } from '../src/index.js';
import { SECRET, expectAuthError, hmacKey } from './helpers.js';

async function identity(claims: Record<string, unknown>): Promise<AuthResult> {
  return createVerifier({ local: { secret: SECRET } }).verify(await signJwt(claims, await hmacKey(), { subject: 'u', expiresIn: 60 }));
}
const run = (check: (a: AuthResult | undefined) => void, auth: AuthResult | undefined) => Promise.resolve().then(() => check(auth));

describe('scopes', () => {
  it('reads a space-separated scope and an scp array (or string), without duplicates', async () => {
    expect((await identity({ scope: 'a b', scp: ['b', 'c'] })).scopes).toEqual(['a', 'b', 'c']);
    expect((await identity({ scp: 'x y' })).scopes).toEqual(['x', 'y']);
    expect((await identity({})).scopes).toEqual([]);
  });

  it('requireScopes needs all of them: 403 insufficient_scope naming the scopes in WWW-Authenticate', async () => {
    const auth = await identity({ scope: 'orders:read' });
    await expect(run(requireScopes('orders:read'), auth)).resolves.toBeUndefined();
    const err = await expectAuthError(run(requireScopes(['orders:read', 'orders:write'], { realm: 'api' }), auth), 'insufficient_scope', 'the token lacks the scopes: orders:write');
    expect(err.status).toBe(403);
    expect((err as unknown as AuthError).headers['WWW-Authenticate']).toBe('Bearer realm="api", error="insufficient_scope", error_description="the token lacks the scopes: orders:write", scope="orders:read orders:write"');
  });

  it('requireAnyScope needs one of them', async () => {
    const auth = await identity({ scp: ['admin'] });
    await expect(run(requireAnyScope('orders:read admin'), auth)).resolves.toBeUndefined();
    await expectAuthError(run(requireAnyScope(['x', 'y']), auth), 'insufficient_scope', 'the token needs one of the scopes: x y');
  });

  it('an anonymous request is 401 missing_token; a bad scope list fails at once', async () => {
    await expectAuthError(run(requireScopes('a'), undefined), 'missing_token');
    expect(() => requireScopes([])).toThrow('requireScopes needs one or more scopes');
    expect(() => requireScopes(['a b'])).toThrow(TypeError);
  });
});

describe('requireClaims', () => {
  it('compares values exactly: a string never matches an array element by accident', async () => {
    const auth = await identity({ role: ['admin', 'user'], org: 'acme', level: 3, flags: { beta: true } });
    await expectAuthError(run(requireClaims({ role: 'admin' }), auth), 'insufficient_claims', 'the token\'s "role" claim does not meet this resource\'s requirement');
    await expect(run(requireClaims({ role: claimIncludes('admin'), org: 'acme', level: 3, flags: { beta: true } }), auth)).resolves.toBeUndefined();
    await expectAuthError(run(requireClaims({ level: '3' }), auth), 'insufficient_claims');
    await expectAuthError(run(requireClaims({ missing: null }), auth), 'insufficient_claims');
  });

  it('takes predicates and answers 403', async () => {
    const auth = await identity({ age: 20 });
    await expect(run(requireClaims({ age: (v) => typeof v === 'number' && v >= 18 }), auth)).resolves.toBeUndefined();
    const err = await expectAuthError(run(requireClaims({ age: (v) => typeof v === 'number' && v >= 21 }), auth), 'insufficient_claims');
    expect(err.status).toBe(403);
  });
});
