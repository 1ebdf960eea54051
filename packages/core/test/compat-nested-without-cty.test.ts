// compat.nestedWithoutCty: python-jose's jwe.encrypt writes a nested JWS with no cty (RFC 7519 §5.2 requires cty JWT).
// header_invalid by default; read with the setting, the inner signature verified either way, on both engines.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair } from '../src/keys/generate-key-pair.js';
import { importSecret } from '../src/keys/import-secret.js';
import { ENGINES, mintDir, mintRsaOaep, verifierOn } from './compat-helpers.js';
import { claims, expectRejection, hmacKey, signJws, tamper } from './verify-helpers.js';

const ON = { nestedWithoutCty: true } as const;
const NO_CTY = 'encrypted token holds a JWS but has no "cty": "JWT" (RFC 7519 §5.2); compat.nestedWithoutCty reads it';

async function setup() {
  const secret = new Uint8Array(randomBytes(64));
  const decryption = await importSecret(secret, { alg: 'dir', enc: 'A256CBC-HS512' });
  const signing = hmacKey('HS256');
  const jws = await signJws(claims({ sub: 'nested' }), signing.secret, { alg: 'HS256' });
  const seal = (plaintext: string, header: Record<string, unknown> = { alg: 'dir', enc: 'A256CBC-HS512' }) =>
    mintDir(secret, { enc: 'A256CBC-HS512', header, plaintext });
  return { jws, seal, signing, options: { keys: signing.key, decryptionKeys: decryption } };
}

describe.each(ENGINES)('compat.nestedWithoutCty ($name engine)', ({ engine }) => {
  it('rejects a JWS inside a dir JWE without cty by default (header_invalid, header "cty")', async () => {
    const { jws, seal, options } = await setup();
    const err = await expectRejection(verifierOn(engine, options).verify(seal(jws)), 'header_invalid', NO_CTY);
    expect(err).toMatchObject({ header: 'cty' });
  });

  it('reads it as nested with the setting', async () => {
    const { jws, seal, options, signing } = await setup();
    const result = await verifierOn(engine, { ...options, compat: ON }).verify(seal(jws));
    expect(result).toMatchObject({ format: 'nested', payload: { sub: 'nested' }, key: signing.key });
  });

  it('still verifies the inner signature with the setting', async () => {
    const { jws, seal, options } = await setup();
    await expectRejection(verifierOn(engine, { ...options, compat: ON }).verify(seal(tamper(jws, 2))),
      'signature_invalid', 'signature verification failed');
  });

  it('rejects a JWS under a cty other than JWT, even with the setting', async () => {
    const { jws, seal, options } = await setup();
    const token = seal(jws, { alg: 'dir', enc: 'A256CBC-HS512', cty: 'json' });
    await expectRejection(verifierOn(engine, { ...options, compat: ON }).verify(token), 'header_invalid',
      'encrypted token holds a JWS but its "cty" is not "JWT" (RFC 7519 §5.2)');
  });

  it('reads cty JWT without the setting, as always', async () => {
    const { jws, seal, options } = await setup();
    const result = await verifierOn(engine, options).verify(seal(jws, { alg: 'dir', enc: 'A256CBC-HS512', cty: 'JWT' }));
    expect(result.format).toBe('nested');
  });

  it('says so when a plaintext is neither claims nor a JWS, with or without the setting', async () => {
    const { seal, options } = await setup();
    for (const compat of [{}, ON]) {
      await expectRejection(verifierOn(engine, { ...options, compat }).verify(seal('hello, world')), 'token_malformed',
        'decrypted token is neither JWT claims nor a compact JWS');
    }
  });

  it('rejects a JWS without cty under RSA-OAEP-256 by default and reads it with the setting', async () => {
    const { jws, signing } = await setup();
    const pair = await generateKeyPair('RSA-OAEP-256');
    const token = mintRsaOaep(pair.publicPem, { enc: 'A256GCM', header: { alg: 'RSA-OAEP-256', enc: 'A256GCM' }, plaintext: jws });
    const options = { keys: signing.key, decryptionKeys: pair.privateKey };
    await expectRejection(verifierOn(engine, options).verify(token), 'header_invalid', NO_CTY);
    expect((await verifierOn(engine, { ...options, compat: ON }).verify(token)).format).toBe('nested');
  });
});
