import { describe, expect, it } from 'vitest';
import { JWE_CONTENT_ALGORITHMS, type JweKeyAlgorithm } from '../src/algorithms.js';
import { createTokenVerifier, verifyToken } from '../src/verify/index.js';
import {
  claims,
  currentDate,
  dirKey,
  encryptJwe,
  encryptionPair,
  expectRejection,
  hmacKey,
  signJws,
  signingPair,
  type AsymmetricJwsAlgorithm,
  type HmacAlgorithm,
} from './verify-helpers.js';

describe('JWS', () => {
  it.each<HmacAlgorithm>(['HS256', 'HS384', 'HS512'])('verifies a %s token', async (alg) => {
    const { key, secret } = hmacKey(alg);
    const token = await signJws(claims(), secret, { alg, typ: 'JWT' });
    const result = await createTokenVerifier({ keys: key, currentDate }).verify(token);
    expect(result).toEqual({ payload: claims(), header: { alg, typ: 'JWT' }, format: 'jws', key });
  });

  it.each<AsymmetricJwsAlgorithm>(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'])(
    'verifies a %s token with the public key',
    async (alg) => {
      const pair = await signingPair(alg, 'k1');
      const token = await signJws(claims(), pair.privateKey, { alg, kid: 'k1' });
      const result = await createTokenVerifier({ keys: [pair.key], currentDate }).verify(token);
      expect(result.payload).toEqual(claims());
      expect(result.header).toEqual({ alg, kid: 'k1' });
      expect(result.key).toBe(pair.key);
      expect(result.encryptionHeader).toBeUndefined();
    },
  );

  it('verifies the same token again from the header cache with the same result', async () => {
    const { key, secret } = hmacKey();
    const verifier = createTokenVerifier({ keys: key, currentDate });
    const token = await signJws(claims(), secret, { alg: 'HS256' });
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).toEqual(first);
    expect(Object.isFrozen(second.header)).toBe(true);
  });

  it('still checks the signature and claims of a token whose header is cached', async () => {
    const { key, secret } = hmacKey();
    const verifier = createTokenVerifier({ keys: key, currentDate });
    await verifier.verify(await signJws(claims(), secret, { alg: 'HS256' }));
    const forged = await signJws(claims({ sub: 'admin' }), hmacKey().secret, { alg: 'HS256' });
    await expectRejection(verifier.verify(forged), 'signature_invalid', 'signature verification failed');
    const expired = await signJws(claims({ exp: 1 }), secret, { alg: 'HS256' });
    await expectRejection(verifier.verify(expired), 'token_expired', 'token has expired');
  });

  it('accepts python-jose style float NumericDates', async () => {
    const { key, secret } = hmacKey();
    const token = await signJws({ subject: 'user_12345', exp: NOW_FLOAT + 3600.5, iat: NOW_FLOAT }, secret, { alg: 'HS256' });
    const result = await createTokenVerifier({ keys: key, currentDate, subject: 'user_12345', subjectClaim: 'subject' }).verify(token);
    expect(result.payload.subject).toBe('user_12345');
  });

  it('verifies with the one-shot verifyToken', async () => {
    const { key, secret } = hmacKey();
    const token = await signJws(claims(), secret, { alg: 'HS256' });
    expect((await verifyToken(token, { keys: key, currentDate })).payload.sub).toBe('user-1');
  });
});

const NOW_FLOAT = 1_699_999_999.25;

