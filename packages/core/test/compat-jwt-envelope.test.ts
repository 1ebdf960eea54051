// compat.jwtEnvelope: the JWE service's encrypt_jwt_token encrypts {"jwt": "<compact JWS>"} under dir with no cty.
// By default that is unsigned dir claims ({"jwt": ...}); with the setting, and only under dir and only in exactly
// that shape, the inner JWS is verified with `keys` and its claims returned.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../src/keys/generate-key-pair.js';
import { importSecret } from '../src/keys/import-secret.js';
import { ENGINES, mintDir, mintRsaOaep, verifierOn } from './compat-helpers.js';
import { NOW, b64, claims, expectRejection, hmacKey, signJws, tamper } from './verify-helpers.js';

const ON = { jwtEnvelope: true } as const;
const HEADER = { alg: 'dir', enc: 'A256GCM' } as const;

async function setup() {
  const secret = new Uint8Array(randomBytes(32));
  const decryption = await importSecret(secret, { alg: 'dir', enc: 'A256GCM' });
  const signing = hmacKey('HS256', 'svc');
  const jwt = await signJws(claims({ sub: 'john.doe' }), signing.secret, { alg: 'HS256', kid: 'svc', typ: 'JWT' });
  const seal = (plaintext: Record<string, unknown> | string, header: Record<string, unknown> = HEADER) =>
    mintDir(secret, { enc: 'A256GCM', header, plaintext });
  return { secret, decryption, signing, jwt, seal, options: { keys: signing.key, decryptionKeys: decryption } };
}

describe.each(ENGINES)('compat.jwtEnvelope ($name engine)', ({ engine }) => {
  it('reads the envelope as claims by default: claim_missing for exp', async () => {
    const { jwt, seal, options } = await setup();
    await expectRejection(verifierOn(engine, options).verify(seal({ jwt })), 'claim_missing', '"exp" claim is missing');
  });

  it('hands back the inner JWT unverified in payload.jwt with requireExp off (the hazard the README warns of)', async () => {
    const { jwt, seal, options } = await setup();
    const result = await verifierOn(engine, { ...options, requireExp: false }).verify(seal({ jwt: tamper(jwt, 2) }));
    expect(result).toMatchObject({ format: 'jwe', payload: { jwt: tamper(jwt, 2) } });
  });

  it('verifies the inner JWS with the setting and returns its claims as a nested token', async () => {
    const { jwt, seal, options, signing, decryption } = await setup();
    const result = await verifierOn(engine, { ...options, compat: ON }).verify(seal({ jwt }));
    expect(result).toMatchObject({
      format: 'nested', payload: { sub: 'john.doe' }, header: { alg: 'HS256', kid: 'svc', typ: 'JWT' },
      encryptionHeader: HEADER, key: signing.key, decryptionKey: decryption,
    });
  });

  it('reads a compressed envelope with the setting', async () => {
    const { jwt, secret, options } = await setup();
    const token = mintDir(secret, { enc: 'A256GCM', header: { ...HEADER, zip: 'DEF' }, plaintext: { jwt }, compression: 'raw' });
    expect((await verifierOn(engine, { ...options, compat: ON }).verify(token)).format).toBe('nested');
  });

  it('rejects an envelope whose inner signature does not verify, with the setting', async () => {
    const { jwt, seal, options } = await setup();
    await expectRejection(verifierOn(engine, { ...options, compat: ON }).verify(seal({ jwt: tamper(jwt, 2) })),
      'signature_invalid', 'signature verification failed');
  });

  it('applies the claims policy and the JWS allowlist to the inner token, with the setting', async () => {
    const { seal, signing, options } = await setup();
    const expired = await signJws(claims({ exp: NOW - 10 }), signing.secret, { alg: 'HS256', kid: 'svc' });
    await expectRejection(verifierOn(engine, { ...options, compat: ON }).verify(seal({ jwt: expired })), 'token_expired', 'token has expired');
    const strict = verifierOn(engine, { ...options, compat: ON, algorithms: ['HS512'] });
    await expectRejection(strict.verify(seal({ jwt: await signJws(claims(), signing.secret, { alg: 'HS256' }) })),
      'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('counts the envelope as signed under requireSignedJwe, with the setting', async () => {
    const { jwt, seal, options } = await setup();
    const verifier = verifierOn(engine, { ...options, compat: ON, requireSignedJwe: true });
    expect((await verifier.verify(seal({ jwt }))).format).toBe('nested');
    await expectRejection(verifier.verify(seal(claims())), 'header_invalid', 'encrypted token must contain a signed JWT (requireSignedJwe)');
  });

  it.each([
    ['a second member', (jwt: string) => ({ jwt, exp: NOW + 60 })],
    ['a non-string jwt', () => ({ jwt: 42, exp: NOW + 60 })],
    ['a differently cased member', (jwt: string) => ({ JWT: jwt, exp: NOW + 60 })],
  ] as const)('reads a plaintext with %s as plain dir claims, with the setting', async (_what, shape) => {
    const { jwt, seal, options } = await setup();
    const result = await verifierOn(engine, { ...options, compat: ON }).verify(seal(shape(jwt)));
    expect(result.format).toBe('jwe');
    expect(result.payload).toEqual(shape(jwt));
  });

  it('rejects an envelope whose jwt member is not a compact JWS, with the setting', async () => {
    const { seal, options } = await setup();
    const verifier = verifierOn(engine, { ...options, compat: ON });
    const jwe = `${b64(JSON.stringify(HEADER))}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`;
    await expectRejection(verifier.verify(seal({ jwt: jwe })), 'token_malformed',
      'the "jwt" member of the decrypted token is not a compact JWS');
    await expectRejection(verifier.verify(seal({ jwt: 'not a token' })), 'token_malformed',
      'token segment is not canonical base64url');
  });

  it('never reads an envelope under RSA-OAEP-256 (anyone with the public key could make one), with the setting', async () => {
    const { jwt, signing } = await setup();
    const pair = await generateKeyPair('RSA-OAEP-256');
    const token = mintRsaOaep(pair.publicPem, { enc: 'A256GCM', header: { alg: 'RSA-OAEP-256', enc: 'A256GCM' }, plaintext: { jwt } });
    const verifier = verifierOn(engine, { keys: signing.key, decryptionKeys: pair.privateKey, compat: ON });
    await expectRejection(verifier.verify(token), 'header_invalid', 'encrypted token under "RSA-OAEP-256" must contain a signed JWT');
  });

  it('still reads ordinary dir claims with the setting on', async () => {
    const { seal, options } = await setup();
    const result = await verifierOn(engine, { ...options, compat: ON }).verify(seal(claims({ role: 'admin' })));
    expect(result).toMatchObject({ format: 'jwe', payload: { role: 'admin' } });
  });
});
