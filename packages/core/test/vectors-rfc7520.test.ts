/**
 * The JOSE Cookbook (RFC 7520) and the RFC 8037 curve25519 examples through Tessera's verifier, on both engines.
 *
 * - Every compact example in our algorithm set verifies or decrypts with its published key and yields the published
 *   payload / plaintext (byte for byte) and protected header: JWS 4.1 RS256, 4.2 PS384, 4.3 ES512, 4.4 HS256, JWE
 *   5.2 RSA-OAEP/A256GCM, 5.4 ECDH-ES+A128KW/A128GCM, 5.5 ECDH-ES/A128CBC-HS256, 5.6 dir/A128GCM, 5.7
 *   A256GCMKW/A128CBC-HS256, 5.8 A128KW/A128GCM, 5.9 A128KW/A128GCM with zip DEF, RFC 8037 EdDSA and X25519 ECDH-ES.
 *   Their
 *   payloads are prose, not JWT claims, so they go through the raw entry points (createJwsVerifier,
 *   createJweDecrypter), which return the prose byte for byte; createTokenVerifier, which returns claims only, refuses
 *   them after the cryptographic check.
 * - The published keys are selected by `kid`/`kty` and bound to the example's `alg` (and `enc`): the 5.6 key's JWK
 *   says `"alg": "A128GCM"`, which is its `enc`, not an `alg`.
 * - §6 (nested): its inner JWS is a JWT (PS256, `exp` 2011-03-22T18:43:00Z) inside RSA-OAEP/A128GCM; the whole
 *   token opens end to end on a fixed clock, on both engines.
 * - Compact examples outside our set (RSA1_5, PBES2), detached content (4.5) and unencoded payloads (RFC 7797) are
 *   rejected with their codes.
 */
import { describe, expect, it } from 'vitest';
import type { JweContentAlgorithm, KeyAlgorithm } from '../src/algorithms.js';
import { importJwk } from '../src/keys/index.js';
import type { JoseHeader, Jwk, TesseraKey } from '../src/types.js';
import { createJweDecrypter, createJwsVerifier, createTokenVerifier } from '../src/verify/index.js';
import {
  bytesOf,
  ENGINES,
  expectAccepted,
  expectRejected,
  importAs,
  publicPart,
  readVectors,
  runVector,
  withoutAlg,
  type KeySetup,
  type Rejection,
} from './vectors-helpers.js';

interface Example {
  input: { payload?: string; plaintext?: string; key?: Jwk; alg: string; enc?: string };
  signing?: { protected: JoseHeader };
  encrypting_content?: { protected: JoseHeader };
  output: { compact: string };
}

const read = (path: string): Example => readVectors<Example>(`rfc7520/${path}`);

/** The example's published key, bound to the example's algorithm: the public half to verify, the whole to decrypt. */
function setupFor(example: Example): KeySetup {
  const { key, alg, enc } = example.input;
  if (key === undefined) throw new Error('the example has no key');
  if (example.signing !== undefined) {
    return async () => ({ keys: [await importAs(key.kty === 'oct' ? key : publicPart(key), alg as KeyAlgorithm)] });
  }
  return async () => ({ decryptionKeys: [await importAs(key, alg as KeyAlgorithm, enc as JweContentAlgorithm)] });
}

const IN_SET: readonly (readonly [string, string])[] = [
  ['RFC 7520 §4.1 RS256', 'jws/4_1.rsa_v15_signature.json'],
  ['RFC 7520 §4.2 PS384', 'jws/4_2.rsa-pss_signature.json'],
  ['RFC 7520 §4.3 ES512', 'jws/4_3.ecdsa_signature.json'],
  ['RFC 7520 §4.4 HS256', 'jws/4_4.hmac-sha2_integrity_protection.json'],
  ['RFC 7520 §5.2 RSA-OAEP + A256GCM', 'jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json'],
  ['RFC 7520 §5.4 ECDH-ES+A128KW + A128GCM', 'jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json'],
  ['RFC 7520 §5.5 ECDH-ES + A128CBC-HS256', 'jwe/5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json'],
  ['RFC 7520 §5.6 dir + A128GCM', 'jwe/5_6.direct_encryption_using_aes-gcm.json'],
  ['RFC 7520 §5.7 A256GCMKW + A128CBC-HS256', 'jwe/5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json'],
  ['RFC 7520 §5.8 A128KW + A128GCM', 'jwe/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json'],
  ['RFC 7520 §5.9 A128KW + A128GCM, zip DEF', 'jwe/5_9.compressed_content.json'],
  ['RFC 8037 §A.4 EdDSA (Ed25519)', 'curve25519/jws.json'],
  ['RFC 8037 §A.6 ECDH-ES (X25519) + A128GCM', 'curve25519/ecdh-es.json'],
];

