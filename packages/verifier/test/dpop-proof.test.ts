import { MemoryTokenStore } from '@tessera/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createDpopNonceSource, createDpopProofVerifier, DpopError } from '../src/index.js';
import { dpopKey, expectAuthError, proof, rawJws, type DpopKey } from './helpers.js';

const URL_ = 'https://api.example/orders';
const GET = { method: 'GET', url: URL_ };
const stores: MemoryTokenStore[] = [];
function store(): MemoryTokenStore {
  const s = new MemoryTokenStore();
  stores.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('createDpopProofVerifier: a good proof', () => {
  it.each(['ES256', 'EdDSA', 'RS256', 'PS256'] as const)('accepts a %s proof and returns the RFC 7638 thumbprint', async (alg) => {
    const key = await dpopKey(alg);
    const verifier = createDpopProofVerifier({ store: store() });
    const checked = await verifier.verify(await proof(key, GET), GET);
    expect(checked).toMatchObject({ jkt: key.jkt, alg, htm: 'GET', htu: URL_ });
    expect(checked.jwk).toEqual(key.jwk);
    expect(Object.keys(checked.jwk)).not.toContain('d');
  });

  it('compares htu normalised: case of scheme and host, default port, percent-encoding; ignores query and fragment', async () => {
    const key = await dpopKey();
    const verifier = createDpopProofVerifier({ store: store() });
    const request = { method: 'POST', url: 'https://API.example:443/a/%7euser/b?x=1#frag' };
    await expect(verifier.verify(await proof(key, { method: 'POST', url: 'HTTPS://api.EXAMPLE/a/~user/b' }), request)).resolves.toMatchObject({ jkt: key.jkt });
  });

  it('checks ath against the access token', async () => {
    const key = await dpopKey();
    const verifier = createDpopProofVerifier({ store: store() });
    const token = 'access-token-value';
    await expect(verifier.verify(await proof(key, { ...GET, token }), { ...GET, accessToken: token })).resolves.toMatchObject({ ath: expect.any(String) });
  });
});

describe('createDpopProofVerifier: every check of RFC 9449 §4.3', () => {
  let key: DpopKey;
  const verify = async (p: string, request: { method: string; url: string; accessToken?: string } = GET, options = {}) =>
    createDpopProofVerifier({ store: store(), ...options }).verify(p, request);

  it('refuses a proof that is not a compact JWS', async () => {
    await expectAuthError(verify('abc.def'), 'invalid_dpop_proof', 'DPoP proof is not a compact JWS');
    await expectAuthError(verify(''), 'invalid_dpop_proof', 'DPoP proof is missing');
  });

  it('refuses a proof larger than maxProofSize before parsing it', async () => {
    await expectAuthError(verify('a'.repeat(9000)), 'invalid_dpop_proof', 'DPoP proof is larger than 8192 bytes');
  });

  it('refuses a wrong typ', async () => {
    key = await dpopKey();
    await expectAuthError(verify(await proof(key, GET, { header: { typ: 'JWT' } })), 'invalid_dpop_proof', 'DPoP proof must have typ "dpop+jwt"');
  });

  it('refuses alg none, a MAC, and algorithms outside the allowlist', async () => {
    key = await dpopKey();
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })).toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    await expectAuthError(verify(none), 'invalid_dpop_proof');
    const hs = await rawJws({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk }, { jti: 'x', htm: 'GET', htu: URL_, iat: Math.floor(Date.now() / 1000) },
      await crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), { name: 'HMAC' });
    await expectAuthError(verify(hs), 'invalid_dpop_proof', /alg must be one of/);
    await expectAuthError(verify(await proof(key, GET), GET, { algorithms: ['EdDSA'] }), 'invalid_dpop_proof', 'DPoP proof alg must be one of EdDSA');
  });

  it('refuses a jwk with private members', async () => {
    key = await dpopKey();
    await expectAuthError(verify(await proof(key, GET, { header: { jwk: key.privateJwk } })), 'invalid_dpop_proof',
      'DPoP proof "jwk" must be a public key (it has the private member "d")');
  });

  it('refuses a missing jwk, a jwk of the wrong type or curve, and a jwk whose alg contradicts the header', async () => {
    key = await dpopKey();
    await expectAuthError(verify(await proof(key, GET, { header: { jwk: undefined } })), 'invalid_dpop_proof', 'DPoP proof header has no "jwk" object');
    const ed = await dpopKey('EdDSA');
    await expectAuthError(verify(await proof(key, GET, { header: { jwk: ed.jwk } })), 'invalid_dpop_proof', 'DPoP proof "jwk" must be a EC key for ES256');
    await expectAuthError(verify(await proof(key, GET, { header: { jwk: { ...key.jwk, crv: 'P-384' } } })), 'invalid_dpop_proof', 'DPoP proof "jwk" must be on curve P-256 for ES256');
    await expectAuthError(verify(await proof(key, GET, { header: { jwk: { ...key.jwk, alg: 'ES384' } } })), 'invalid_dpop_proof', 'DPoP proof "jwk" alg contradicts the header alg');
  });

  it('refuses a proof signed by another key than its jwk', async () => {
    key = await dpopKey();
    const other = await dpopKey();
    await expectAuthError(verify(await proof(key, GET, { header: { jwk: other.jwk } })), 'invalid_dpop_proof', 'DPoP proof signature or key is invalid');
  });

  it('refuses a proof for another method or another URL', async () => {
    key = await dpopKey();
    await expectAuthError(verify(await proof(key, { method: 'POST', url: URL_ })), 'invalid_dpop_proof', 'DPoP proof "htm" does not match the request method');
    await expectAuthError(verify(await proof(key, { method: 'GET', url: 'https://api.example/other' })), 'invalid_dpop_proof', 'DPoP proof "htu" does not match the request URL');
    await expectAuthError(verify(await proof(key, { method: 'GET', url: 'http://api.example/orders' })), 'invalid_dpop_proof', 'DPoP proof "htu" does not match the request URL');
    await expectAuthError(verify(await proof(key, GET, { claims: { htu: undefined } })), 'invalid_dpop_proof', 'DPoP proof "htu" is missing');
  });

  it('refuses a missing or non-string jti', async () => {
    key = await dpopKey();
    await expectAuthError(verify(await proof(key, GET, { claims: { jti: undefined } })), 'invalid_dpop_proof', /"jti" must be a string/);
    await expectAuthError(verify(await proof(key, GET, { claims: { jti: 42 } })), 'invalid_dpop_proof', /"jti" must be a string/);
  });

  it('refuses an iat too old or in the future, and accepts one inside the tolerance', async () => {
    key = await dpopKey();
    const now = Math.floor(Date.now() / 1000);
    await expectAuthError(verify(await proof(key, GET, { claims: { iat: now - 120 } })), 'invalid_dpop_proof', 'DPoP proof is too old ("iat")');
    await expectAuthError(verify(await proof(key, GET, { claims: { iat: now + 60 } })), 'invalid_dpop_proof', 'DPoP proof "iat" is in the future');
    await expectAuthError(verify(await proof(key, GET, { claims: { iat: 'now' } })), 'invalid_dpop_proof', 'DPoP proof "iat" must be a NumericDate');
    await expect(verify(await proof(key, GET, { claims: { iat: now + 5 } }))).resolves.toMatchObject({ jkt: key.jkt });
  });

  it('refuses a missing or wrong ath when an access token is given', async () => {
    key = await dpopKey();
    await expectAuthError(verify(await proof(key, GET), { ...GET, accessToken: 'token-a' }), 'invalid_dpop_proof', 'DPoP proof "ath" is missing (required with an access token)');
    await expectAuthError(verify(await proof(key, { ...GET, token: 'token-b' }), { ...GET, accessToken: 'token-a' }), 'invalid_dpop_proof', 'DPoP proof "ath" does not match the access token');
  });

  it('refuses a replayed proof, also through a second verifier sharing the store (another instance)', async () => {
    key = await dpopKey();
    const shared = store();
    const p = await proof(key, GET);
    await createDpopProofVerifier({ store: shared }).verify(p, GET);
    await expectAuthError(createDpopProofVerifier({ store: shared }).verify(p, GET), 'invalid_dpop_proof', 'DPoP proof was already used ("jti" replay)');
  });

  it('fails closed (store_unavailable) when the replay store is down', async () => {
    key = await dpopKey();
    const closed = store();
    await closed.close();
    await expectAuthError(createDpopProofVerifier({ store: closed }).verify(await proof(key, GET), GET), 'store_unavailable');
  });
});

