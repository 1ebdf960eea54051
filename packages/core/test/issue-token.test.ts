import { describe, expect, it } from 'vitest';
import { issueToken, type IssueTokenOptions } from '../src/issue/index.js';
import {
  NOW,
  decryptJwe,
  dirKey,
  encryptionKey,
  expectCanonicalSegments,
  headerOf,
  keyWrapKey,
  now,
  payloadJsonOf,
  secretOf,
  signingKey,
  verifyJws,
} from './issue-helpers.js';

describe('issueToken', () => {
  it('issues a jwt with a random jti and returns the exact claims written and the expiry', async () => {
    const sig = await signingKey('ES256', 'sig');
    const issued = await issueToken({
      format: 'jwt', signingKey: sig.key, subject: 'u123', expiresIn: '15m', issuer: 'https://auth.local',
      audience: 'api://local', typ: 'at+jwt', claims: { scope: 'read', client_id: 'web' }, now,
    });
    expect(issued.format).toBe('jwt');
    expectCanonicalSegments(issued.token, 3);
    expect(headerOf(issued.token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'sig' });
    expect(issued.claims).toEqual({
      iss: 'https://auth.local', sub: 'u123', aud: 'api://local', exp: NOW + 900, iat: NOW,
      jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), scope: 'read', client_id: 'web',
    });
    expect(JSON.stringify(issued.claims)).toBe(payloadJsonOf(issued.token));
    expect(issued.expiresAt).toEqual(new Date((NOW + 900) * 1000));
    const { payload } = await verifyJws(issued.token, sig.verifyKey, 'ES256', 'at+jwt');
    expect(payload).toEqual(issued.claims);
  });

  it('issues a jwe as a signed JWT inside a JWE with cty JWT', async () => {
    const sig = await signingKey('ES256', 'sig');
    const enc = await encryptionKey('ECDH-ES+A256KW', 'enc');
    const issued = await issueToken({
      format: 'jwe', signingKey: sig.key, encryptionKey: enc.publicKey, subject: 'u1', expiresIn: 600, now,
    });
    expect(issued.format).toBe('jwe');
    expectCanonicalSegments(issued.token, 5);
    expect(headerOf(issued.token)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT', kid: 'enc' });
    const { text: jws } = await decryptJwe(issued.token, enc.decryptKey);
    expect(headerOf(jws)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'sig' });
    const { payload } = await verifyJws(jws, sig.verifyKey, 'ES256');
    expect(payload).toEqual(issued.claims);
    expect(JSON.stringify(issued.claims)).toBe(payloadJsonOf(jws));
    expect(issued.expiresAt).toEqual(new Date((NOW + 600) * 1000));
  });

  it('issues a jwe under a dir key too', async () => {
    const sig = await signingKey('EdDSA', 'ed');
    const key = dirKey('A192GCM', 'd');
    const issued = await issueToken({
      format: 'jwe', signingKey: sig.key, encryptionKey: key, subject: 'u1', expiresIn: 60, now,
    });
    expect(headerOf(issued.token)).toEqual({ alg: 'dir', enc: 'A192GCM', cty: 'JWT', kid: 'd' });
    const { text: jws } = await decryptJwe(issued.token, secretOf(key));
    await expect(verifyJws(jws, sig.verifyKey, 'EdDSA')).resolves.toMatchObject({ payload: issued.claims });
  });

  it('issues a jwe under an A256GCMKW key-wrapping secret and under RSA-OAEP-512', async () => {
    const sig = await signingKey('ES256', 'es');
    const kek = keyWrapKey('A256GCMKW', 'kek');
    const wrapped = await issueToken({ format: 'jwe', signingKey: sig.key, encryptionKey: kek, subject: 'u1', expiresIn: 60, now });
    expect(headerOf(wrapped.token)).toMatchObject({ alg: 'A256GCMKW', enc: 'A256GCM', cty: 'JWT', kid: 'kek' });
    const { text: inner } = await decryptJwe(wrapped.token, secretOf(kek));
    await expect(verifyJws(inner, sig.verifyKey, 'ES256')).resolves.toMatchObject({ payload: wrapped.claims });
    const rsa = await encryptionKey('RSA-OAEP-512', 'rsa');
    const oaep = await issueToken({ format: 'jwe', signingKey: sig.key, encryptionKey: rsa.publicKey, subject: 'u1', expiresIn: 60, now });
    expect(headerOf(oaep.token)).toEqual({ alg: 'RSA-OAEP-512', enc: 'A256GCM', cty: 'JWT', kid: 'rsa' });
    const { text: jws } = await decryptJwe(oaep.token, rsa.decryptKey);
    await expect(verifyJws(jws, sig.verifyKey, 'ES256')).resolves.toMatchObject({ payload: oaep.claims });
  });

  it('refuses a key-wrapping key for jwe-dir, which is direct encryption only', async () => {
    await expect(issueToken({ format: 'jwe-dir', encryptionKey: keyWrapKey('A128KW'), subject: 'u1', expiresIn: 60 }))
      .rejects.toMatchObject({ code: 'invalid_key', message: '"encryptionKey" for format "jwe-dir" must be a dir secret; got alg "A128KW"' });
  });

  it('issues a jwe-dir as an HS256 JWT inside a dir JWE when a signing key is given (the JWE service format)', async () => {
    const sig = await signingKey('HS256', 'hs');
    const key = dirKey('A256GCM', 'dir-1');
    const issued = await issueToken({
      format: 'jwe-dir', signingKey: sig.key, encryptionKey: key, subject: 'user@example.com', expiresIn: '30m',
      zip: 'DEF', claims: { models: ['gpt-4'], tier: 'enterprise' }, now,
    });
    expect(issued.format).toBe('jwe-dir');
    expect(headerOf(issued.token)).toEqual({ alg: 'dir', enc: 'A256GCM', zip: 'DEF', cty: 'JWT', kid: 'dir-1' });
    const { text: jws } = await decryptJwe(issued.token, secretOf(key));
    const { payload } = await verifyJws(jws, sig.verifyKey, 'HS256', 'JWT');
    expect(payload).toEqual(issued.claims);
    expect(payload).toMatchObject({ sub: 'user@example.com', exp: NOW + 1800, models: ['gpt-4'], tier: 'enterprise' });
  });

  it('issues a jwe-dir with the claims encrypted directly when no signing key is given', async () => {
    const key = dirKey('A128CBC-HS256');
    const issued = await issueToken({
      format: 'jwe-dir', encryptionKey: key, subject: 'john.doe', expiresIn: '1h', jti: 'fixed',
      claims: { role: 'admin' }, now,
    });
    expect(headerOf(issued.token)).toEqual({ alg: 'dir', enc: 'A128CBC-HS256' });
    const { text } = await decryptJwe(issued.token, secretOf(key));
    expect(text).toBe(`{"sub":"john.doe","exp":${NOW + 3600},"iat":${NOW},"jti":"fixed","role":"admin"}`);
    expect(JSON.stringify(issued.claims)).toBe(text);
  });

  it('writes the typ option on a directly encrypted jwe-dir', async () => {
    const key = dirKey('A256GCM');
    const issued = await issueToken({ format: 'jwe-dir', encryptionKey: key, subject: 's', expiresIn: 60, typ: 'JWT' });
    expect(headerOf(issued.token)).toEqual({ alg: 'dir', enc: 'A256GCM', typ: 'JWT' });
  });

  it('keeps claims.jti instead of a random one, and leaves jti out when jti is false', async () => {
    const sig = await signingKey('HS256');
    const kept = await issueToken({ format: 'jwt', signingKey: sig.key, subject: 's', expiresIn: 60,
      claims: { jti: 'mine' } });
    expect(kept.claims.jti).toBe('mine');
    const none = await issueToken({ format: 'jwt', signingKey: sig.key, subject: 's', expiresIn: 60, jti: false });
    expect(none.claims).not.toHaveProperty('jti');
  });

  it('issues a token without exp only with noExpiry: true, and then has no expiresAt', async () => {
    const sig = await signingKey('HS256');
    const issued = await issueToken({ format: 'jwt', signingKey: sig.key, subject: 'svc', noExpiry: true, now });
    expect(issued.claims).not.toHaveProperty('exp');
    expect(issued.expiresAt).toBeUndefined();
    expect(issued).not.toHaveProperty('expiresAt');
  });

  describe('refuses options that do not fit the format', () => {
    const base = { subject: 's', expiresIn: 60 } as const;

    it.each([
      ['jwt', {}, '"signingKey" is required for format "jwt"'],
      ['jwe', {}, '"encryptionKey" is required for format "jwe"'],
      ['jwe-dir', {}, '"encryptionKey" is required for format "jwe-dir"'],
    ] as const)('refuses format %s without its key, naming the option', async (format, extra, message) => {
      await expect(issueToken({ format, ...base, ...extra } as IssueTokenOptions)).rejects.toMatchObject({
        name: 'TesseraArgumentError', code: 'invalid_argument', message,
      });
    });

    it('refuses a jwe without a signing key, naming the option', async () => {
      const enc = await encryptionKey('RSA-OAEP-256');
      await expect(issueToken({ format: 'jwe', ...base, encryptionKey: enc.publicKey })).rejects.toMatchObject({
        code: 'invalid_argument', message: '"signingKey" is required for format "jwe"',
      });
    });

    it('refuses a jwe-dir whose encryption key is not a dir secret', async () => {
      const enc = await encryptionKey('RSA-OAEP-256', 'r');
      await expect(issueToken({ format: 'jwe-dir', ...base, encryptionKey: enc.publicKey })).rejects.toMatchObject({
        code: 'invalid_key', message: '"encryptionKey" for format "jwe-dir" must be a dir secret; got alg "RSA-OAEP-256"',
      });
    });

    it('refuses encryption options on a jwt', async () => {
      const sig = await signingKey('HS256');
      await expect(issueToken({ format: 'jwt', ...base, signingKey: sig.key, zip: 'DEF' })).rejects.toMatchObject({
        code: 'invalid_argument', message: '"zip" is not used with format "jwt"',
      });
      await expect(
        issueToken({ format: 'jwt', ...base, signingKey: sig.key, encryptionKey: dirKey('A256GCM') }),
      ).rejects.toMatchObject({ code: 'invalid_argument', message: '"encryptionKey" is not used with format "jwt"' });
    });

    it('refuses a signing key in the encryption role', async () => {
      const sig = await signingKey('ES256', 'es');
      await expect(
        issueToken({ format: 'jwe', ...base, signingKey: sig.key, encryptionKey: sig.key }),
      ).rejects.toMatchObject({
        code: 'invalid_key',
        message: '"encryptionKey" must be an encryption key (use "enc" with a JWE alg); got alg "ES256", use "sig" (kid "es")',
      });
    });

    it('refuses a dir key sized for another enc', async () => {
      await expect(
        issueToken({ format: 'jwe-dir', ...base, encryptionKey: dirKey('A128GCM'), enc: 'A256GCM' }),
      ).rejects.toMatchObject({
        code: 'invalid_key', message: '"encryptionKey": expected 32 bytes for A256GCM, got 16 (the key is for A128GCM)',
      });
    });

    it('refuses an unknown format', async () => {
      await expect(issueToken({ ...base, format: 'opaque' } as unknown as IssueTokenOptions)).rejects.toMatchObject({
        code: 'invalid_argument', message: '"format" must be "jwt", "jwe" or "jwe-dir"',
      });
    });

    it('refuses a missing subject', async () => {
      const sig = await signingKey('HS256');
      await expect(
        issueToken({ format: 'jwt', signingKey: sig.key, expiresIn: 60 } as IssueTokenOptions),
      ).rejects.toMatchObject({ code: 'invalid_argument', message: '"subject" is required and must be a non-empty string' });
    });

    it('refuses a missing lifetime', async () => {
      const sig = await signingKey('HS256');
      await expect(
        issueToken({ format: 'jwt', signingKey: sig.key, subject: 's' } as IssueTokenOptions),
      ).rejects.toMatchObject({ code: 'invalid_argument', message: '"expiresIn" is required (or noExpiry: true)' });
    });

    it('refuses expiresIn together with noExpiry', async () => {
      const sig = await signingKey('HS256');
      await expect(
        issueToken({ format: 'jwt', signingKey: sig.key, subject: 's', expiresIn: 60, noExpiry: true } as never),
      ).rejects.toMatchObject({ code: 'invalid_argument', message: '"expiresIn" and "noExpiry" exclude each other' });
    });

    it('refuses a subject that contradicts claims.sub', async () => {
      const sig = await signingKey('HS256');
      await expect(
        issueToken({ format: 'jwt', signingKey: sig.key, subject: 'a', expiresIn: 60, claims: { sub: 'b' } }),
      ).rejects.toMatchObject({ code: 'invalid_argument', message: '"subject" conflicts with claims.sub; set one of them' });
    });
  });
});