describe.each(ENGINES)('published compact examples in our set ($name engine)', (engine) => {
  it.each(IN_SET)('%s verifies with its published key and yields the published content and header', async (_name, path) => {
    const example = read(path);
    const verdict = await runVector(example.output.compact, setupFor(example), engine);
    expectAccepted(verdict, bytesOf(example.input.payload ?? example.input.plaintext ?? ''));
    if (verdict.accepted) expect(verdict.header).toEqual((example.signing ?? example.encrypting_content)?.protected);
  });
});

/** UTF-8 that must decode (no replacement characters): the prose has U+2019 and U+2013, 3 bytes each. */
const strictText = (bytes: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

describe.each(ENGINES)('the prose payloads through the raw entry points ($name engine)', (engine) => {
  it('returns the §4.1 payload byte for byte from createJwsVerifier; createTokenVerifier wants claims', async () => {
    const example = read('jws/4_1.rsa_v15_signature.json');
    const { keys } = await setupFor(example)();
    const { payload } = await createJwsVerifier({ keys: keys ?? [], engine }).verify(example.output.compact);
    expect(new Uint8Array(payload)).toEqual(bytesOf(example.input.payload ?? ''));
    expect(strictText(payload)).toMatch(/^It\u2019s a dangerous business, Frodo, going out your door\. /);
    await expect(createTokenVerifier({ keys: keys ?? [], engine }).verify(example.output.compact)).rejects.toMatchObject({
      code: 'token_malformed',
      message: 'token payload is not valid JSON',
    });
  });

  it('returns the §5.6 plaintext byte for byte from createJweDecrypter; createTokenVerifier wants claims or a JWS', async () => {
    const example = read('jwe/5_6.direct_encryption_using_aes-gcm.json');
    const { decryptionKeys } = await setupFor(example)();
    const { plaintext, header } = await createJweDecrypter({ decryptionKeys: decryptionKeys ?? [], engine })
      .decrypt(example.output.compact);
    expect(new Uint8Array(plaintext)).toEqual(bytesOf(example.input.plaintext ?? ''));
    expect(strictText(plaintext)).toMatch(/^You can trust us to stick with you through thick and thin\u2013to the bitter end\. /);
    expect(header).toEqual(example.encrypting_content?.protected);
    await expect(createTokenVerifier({ decryptionKeys: decryptionKeys ?? [], engine }).verify(example.output.compact))
      .rejects.toMatchObject({ code: 'token_malformed', message: 'decrypted token is neither JWT claims nor a compact JWS' });
  });
});

interface Nested {
  sign: { input: { payload: string; key: Jwk; alg: string }; output: { compact: string } };
  encrypt: { input: { plaintext: string; key: Jwk; alg: string; enc: string }; output: { compact: string } };
}

describe('RFC 7520 §6 nested signing and encryption', () => {
  const nested = readVectors<Nested>('rfc7520/6.nesting_signatures_and_encryption.json');
  const signingKey = (): Promise<TesseraKey> => importAs(publicPart(nested.sign.input.key), 'PS256');
  /** One minute before the inner token's `exp` (1300819380). */
  const beforeExp = (): Date => new Date((1_300_819_380 - 60) * 1000);

  it('encrypts exactly the published inner JWS', () => {
    expect(nested.encrypt.input.plaintext).toBe(nested.sign.output.compact);
  });

  it.each(ENGINES)('verifies the inner JWT on a clock before its 2011 exp ($name engine)', async (engine) => {
    const verifier = createTokenVerifier({ keys: [await signingKey()], currentDate: beforeExp, engine, typ: 'JWT' });
    const result = await verifier.verify(nested.sign.output.compact);
    expect(result.payload).toEqual(JSON.parse(nested.sign.input.payload));
    expect(result.header).toEqual({ alg: 'PS256', typ: 'JWT' });
  });

  it('rejects the inner JWT as token_expired on a 2024 clock', async () => {
    const verifier = createTokenVerifier({ keys: [await signingKey()], currentDate: () => new Date('2024-01-01T00:00:00Z') });
    await expect(verifier.verify(nested.sign.output.compact)).rejects.toMatchObject({ code: 'token_expired', message: 'token has expired' });
  });

  it.each(ENGINES)('opens the whole nested token (RSA-OAEP outside, PS256 inside) on that clock ($name engine)', async (engine) => {
    const decryptionKey = await importAs(nested.encrypt.input.key, 'RSA-OAEP');
    const verifier = createTokenVerifier({
      keys: [await signingKey()], decryptionKeys: [decryptionKey], currentDate: beforeExp, typ: 'JWT', engine,
    });
    const result = await verifier.verify(nested.encrypt.output.compact);
    expect(result.format).toBe('nested');
    expect(result.payload).toEqual(JSON.parse(nested.sign.input.payload));
    expect(result.header).toEqual({ alg: 'PS256', typ: 'JWT' });
    expect(result.encryptionHeader).toEqual({ alg: 'RSA-OAEP', cty: 'JWT', enc: 'A128GCM' });
    expect(result.decryptionKey).toBe(decryptionKey);
  });

  it('imports the published RSA-OAEP key with its own alg', async () => {
    await expect(importJwk(nested.encrypt.input.key)).resolves.toMatchObject({ alg: 'RSA-OAEP', use: 'enc', type: 'private' });
  });
});

const ALG_NOT_ALLOWED: Rejection = { code: 'alg_not_allowed', message: /^"alg" header parameter value is not allowed$/, stage: 'verify' };

/** Compact examples Tessera must reject: [name, file, expected rejection, algorithm its key is refused for]. */
const REJECTED: readonly (readonly [string, string, Rejection, string | undefined])[] = [
  ['§5.1 RSA1_5', 'jwe/5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json', ALG_NOT_ALLOWED, 'RSA1_5'],
  ['§5.3 PBES2-HS512+A256KW', 'jwe/5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json', ALG_NOT_ALLOWED, undefined],
  // Detached content: the compact form has an empty payload, so the MAC (over the real payload) cannot match.
  ['§4.5 HS256 with detached content', 'jws/4_5.signature_with_detached_content.json',
    { code: 'signature_invalid', message: /^signature verification failed$/, stage: 'verify' }, undefined],
  // RFC 7797 `b64: false`: the payload travels unencoded (with spaces), which no compact JWS segment may contain.
  ['RFC 7797 §4.2 HS256 with b64 false', 'rfc7797/hmac-sha2_b64_false.json',
    { code: 'token_malformed', message: /^token segment is not canonical base64url$/, stage: 'verify' }, undefined],
];

/** Keys for a rejected example: its own key where Tessera can hold it (an in-set stand-in for other algorithms). */
function rejectedSetup(example: Example, refusedAlg: string | undefined): KeySetup {
  const key = example.input.key;
  if (refusedAlg === undefined && key !== undefined && example.signing !== undefined) return setupFor(example);
  if (key?.kty === 'RSA') return async () => ({ decryptionKeys: [await importAs(key, 'RSA-OAEP-256')] });
  // PBES2 has a password, not a key: any dir key of the right size stands in.
  const k = key?.k ?? 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const enc: JweContentAlgorithm = k.length === 22 ? 'A128GCM' : 'A256GCM';
  return async () => ({ decryptionKeys: [await importAs({ kty: 'oct', k }, 'dir', enc)] });
}

describe.each(ENGINES)('published compact examples Tessera rejects ($name engine)', (engine) => {
  it.each(REJECTED)('rejects %s', async (_name, path, rejection, refusedAlg) => {
    const example = read(path);
    expectRejected(await runVector(example.output.compact, rejectedSetup(example, refusedAlg), engine), rejection);
  });
});

describe('published keys of algorithms outside our set', () => {
  it.each(REJECTED.filter(([, , , alg]) => alg !== undefined))('refuses the %s key', async (_name, path, _rejection, alg) => {
    const key = read(path).input.key as Jwk;
    await expect(importJwk(withoutAlg(key), { alg: alg as KeyAlgorithm })).rejects.toMatchObject({
      code: 'unsupported_algorithm',
      message: `alg ${JSON.stringify(alg)} is not supported`,
    });
  });
});