describe('JWE with dir', () => {
  for (const enc of JWE_CONTENT_ALGORITHMS) {
    for (const zip of [undefined, 'DEF'] as const) {
      it(`decrypts claims under dir + ${enc}${zip === undefined ? '' : ' with zip DEF'}`, async () => {
        const { key, secret } = dirKey(enc);
        const header = zip === undefined ? { alg: 'dir', enc } : { alg: 'dir', enc, zip };
        const token = await encryptJwe(claims(), secret, header);
        const result = await createTokenVerifier({ decryptionKeys: key, currentDate }).verify(token);
        expect(result).toEqual({ payload: claims(), header, format: 'jwe', encryptionHeader: header, key, decryptionKey: key });
      });
    }
  }

  it('accepts unsigned claims in a dir JWE (the shared key authenticates them)', async () => {
    const { key, secret } = dirKey('A256GCM');
    const token = await encryptJwe(claims({ scope: 'read' }), secret, { alg: 'dir', enc: 'A256GCM', typ: 'JWT' });
    const result = await createTokenVerifier({ decryptionKeys: key, currentDate, typ: 'JWT' }).verify(token);
    expect(result.payload.scope).toBe('read');
    expect(result.format).toBe('jwe');
  });

  it('rejects unsigned claims in a dir JWE when requireSignedJwe is set', async () => {
    const { key, secret } = dirKey('A256GCM');
    const token = await encryptJwe(claims(), secret, { alg: 'dir', enc: 'A256GCM' });
    const verifier = createTokenVerifier({ decryptionKeys: key, currentDate, requireSignedJwe: true });
    const err = await expectRejection(verifier.verify(token), 'header_invalid', 'encrypted token must contain a signed JWT (requireSignedJwe)');
    expect(err).toMatchObject({ header: 'cty' });
  });

  it('checks the expected typ on the JWE header of an unsigned token', async () => {
    const { key, secret } = dirKey('A128GCM');
    const token = await encryptJwe(claims(), secret, { alg: 'dir', enc: 'A128GCM', typ: 'JWT' });
    const verifier = createTokenVerifier({ decryptionKeys: key, currentDate, typ: 'at+jwt' });
    await expectRejection(verifier.verify(token), 'header_invalid', '"typ" header parameter has an unexpected value');
  });
});

describe('JWE with public-key algorithms', () => {
  it.each<Exclude<JweKeyAlgorithm, 'dir'>>(['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'])(
    'decrypts a nested token under %s',
    async (alg) => {
      const signing = await signingPair('ES256', 'sig-1');
      const encryption = await encryptionPair(alg, 'enc-1');
      const inner = await signJws(claims(), signing.privateKey, { alg: 'ES256', kid: 'sig-1', typ: 'at+jwt' });
      const outer = { alg, enc: 'A256GCM', kid: 'enc-1', cty: 'JWT' };
      const token = await encryptJwe(inner, encryption.publicKey, outer);
      const verifier = createTokenVerifier({ keys: signing.key, decryptionKeys: encryption.key, currentDate, typ: 'at+jwt' });
      const result = await verifier.verify(token);
      expect(result.format).toBe('nested');
      expect(result.payload).toEqual(claims());
      expect(result.header).toEqual({ alg: 'ES256', kid: 'sig-1', typ: 'at+jwt' });
      expect(result.encryptionHeader).toMatchObject(outer);
      expect(result.key).toBe(signing.key);
      expect(result.decryptionKey).toBe(encryption.key);
    },
  );

  it('rejects unsigned claims in an RSA-OAEP JWE (anyone with the public key can encrypt)', async () => {
    const encryption = await encryptionPair('RSA-OAEP-256');
    const token = await encryptJwe(claims(), encryption.publicKey, { alg: 'RSA-OAEP-256', enc: 'A256GCM' });
    const verifier = createTokenVerifier({ decryptionKeys: encryption.key, currentDate });
    const err = await expectRejection(verifier.verify(token), 'header_invalid', 'encrypted token under "RSA-OAEP-256" must contain a signed JWT');
    expect(err).toMatchObject({ header: 'cty' });
  });

  it('rejects unsigned claims in an ECDH-ES JWE', async () => {
    const encryption = await encryptionPair('ECDH-ES');
    const token = await encryptJwe(claims(), encryption.publicKey, { alg: 'ECDH-ES', enc: 'A128GCM' });
    const verifier = createTokenVerifier({ decryptionKeys: encryption.key, currentDate });
    await expectRejection(verifier.verify(token), 'header_invalid', 'encrypted token under "ECDH-ES" must contain a signed JWT');
  });
});

