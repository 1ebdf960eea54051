import { KeySet, generateKeyPair, generateSecret, importSecret, issueToken, signJwt } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { AuthError, createVerifier } from '../src/index.js';
import { AUDIENCE, ISSUER, SECRET, expectAuthError, hmacKey, issuerKeys, mintToken } from './helpers.js';

const request = (token: string) => ({ method: 'GET', url: 'https://api.example/orders', headers: { authorization: `Bearer ${token}` } });

describe('local strategy: key sources', () => {
  it('verifies with a secret', async () => {
    const verifier = createVerifier({ local: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } });
    const auth = await verifier.verify(await mintToken(await hmacKey(), { scope: 'a b' }));
    expect(auth).toMatchObject({ subject: 'user-1', issuer: ISSUER, strategy: 'local', scopes: ['a', 'b'], scheme: 'Bearer' });
    expect(auth.header).toMatchObject({ alg: 'HS256' });
  });

  it('verifies with a PEM public key, a JWK, a KeySet and a TesseraKey', async () => {
    const keys = await issuerKeys();
    const token = await mintToken(keys.privateKey);
    for (const local of [
      { publicKey: keys.publicPem, algorithms: ['ES256' as const] },
      { publicKey: keys.publicJwk },
      { keys: new KeySet([keys.privateKey]) },
      { keys: keys.publicKey },
    ]) {
      const verifier = createVerifier({ local: { ...local, issuer: ISSUER } });
      await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    }
  });

  it('verifies nested JWS-in-JWE and dir JWE tokens', async () => {
    const sig = await issuerKeys();
    const enc = await generateKeyPair('ECDH-ES+A256KW');
    const dir = await importSecret(generateSecret('A256GCM'), { alg: 'dir', enc: 'A256GCM' });
    const nested = await issueToken({ format: 'jwe', signingKey: sig.privateKey, encryptionKey: enc.publicKey, subject: 'user-2', issuer: ISSUER, expiresIn: 300 });
    const sealed = await issueToken({ format: 'jwe-dir', encryptionKey: dir, subject: 'user-3', issuer: ISSUER, expiresIn: 300 });
    const verifier = createVerifier({ local: { keys: sig.publicKey, decryptionKeys: [enc.privateKey, dir], issuer: ISSUER } });
    await expect(verifier.verify(nested.token)).resolves.toMatchObject({ subject: 'user-2', strategy: 'local' });
    await expect(verifier.verify(sealed.token)).resolves.toMatchObject({ subject: 'user-3' });
  });

  it('waits for keys given as a promise, and reports a bad key through ready()', async () => {
    const keys = await issuerKeys();
    const verifier = createVerifier({ local: { keys: Promise.resolve(keys.publicKey) } });
    await expect(verifier.verify(await mintToken(keys.privateKey))).resolves.toMatchObject({ subject: 'user-1' });
    const broken = createVerifier({ local: { publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', algorithms: ['ES256'] } });
    await expect(broken.ready()).rejects.toMatchObject({ code: 'invalid_key' });
  });
});

describe('local strategy: failures', () => {
  it('turns core errors into AuthErrors with an RFC 6750 challenge', async () => {
    const later = () => new Date(Date.now() + 3600_000);
    const verifier = createVerifier({ local: { secret: SECRET, issuer: ISSUER }, realm: 'orders', currentDate: later });
    const expired = await signJwt({}, await hmacKey(), { subject: 'u', issuer: ISSUER, expiresIn: 60 });
    const err = await expectAuthError(verifier.authenticate(request(expired)), 'token_expired');
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ status: 401, expose: true });
    expect((err as unknown as AuthError).headers['WWW-Authenticate']).toBe(`Bearer realm="orders", error="invalid_token", error_description="${err.message}"`);
  });

  it('refuses a token of another issuer (claim_invalid) and a tampered signature', async () => {
    const verifier = createVerifier({ local: { secret: SECRET, issuer: ISSUER } });
    await expectAuthError(verifier.verify(await mintToken(await hmacKey(), {}, { issuer: 'https://evil.example' })), 'claim_invalid');
    const token = await mintToken(await hmacKey());
    await expectAuthError(verifier.verify(token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA')), 'signature_invalid');
  });

  it('fails at construction naming the bad option', () => {
    expect(() => createVerifier({})).toThrow('at least one of "local", "remote", "opaque" is required');
    expect(() => createVerifier({ local: { secret: SECRET, jwksUri: 'https://x.example/jwks' } })).toThrow('"local" takes one of keys, secret, publicKey, jwksUri; got secret and jwksUri');
    expect(() => createVerifier({ local: { secret: SECRET, clockTolerance: 'soon' } })).toThrow(/clockTolerance/);
    expect(() => createVerifier({ local: { publicKey: 'pem' } })).toThrow('"local.algorithms" must name the algorithm(s) of a PEM "publicKey"');
    expect(() => createVerifier({ local: { secret: SECRET }, revocation: true })).toThrow('"revocation" needs "store"');
    expect(() => createVerifier({ local: { secret: SECRET }, dpop: { mode: 'sometimes' as never } })).toThrow('"dpop.mode" must be one of bearer, dpop, either');
    expect(() => createVerifier({ local: { secret: SECRET }, revokation: true } as never)).toThrow('unknown option "revokation"');
    expect(() => createVerifier({ local: { secret: SECRET, jwks: { keepKeys: 1 } as never } })).toThrow('unknown option "local.jwks.keepKeys"');
    expect(() => createVerifier({ local: { secret: SECRET, audiance: 'x' } as never })).toThrow(/audiance/);
    expect(() => createVerifier({ remote: { kind: 'verify-token', url: 'https://x.example', feilds: {} } as never })).toThrow('unknown option "remote.feilds"');
  });
});

describe('multi-tenant', () => {
  it('chooses the issuer by iss and confirms it by verification; an unknown issuer is invalid_token', async () => {
    const a = await generateKeyPair('ES256');
    const b = await generateKeyPair('ES256');
    const verifier = createVerifier({
      local: [
        { issuer: 'https://a.example', keys: a.publicKey, audience: 'api' },
        { issuer: 'https://b.example', keys: b.publicKey, audience: 'api' },
      ],
    });
    const fromA = await signJwt({}, a.privateKey, { issuer: 'https://a.example', audience: 'api', subject: 'alice', expiresIn: 60 });
    const fromB = await signJwt({}, b.privateKey, { issuer: 'https://b.example', audience: 'api', subject: 'bob', expiresIn: 60 });
    await expect(verifier.verify(fromA)).resolves.toMatchObject({ subject: 'alice', issuer: 'https://a.example' });
    await expect(verifier.verify(fromB)).resolves.toMatchObject({ subject: 'bob', issuer: 'https://b.example' });
    // Signed by A's key but claiming B: B's keys check it, and fail.
    const forged = await signJwt({}, a.privateKey, { issuer: 'https://b.example', audience: 'api', subject: 'mallory', expiresIn: 60 });
    const err = await verifier.verify(forged).then(() => undefined, (e: { code: string; status: number }) => e);
    expect(err?.status).toBe(401);
    expect(['key_not_found', 'signature_invalid']).toContain(err?.code);
    const stranger = await signJwt({}, a.privateKey, { issuer: 'https://c.example', audience: 'api', subject: 'x', expiresIn: 60 });
    await expectAuthError(verifier.verify(stranger), 'invalid_token', 'the token\'s issuer is not accepted here');
  });
});