describe('server nonces', () => {
  it('answers use_dpop_nonce with a DPoP-Nonce header, then accepts a proof carrying that nonce', async () => {
    const key = await dpopKey();
    const nonce = createDpopNonceSource();
    const verifier = createDpopProofVerifier({ store: store(), nonce });
    const err = await expectAuthError(verifier.verify(await proof(key, GET), GET), 'use_dpop_nonce', 'a DPoP nonce is required');
    expect(err).toBeInstanceOf(DpopError);
    const fresh = (err as unknown as DpopError).headers['DPoP-Nonce'];
    expect(fresh).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]+$/);
    await expect(verifier.verify(await proof(key, GET, { claims: { nonce: fresh } }), GET)).resolves.toMatchObject({ nonce: fresh });
  });

  it('refuses a forged or expired nonce; accepts the previous window\'s nonce', async () => {
    const key = await dpopKey();
    let now = Date.UTC(2030, 0, 1);
    const currentDate = () => new Date(now);
    const nonce = createDpopNonceSource({ secret: 'x'.repeat(32), rotateEvery: 60, currentDate });
    const verifier = createDpopProofVerifier({ store: store(), nonce, maxAge: 10_000_000_000 });
    const issued = await nonce.current();
    await expectAuthError(verifier.verify(await proof(key, GET, { claims: { nonce: issued.slice(0, -2) + 'AA' } }), GET), 'use_dpop_nonce', 'the DPoP nonce is invalid or stale');
    now += 60_000;
    await expect(verifier.verify(await proof(key, GET, { claims: { nonce: issued } }), GET)).resolves.toBeDefined();
    now += 60_000;
    await expectAuthError(verifier.verify(await proof(key, GET, { claims: { nonce: issued } }), GET), 'use_dpop_nonce');
    expect(await createDpopNonceSource({ secret: 'x'.repeat(32), rotateEvery: 60, currentDate }).isValid(await nonce.current())).toBe(true);
  });
});

describe('options', () => {
  it('refuses a missing store, a symmetric algorithm and a short nonce secret, naming them', () => {
    expect(() => createDpopProofVerifier({} as never)).toThrow('"store" must have a markUsed method (a TokenStore)');
    expect(() => createDpopProofVerifier({ store: store(), algorithms: ['HS256' as never] })).toThrow(/"algorithms" must be a non-empty list/);
    expect(() => createDpopNonceSource({ secret: 'short' })).toThrow('"secret" must be a string or bytes of at least 32 bytes');
  });
});
