import { describe, expect, it } from 'vitest';
import { signAndEncrypt } from '../src/issue/index.js';
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

describe('signAndEncrypt', () => {
  it.each(['RSA-OAEP', 'RSA-OAEP-384', 'RSA-OAEP-512'] as const)('nests an ES256 JWS in a %s JWE', async (alg) => {
    const sig = await signingKey('ES256', 'sig-kid');
    const enc = await encryptionKey(alg, 'enc-kid');
    const token = await signAndEncrypt({ scope: 'read' }, { signingKey: sig.key, encryptionKey: enc.publicKey, expiresIn: 60, now });
    expect(headerOf(token)).toEqual({ alg, enc: 'A256GCM', cty: 'JWT', kid: 'enc-kid' });
    const { text: jws } = await decryptJwe(token, enc.decryptKey);
    expect((await verifyJws(jws, sig.verifyKey, 'ES256')).payload).toMatchObject({ scope: 'read' });
  });

  it.each(['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW'] as const)(
    'nests an HS256 JWS in a %s JWE under a shared key-wrapping key',
    async (alg) => {
      const sig = await signingKey('HS256', 'hs');
      const kek = keyWrapKey(alg, 'kek');
      const token = await signAndEncrypt({ scope: 'read' }, {
        signingKey: sig.key, encryptionKey: kek, enc: 'A128CBC-HS256', expiresIn: 60, now,
      });
      expect(headerOf(token)).toMatchObject({ alg, enc: 'A128CBC-HS256', cty: 'JWT', kid: 'kek' });
      const { text: jws } = await decryptJwe(token, secretOf(kek));
      expect(headerOf(jws)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'hs' });
      expect((await verifyJws(jws, sig.verifyKey, 'HS256')).payload).toMatchObject({ scope: 'read' });
    },
  );

  it.each(['ECDH-ES+A256KW', 'RSA-OAEP-256'] as const)(
    'nests an ES256 JWS in a %s JWE with cty JWT and each kid in its own header (the Go issuer format)',
    async (alg) => {
      const sig = await signingKey('ES256', 'sig-kid');
      const enc = await encryptionKey(alg, 'enc-kid');
      const token = await signAndEncrypt(
        { uid: 'u123', device_id: 'dev1', client_id: 'web', scope: ['read'] },
        {
          signingKey: sig.key,
          encryptionKey: enc.publicKey,
          issuer: 'https://auth.local',
          subject: 'u123',
          audience: 'api://local',
          expiresIn: '10m',
          jti: 'a-1',
          now,
        },
      );
      expectCanonicalSegments(token, 5);
      const outer = headerOf(token);
      expect(outer).toMatchObject({ alg, enc: 'A256GCM', cty: 'JWT', kid: 'enc-kid' });
      expect(outer.typ).toBeUndefined();

      const { text: jws } = await decryptJwe(token, enc.decryptKey);
      expectCanonicalSegments(jws, 3);
      expect(headerOf(jws)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'sig-kid' });
      const { payload } = await verifyJws(jws, sig.verifyKey, 'ES256', 'JWT');
      expect(payload).toEqual({
        iss: 'https://auth.local', sub: 'u123', aud: 'api://local', exp: NOW + 600, iat: NOW, jti: 'a-1',
        uid: 'u123', device_id: 'dev1', client_id: 'web', scope: ['read'],
      });
    },
  );

  it('applies typ to the inner JWS only, and enc and zip to the outer JWE', async () => {
    const sig = await signingKey('PS256', 's');
    const enc = await encryptionKey('ECDH-ES', 'e', 'X25519');
    const token = await signAndEncrypt({ scope: 'read' }, {
      signingKey: sig.key, encryptionKey: enc.publicKey, typ: 'at+jwt', enc: 'A128CBC-HS256', zip: 'DEF',
      expiresIn: 60, now,
    });
    expect(headerOf(token)).toMatchObject({ alg: 'ECDH-ES', enc: 'A128CBC-HS256', zip: 'DEF', cty: 'JWT', kid: 'e' });
    const { text: jws } = await decryptJwe(token, enc.decryptKey);
    expect(headerOf(jws)).toEqual({ alg: 'PS256', typ: 'at+jwt', kid: 's' });
    await expect(verifyJws(jws, sig.verifyKey, 'PS256', 'at+jwt')).resolves.toBeDefined();
  });

  it('nests an HS256 JWS in a dir JWE', async () => {
    const sig = await signingKey('HS256', 'h');
    const key = dirKey('A256CBC-HS512', 'd');
    const token = await signAndEncrypt({}, { signingKey: sig.key, encryptionKey: key, expiresIn: 60, now });
    expect(headerOf(token)).toEqual({ alg: 'dir', enc: 'A256CBC-HS512', cty: 'JWT', kid: 'd' });
    const { text: jws } = await decryptJwe(token, secretOf(key));
    expect(payloadJsonOf(jws)).toBe(`{"exp":${NOW + 60},"iat":${NOW}}`);
  });

  it('leaves both kids out when the keys have none', async () => {
    const sig = await signingKey('ES256');
    const enc = await encryptionKey('ECDH-ES+A128KW');
    const token = await signAndEncrypt({}, { signingKey: sig.key, encryptionKey: enc.publicKey, expiresIn: 60 });
    expect(headerOf(token).kid).toBeUndefined();
    expect(headerOf((await decryptJwe(token, enc.decryptKey)).text)).toEqual({ alg: 'ES256', typ: 'JWT' });
  });

  it('refuses a missing signing key, naming the option', async () => {
    const enc = await encryptionKey('RSA-OAEP-256');
    await expect(
      signAndEncrypt({}, { encryptionKey: enc.publicKey, expiresIn: 60 } as never),
    ).rejects.toMatchObject({ code: 'invalid_argument', message: '"signingKey" is required to sign the inner JWT' });
  });

  it('refuses a missing encryption key, naming the option', async () => {
    const sig = await signingKey('ES256');
    await expect(signAndEncrypt({}, { signingKey: sig.key, expiresIn: 60 } as never)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"encryptionKey" is required to encrypt the JWT',
    });
  });

  it('refuses missing options', async () => {
    await expect(signAndEncrypt({}, undefined as never)).rejects.toMatchObject({
      code: 'invalid_argument',
      message: '"options" is required (signingKey, encryptionKey)',
    });
  });

  it('refuses keys swapped between the two roles', async () => {
    const sig = await signingKey('ES256', 's');
    const enc = await encryptionKey('ECDH-ES+A256KW', 'e');
    await expect(
      signAndEncrypt({}, { signingKey: enc.publicKey, encryptionKey: sig.key, expiresIn: 60 }),
    ).rejects.toMatchObject({
      code: 'invalid_key',
      message: '"encryptionKey" must be an encryption key (use "enc" with a JWE alg); got alg "ES256", use "sig" (kid "s")',
    });
    await expect(
      signAndEncrypt({}, { signingKey: enc.publicKey, encryptionKey: enc.publicKey, expiresIn: 60 }),
    ).rejects.toMatchObject({
      code: 'invalid_key',
      message: '"signingKey" must be a signing key (use "sig" with a JWS alg); got alg "ECDH-ES+A256KW", use "enc" (kid "e")',
    });
  });

  it('refuses a token without exp when not asked explicitly', async () => {
    const sig = await signingKey('ES256');
    const enc = await encryptionKey('RSA-OAEP-256');
    await expect(signAndEncrypt({}, { signingKey: sig.key, encryptionKey: enc.publicKey })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/without "exp"/),
    });
  });
});