describe('nested tokens', () => {
  it('verifies a JWS inside a dir JWE with cty "JWT" (case-insensitive, application/ optional)', async () => {
    const signing = hmacKey('HS256', 'h1');
    const encryption = dirKey('A256CBC-HS512', 'd1');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS256', kid: 'h1' });
    for (const cty of ['JWT', 'jwt', 'application/JWT']) {
      const token = await encryptJwe(inner, encryption.secret, { alg: 'dir', enc: 'A256CBC-HS512', cty });
      const result = await createTokenVerifier({ keys: signing.key, decryptionKeys: encryption.key, currentDate }).verify(token);
      expect(result).toMatchObject({ format: 'nested', header: { alg: 'HS256', kid: 'h1' }, encryptionHeader: { cty } });
    }
  });

  it('rejects a nested JWS without cty JWT by default (RFC 7519 §5.2), and reads it with compat.nestedWithoutCty', async () => {
    const signing = await signingPair('EdDSA');
    const encryption = dirKey('A128GCM');
    const inner = await signJws(claims(), signing.privateKey, { alg: 'EdDSA' });
    const token = await encryptJwe(inner, encryption.secret, { alg: 'dir', enc: 'A128GCM', zip: 'DEF' });
    const options = { keys: signing.key, decryptionKeys: encryption.key, currentDate };
    await expectRejection(createTokenVerifier(options).verify(token), 'header_invalid',
      'encrypted token holds a JWS but has no "cty": "JWT" (RFC 7519 §5.2); compat.nestedWithoutCty reads it');
    const result = await createTokenVerifier({ ...options, compat: { nestedWithoutCty: true } }).verify(token);
    expect(result.format).toBe('nested');
    expect(result.key).toBe(signing.key);
  });

  it('applies the JWS allowlist to the inner header', async () => {
    const signing = hmacKey('HS512');
    const encryption = dirKey('A256GCM');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS512' });
    const token = await encryptJwe(inner, encryption.secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const verifier = createTokenVerifier({ keys: signing.key, decryptionKeys: encryption.key, algorithms: ['HS256'], currentDate });
    await expectRejection(verifier.verify(token), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('rejects an inner JWS signed with an unknown key', async () => {
    const signing = hmacKey('HS256');
    const other = hmacKey('HS256');
    const encryption = dirKey('A256GCM');
    const inner = await signJws(claims(), other.secret, { alg: 'HS256' });
    const token = await encryptJwe(inner, encryption.secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const verifier = createTokenVerifier({ keys: signing.key, decryptionKeys: encryption.key, currentDate });
    await expectRejection(verifier.verify(token), 'signature_invalid', 'signature verification failed');
  });

  it('applies the claims policy to the inner payload', async () => {
    const signing = hmacKey('HS256');
    const encryption = dirKey('A256GCM');
    const inner = await signJws(claims({ exp: 1 }), signing.secret, { alg: 'HS256' });
    const token = await encryptJwe(inner, encryption.secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const verifier = createTokenVerifier({ keys: signing.key, decryptionKeys: encryption.key, currentDate });
    await expectRejection(verifier.verify(token), 'token_expired', 'token has expired');
  });

  it('rejects cty "JWT" whose plaintext is not a compact JWS', async () => {
    const encryption = dirKey('A256GCM');
    const token = await encryptJwe('abcd.efgh.ijkl', encryption.secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const verifier = createTokenVerifier({ keys: hmacKey().key, decryptionKeys: encryption.key, currentDate });
    await expectRejection(verifier.verify(token), 'token_malformed', /token header is not valid/);
  });

  it('says a decrypted plaintext is neither claims nor a JWS when it is plain text (RFC 7520 §5.6)', async () => {
    const encryption = dirKey('A256GCM');
    const token = await encryptJwe('You can trust us to stick with you.', encryption.secret, { alg: 'dir', enc: 'A256GCM' });
    const verifier = createTokenVerifier({ keys: hmacKey().key, decryptionKeys: encryption.key, currentDate });
    await expectRejection(verifier.verify(token), 'token_malformed', 'decrypted token is neither JWT claims nor a compact JWS');
  });

  it('rejects a JWE nested in a JWE', async () => {
    const encryption = dirKey('A256GCM');
    const innerJwe = await encryptJwe(claims(), encryption.secret, { alg: 'dir', enc: 'A256GCM' });
    const token = await encryptJwe(innerJwe, encryption.secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const verifier = createTokenVerifier({ keys: hmacKey().key, decryptionKeys: encryption.key, currentDate });
    await expectRejection(verifier.verify(token), 'token_malformed', 'decrypted token is not a compact JWS');
  });

  it('rejects a nested token when no signing keys are configured', async () => {
    const signing = hmacKey();
    const encryption = dirKey('A256GCM');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS256' });
    const token = await encryptJwe(inner, encryption.secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const verifier = createTokenVerifier({ decryptionKeys: encryption.key, currentDate });
    await expectRejection(verifier.verify(token), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });
});
