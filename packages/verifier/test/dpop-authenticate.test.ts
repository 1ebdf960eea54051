import { MemoryTokenStore, signJwt } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDpopNonceSource, createVerifier, type AuthError, type Verifier } from '../src/index.js';
import { SECRET, dpopKey, expectAuthError, hmacKey, proof, type DpopKey } from './helpers.js';

const URL_ = 'https://api.example/orders';
let store: MemoryTokenStore;
let key: DpopKey;
let bound: string;
let unbound: string;
let verifier: Verifier;

beforeAll(async () => {
  store = new MemoryTokenStore();
  key = await dpopKey();
  bound = await signJwt({ cnf: { jkt: key.jkt }, scope: 'orders:read' }, await hmacKey(), { subject: 'user-1', expiresIn: 600 });
  unbound = await signJwt({}, await hmacKey(), { subject: 'user-2', expiresIn: 600 });
  verifier = createVerifier({ local: { secret: SECRET }, store, dpop: { mode: 'either', algorithms: ['ES256', 'EdDSA'] }, realm: 'api' });
});
afterAll(async () => {
  await verifier.close();
  await store.close();
});

const dpopRequest = async (token: string, p?: string, extra: Record<string, string> = {}) => ({
  method: 'GET',
  url: URL_,
  headers: { authorization: `DPoP ${token}`, ...(p === undefined ? {} : { dpop: p }), ...extra },
});
const challenge = (err: Error & Record<string, unknown>) => (err as unknown as AuthError).headers['WWW-Authenticate'];

