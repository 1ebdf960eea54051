import { MemoryTokenStore, tokenFingerprint } from '@tessera/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVerifier, type SuccessEvent, type Verifier } from '../src/index.js';
import { SECRET, expectAuthError, hmacKey, mintToken } from './helpers.js';

let store: MemoryTokenStore;
let verifier: Verifier;
let events: SuccessEvent[];
beforeEach(() => {
  store = new MemoryTokenStore();
  events = [];
  verifier = createVerifier({ local: { secret: SECRET }, opaque: true, store, onSuccess: (e) => events.push(e) });
});
afterEach(async () => {
  await verifier.close();
  await store.close();
});

const exp = () => Math.floor(Date.now() / 1000) + 600;
async function put(token: string, extra: object = {}) {
  await store.putOpaqueToken(await tokenFingerprint(token), { subject: 'dave', clientId: 'cli', scope: ['a', 'b'], expiresAt: exp(), jti: 'o-1', ...extra }, 600);
}

describe('opaque strategy', () => {
  it('looks the token up by fingerprint and maps the record to claims', async () => {
    const token = 'Zk3n9QpX0b8vYw2LrT5mHc1sJd4gEa7u';
    await put(token, { claims: { tenant: 't1' } });
    const auth = await verifier.verify(token);
    expect(auth).toMatchObject({ strategy: 'opaque', subject: 'dave', scopes: ['a', 'b'], claims: { client_id: 'cli', jti: 'o-1', tenant: 't1' } });
  });

  it('chooses by shape: three segments go to local, anything else to opaque', async () => {
    await expect(verifier.verify(await mintToken(await hmacKey()))).resolves.toMatchObject({ strategy: 'local' });
    await expectAuthError(verifier.verify('not-a-known-token'), 'invalid_token', 'the token is unknown, expired or revoked');
  });

  it('evicts the cached verdict at once when the store deletes the token', async () => {
    const token = 'deleted-token-value-1234567890';
    await put(token);
    await verifier.verify(token);
    await verifier.verify(token);
    await store.deleteOpaqueToken(await tokenFingerprint(token));
    await expectAuthError(verifier.verify(token), 'invalid_token');
    expect(events.map((e) => e.cacheHit)).toEqual([false, true]);
  });

  it('a token verify() accepts but a request may not carry (not a b64token) is never served to a request from the cache', async () => {
    const token = 'opaque!token!1234567890';
    await put(token);
    await verifier.verify(token);
    await verifier.verify(token);
    expect(events.map((e) => e.cacheHit)).toEqual([false, false]);
    await expectAuthError(verifier.authenticate({ method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } }), 'invalid_request', 'the Authorization header is malformed');
  });

  it('refuses an expired record and fails closed when the store is down', async () => {
    const token = 'expired-token-value-1234567890';
    await put(token, { expiresAt: Math.floor(Date.now() / 1000) - 1 });
    await expectAuthError(verifier.verify(token), 'token_expired');
    await store.close();
    await expectAuthError(verifier.verify('another-token-value-123456789'), 'store_unavailable');
  });

  it('honours an explicit strategy per route', async () => {
    const token = 'route-token-value-1234567890';
    await put(token);
    await expectAuthError(verifier.verify(token, { strategy: 'local' }), 'invalid_token', 'the local strategy cannot accept this kind of token');
    await expect(verifier.verify(token, { strategy: 'opaque' })).resolves.toMatchObject({ subject: 'dave' });
  });
});
