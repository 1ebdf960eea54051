import { describe, expect, it } from 'vitest';
import { JWS_ALGORITHMS, type JwsAlgorithm } from '../src/algorithms.js';
import { signJwt } from '../src/issue/index.js';
import {
  NOW,
  dirKey,
  encryptionKey,
  expectCanonicalSegments,
  headerOf,
  now,
  oddKey,
  payloadJsonOf,
  publicSigningKey,
  signingKey,
  verifyJws,
} from './issue-helpers.js';

describe('signJwt', () => {
  describe.each(JWS_ALGORITHMS.map((alg) => [alg] as [JwsAlgorithm]))('with %s', (alg) => {
    it('signs a JWT that plain jose verifies, with canonical segments and header { alg, typ, kid }', async () => {
      const { key, verifyKey } = await signingKey(alg, `${alg}-key`);
      const token = await signJwt({ scope: 'read' }, key, { subject: 'u123', expiresIn: '15m', now });
      expectCanonicalSegments(token, 3);
      expect(headerOf(token)).toEqual({ alg, typ: 'JWT', kid: `${alg}-key` });
      const { payload, protectedHeader } = await verifyJws(token, verifyKey, alg, 'JWT');
      expect(protectedHeader.alg).toBe(alg);
      expect(payload).toEqual({ sub: 'u123', exp: NOW + 900, iat: NOW, scope: 'read' });
    });
  });

  it('writes every claim exactly as asked, registered claims first, times as integer NumericDates', async () => {
    const { key, verifyKey } = await signingKey('ES256', 'k1');
    const token = await signJwt(
      { scope: ['read', 'write'], tenant: { id: 7 } },
      key,
      {
        issuer: 'https://auth.local',
        subject: 'u123',
        audience: ['api://a', 'api://b'],
        expiresIn: 600,
        notBefore: NOW - 5,
        issuedAt: new Date((NOW - 10) * 1000 + 999),
        jti: 'id-1',
        now,
      },
    );
    expect(payloadJsonOf(token)).toBe(
      `{"iss":"https://auth.local","sub":"u123","aud":["api://a","api://b"],"exp":${NOW + 600},"nbf":${NOW - 5},` +
        `"iat":${NOW - 10},"jti":"id-1","scope":["read","write"],"tenant":{"id":7}}`,
    );
    await expect(verifyJws(token, verifyKey, 'ES256')).resolves.toBeDefined();
  });

  it('keeps registered claims given in the claims object, and equal option values', async () => {
    const { key } = await signingKey('HS256');
    const token = await signJwt(
      { iss: 'i', sub: 's', aud: 'a', exp: NOW + 60, nbf: NOW, iat: NOW - 1, jti: 'j' },
      key,
      { issuer: 'i', subject: 's', audience: 'a', now },
    );
    expect(JSON.parse(payloadJsonOf(token))).toEqual({
      iss: 'i', sub: 's', aud: 'a', exp: NOW + 60, nbf: NOW, iat: NOW - 1, jti: 'j',
    });
  });

  it('floors a clock with milliseconds to whole seconds', async () => {
    const { key } = await signingKey('HS256');
    const token = await signJwt({}, key, { expiresIn: '2h', now: () => NOW * 1000 + 999 });
    expect(JSON.parse(payloadJsonOf(token))).toEqual({ exp: NOW + 7200, iat: NOW });
  });

  it('counts a notBefore duration string from now', async () => {
    const { key } = await signingKey('HS256');
    const token = await signJwt({}, key, { expiresIn: '7d', notBefore: '5m', now });
    expect(JSON.parse(payloadJsonOf(token))).toEqual({ exp: NOW + 7 * 86_400, nbf: NOW + 300, iat: NOW });
  });

  it('writes typ at+jwt for RFC 9068 access tokens', async () => {
    const { key, verifyKey } = await signingKey('RS256', 'rs');
    const token = await signJwt({ client_id: 'web' }, key, { typ: 'at+jwt', subject: 'u', expiresIn: 60, now });
    expect(headerOf(token)).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: 'rs' });
    await expect(verifyJws(token, verifyKey, 'RS256', 'at+jwt')).resolves.toBeDefined();
  });

  it('leaves kid out when the key has none, and lets the kid option override the key', async () => {
    const { key } = await signingKey('HS256');
    expect(headerOf(await signJwt({}, key, { expiresIn: 60 }))).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { key: withKid } = await signingKey('HS256', 'from-key');
    expect(headerOf(await signJwt({}, withKid, { expiresIn: 60, kid: 'chosen' })).kid).toBe('chosen');
  });

  it('adds a random 128-bit base64url jti when jti is true', async () => {
    const { key } = await signingKey('HS256');
    const a = JSON.parse(payloadJsonOf(await signJwt({}, key, { expiresIn: 60, jti: true }))) as { jti: string };
    const b = JSON.parse(payloadJsonOf(await signJwt({}, key, { expiresIn: 60, jti: true }))) as { jti: string };
    expect(a.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.jti).not.toBe(b.jti);
  });

  it('issues a token without exp only with allowNoExpiry', async () => {
    const { key, verifyKey } = await signingKey('HS512');
    const token = await signJwt({ sub: 'svc' }, key, { allowNoExpiry: true, now });
    expect(JSON.parse(payloadJsonOf(token))).toEqual({ sub: 'svc', iat: NOW });
    await expect(verifyJws(token, verifyKey, 'HS512')).resolves.toBeDefined();
  });

  it('refuses a token without exp when not asked explicitly', async () => {
    const { key } = await signingKey('HS256');
    await expect(signJwt({ sub: 'u' }, key)).rejects.toMatchObject({
      name: 'TesseraArgumentError',
      code: 'invalid_argument',
      message: expect.stringMatching(/refusing to issue a token without "exp"/),
    });
    await expect(signJwt({ sub: 'u' }, key, { allowNoExpiry: false })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/without "exp"/),
    });
  });

  describe('refuses bad claims and options', () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
      ['a fractional exp', { exp: NOW + 0.5 }, {}, /claims\.exp must be an integer NumericDate/],
      ['a string iat', { iat: '1700000000', exp: NOW + 60 }, {}, /claims\.iat must be an integer NumericDate/],
      ['a numeric sub', { sub: 42 }, { expiresIn: 60 }, /claims\.sub must be a string/],
      ['an empty aud array', { aud: [] }, { expiresIn: 60 }, /claims\.aud must be a string or a non-empty array/],
      ['expiresIn with claims.exp', { exp: NOW + 60 }, { expiresIn: 60 }, /"expiresIn" conflicts with claims\.exp/],
      ['an issuer that contradicts claims.iss', { iss: 'a' }, { issuer: 'b', expiresIn: 60 },
        /"issuer" conflicts with claims\.iss/],
      ['an audience that contradicts claims.aud', { aud: ['a'] }, { audience: ['a', 'b'], expiresIn: 60 },
        /"audience" conflicts with claims\.aud/],
      ['jti true with claims.jti', { jti: 'x' }, { jti: true, expiresIn: 60 }, /"jti" conflicts with claims\.jti/],
      ['a zero expiresIn', {}, { expiresIn: 0 }, /"expiresIn" must be greater than zero/],
      ['a fractional expiresIn', {}, { expiresIn: 1.5 }, /"expiresIn" must be a whole number of seconds/],
      ['an unknown duration unit', {}, { expiresIn: '15 minutes' }, /"expiresIn" must be a whole number/],
      ['an empty subject', {}, { subject: '', expiresIn: 60 }, /"subject" must be a non-empty string/],
      ['an empty typ', {}, { typ: '', expiresIn: 60 }, /"typ" must be a non-empty string/],
      ['a non-function clock', {}, { now: 5, expiresIn: 60 }, /"now" must be a function/],
      ['an invalid Date', {}, { issuedAt: new Date(Number.NaN), expiresIn: 60 }, /"issuedAt" must be a valid Date/],
    ];
    it.each(cases)('refuses %s', async (_name, claims, options, message) => {
      const { key } = await signingKey('HS256');
      await expect(signJwt(claims, key, options)).rejects.toMatchObject({ code: 'invalid_argument', message });
    });

    it('refuses claims that are not a plain object', async () => {
      const { key } = await signingKey('HS256');
      await expect(signJwt([] as unknown as Record<string, unknown>, key, { expiresIn: 60 })).rejects.toMatchObject({
        code: 'invalid_argument',
        message: '"claims" must be a plain object',
      });
    });

    it('refuses claims that cannot be serialized as JSON', async () => {
      const { key } = await signingKey('HS256');
      await expect(signJwt({ big: 1n }, key, { expiresIn: 60 })).rejects.toMatchObject({
        code: 'invalid_argument',
        message: '"claims" cannot be serialized as JSON',
      });
    });
  });

  it('keeps a claim named __proto__ as a claim', async () => {
    const { key } = await signingKey('HS256');
    const claims = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const token = await signJwt(claims, key, { expiresIn: 60, now });
    expect(payloadJsonOf(token)).toBe(`{"exp":${NOW + 60},"iat":${NOW},"__proto__":{"polluted":true}}`);
  });

  describe('refuses keys that cannot sign', () => {
    it('refuses a public key', async () => {
      const pair = await signingKey('ES256', 'pub');
      await expect(signJwt({}, publicSigningKey(pair, 'ES256'), { expiresIn: 60 })).rejects.toMatchObject({
        name: 'InvalidKeyError',
        code: 'invalid_key',
        message: '"key" must be a private key to sign with ES256; got a public key (kid "pub")',
      });
    });

    it('refuses an encryption key', async () => {
      const { publicKey } = await encryptionKey('RSA-OAEP-256', 'enc-1');
      await expect(signJwt({}, publicKey, { expiresIn: 60 })).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" must be a signing key (use "sig" with a JWS alg); got alg "RSA-OAEP-256", use "enc" (kid "enc-1")',
      });
    });

    it('refuses a dir key', async () => {
      await expect(signJwt({}, dirKey('A256GCM'), { expiresIn: 60 })).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" must be a signing key (use "sig" with a JWS alg); got alg "dir", use "enc"',
      });
    });

    it('refuses an HS* key that is not a secret', async () => {
      const { key: es } = await signingKey('ES256');
      const hs = oddKey({ alg: 'HS256', use: 'sig', type: 'private', key: es.key });
      await expect(signJwt({}, hs, { expiresIn: 60 })).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" for HS256 must be a secret key; got a private key',
      });
    });

    it('refuses a secret bound to an asymmetric algorithm', async () => {
      const rs = oddKey({ alg: 'RS256', use: 'sig', type: 'secret', key: new Uint8Array(32) });
      await expect(signJwt({}, rs, { expiresIn: 60 })).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"key" must be a private key to sign with RS256; got a secret key',
      });
    });

    it('reports invalid_key when jose rejects the key for its algorithm', async () => {
      const { key: p256 } = await signingKey('ES256');
      const mislabelled = oddKey({ kid: 'm', alg: 'ES384', use: 'sig', type: 'private', key: p256.key });
      await expect(signJwt({}, mislabelled, { expiresIn: 60 })).rejects.toMatchObject({
        code: 'invalid_key',
        message: expect.stringMatching(/^"key" cannot sign with ES384: /),
        cause: expect.any(Error),
      });
    });

    it('refuses something that is not a TesseraKey', async () => {
      await expect(signJwt({}, 'secret' as never, { expiresIn: 60 })).rejects.toMatchObject({
        code: 'invalid_argument',
        message: expect.stringMatching(/^"key" must be a TesseraKey/),
      });
    });
  });
});