describe('DPoP at the resource server', () => {
  it('accepts a bound token with a good proof and reports the proof', async () => {
    const auth = await verifier.authenticate(await dpopRequest(bound, await proof(key, { method: 'GET', url: URL_, token: bound })));
    expect(auth).toMatchObject({ subject: 'user-1', scheme: 'DPoP', cnf: { jkt: key.jkt }, dpop: { jkt: key.jkt, htm: 'GET' } });
  });

  it('refuses a DPoP-bound token sent as Bearer (a stolen token without the key)', async () => {
    const err = await expectAuthError(verifier.authenticate({ method: 'GET', url: URL_, headers: { authorization: `Bearer ${bound}` } }),
      'dpop_binding_mismatch', 'the token is DPoP-bound; send it with the DPoP scheme and a proof');
    expect(err.status).toBe(401);
    expect(challenge(err)).toBe('Bearer realm="api", error="invalid_token", error_description="the token is DPoP-bound; send it with the DPoP scheme and a proof", DPoP realm="api", algs="ES256 EdDSA"');
  });

  it('refuses a stolen token presented with the thief\'s own key', async () => {
    const thief = await dpopKey();
    const err = await expectAuthError(verifier.authenticate(await dpopRequest(bound, await proof(thief, { method: 'GET', url: URL_, token: bound }))),
      'dpop_binding_mismatch', 'the DPoP proof key is not the key the token is bound to');
    expect(challenge(err)).toContain('DPoP realm="api", error="invalid_token"');
  });

  it('refuses a replayed proof, a proof for another URL or method, and a missing proof, with DPoP challenges', async () => {
    const p = await proof(key, { method: 'GET', url: URL_, token: bound });
    await verifier.authenticate(await dpopRequest(bound, p));
    const replay = await expectAuthError(verifier.authenticate(await dpopRequest(bound, p)), 'invalid_dpop_proof', 'DPoP proof was already used ("jti" replay)');
    expect(challenge(replay)).toBe('Bearer realm="api", DPoP realm="api", error="invalid_dpop_proof", error_description="DPoP proof was already used (\\"jti\\" replay)", algs="ES256 EdDSA"');
    await expectAuthError(verifier.authenticate(await dpopRequest(bound, await proof(key, { method: 'GET', url: 'https://api.example/admin', token: bound }))), 'invalid_dpop_proof', 'DPoP proof "htu" does not match the request URL');
    await expectAuthError(verifier.authenticate(await dpopRequest(bound, await proof(key, { method: 'DELETE', url: URL_, token: bound }))), 'invalid_dpop_proof', 'DPoP proof "htm" does not match the request method');
    await expectAuthError(verifier.authenticate(await dpopRequest(bound)), 'invalid_dpop_proof', 'the DPoP proof header is missing');
    await expectAuthError(verifier.authenticate(await dpopRequest(bound, `${p}, ${p}`)), 'invalid_dpop_proof', 'exactly one DPoP proof header is allowed');
  });

  it('refuses a proof whose ath belongs to another token', async () => {
    await expectAuthError(verifier.authenticate(await dpopRequest(bound, await proof(key, { method: 'GET', url: URL_, token: unbound }))), 'invalid_dpop_proof', 'DPoP proof "ath" does not match the access token');
  });

  it('refuses an unbound token sent with the DPoP scheme', async () => {
    await expectAuthError(verifier.authenticate(await dpopRequest(unbound, await proof(key, { method: 'GET', url: URL_, token: unbound }))),
      'dpop_binding_mismatch', 'the token is not DPoP-bound; send it as a Bearer token');
  });

  it('per route: bearer refuses the DPoP scheme, dpop requires it; either takes unbound Bearer tokens', async () => {
    await expectAuthError(verifier.authenticate(await dpopRequest(bound, await proof(key, { method: 'GET', url: URL_, token: bound })), { dpop: 'bearer' }),
      'invalid_request', 'this resource accepts only Bearer tokens');
    const err = await expectAuthError(verifier.authenticate({ method: 'GET', url: URL_, headers: { authorization: `Bearer ${unbound}` } }, { dpop: 'dpop' }),
      'dpop_required', 'this resource requires a DPoP-bound token and proof');
    expect(challenge(err)).toBe('DPoP realm="api", error="invalid_token", error_description="this resource requires a DPoP-bound token and proof", algs="ES256 EdDSA"');
    await expect(verifier.authenticate({ method: 'GET', url: URL_, headers: { authorization: `Bearer ${unbound}` } })).resolves.toMatchObject({ scheme: 'Bearer' });
    const missing = await expectAuthError(verifier.authenticate({ method: 'GET', url: URL_, headers: {} }, { dpop: 'dpop' }), 'missing_token');
    expect(challenge(missing)).toBe('DPoP realm="api", algs="ES256 EdDSA"');
  });

  it('compares htu with the configured public origin behind a proxy', async () => {
    const proxied = createVerifier({ local: { secret: SECRET }, store, dpop: { mode: 'dpop', publicOrigin: 'https://public.example' } });
    const p = await proof(key, { method: 'GET', url: 'https://public.example/orders', token: bound });
    await expect(proxied.authenticate({ method: 'GET', url: 'http://10.0.0.5:8080/orders?page=2', headers: { authorization: `DPoP ${bound}`, dpop: p } })).resolves.toMatchObject({ subject: 'user-1' });
    await proxied.close();
  });

  it('asks for a server nonce (use_dpop_nonce + DPoP-Nonce) when nonces are on', async () => {
    const nonce = createDpopNonceSource();
    const strict = createVerifier({ local: { secret: SECRET }, store, dpop: { mode: 'dpop', nonce } });
    const err = await expectAuthError(strict.authenticate(await dpopRequest(bound, await proof(key, { method: 'GET', url: URL_, token: bound }))), 'use_dpop_nonce');
    const headers = (err as unknown as AuthError).headers;
    expect(headers['WWW-Authenticate']).toMatch(/^DPoP error="use_dpop_nonce", error_description="a DPoP nonce is required", algs="/);
    const given = headers['DPoP-Nonce'] as string;
    const p = await proof(key, { method: 'GET', url: URL_, token: bound }, { claims: { nonce: given } });
    await expect(strict.authenticate(await dpopRequest(bound, p))).resolves.toMatchObject({ subject: 'user-1' });
    await strict.close();
  });
});
