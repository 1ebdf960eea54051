/**
 * Project Wycheproof's key vectors through Tessera, one test per tcId:
 * - json_web_key_test.json (26): the group's key set goes through `importJwks`, then the test's JWS through a
 *   verifier holding that set (jose engine; the JWS files run both engines). The payloads are not JWT claims, so the
 *   run goes through createJwsVerifier (see vectors-helpers.ts).
 * - x25519_jwk_test.json (531): X25519 is in our set (ECDH-ES). Each test becomes the token an attacker controls: a
 *   compact ECDH-ES + A128GCM JWE whose `epk` is the vector's public key, sealed under the CEK that Concat KDF
 *   (RFC 7518 §4.6.2) derives from the vector's shared secret. Tessera decrypts it with the vector's private key on
 *   both engines: valid → accepted with plaintext "foo"; invalid (a P-256/X448/`kty`-less `epk`, …) → rejected.
 * - x448_jwk_test.json (523): X448 is outside our set, so every private key is refused at import.
 *
 * What "acceptable" means here (only x25519 has such tests): Tessera's verdict is pinned per test. Shared secrets of
 * all zeros (flag ZeroSharedSecret: low-order public keys) are rejected: WebCrypto and OpenSSL both refuse that
 * output, and a token whose key everybody can compute proves nothing. The other acceptable cases (public keys on the
 * twist, non-canonical encodings, edge-case shared secrets) are accepted: RFC 7748 §5 defines X25519 on them (the
 * top bit is masked), and the `epk` is the sender's choice anyway, so accepting leaks nothing about our key.
 *
 * Where Tessera's verdict differs from Wycheproof's (json_web_key_test.json):
 * - tc 1 (MixedKeySet, flagged Ambiguous) is accepted: every key is bound to its own `alg`, so the HS256 key only
 *   checks HS256 and the ES256 key only ES256 (the position keys-jwk.test.ts documents).
 * - tc 4 (DuplicateKid) is rejected, but because its second `k` is not canonical base64url, which importJwks
 *   catches first (keys-jwk.test.ts shows a true duplicate kid+alg is refused too).
 */
import { generateKeyPairSync } from 'node:crypto';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { importJwk, importJwks } from '../src/keys/index.js';
import type { Jwk, Jwks } from '../src/types.js';
import {
  bytesOf,
  ENGINES,
  expectAccepted,
  expectRejected,
  hexBytes,
  jwsPayloadOf,
  readWycheproof,
  runVector,
  type Rejection,
  DECRYPTION,
} from './vectors-helpers.js';

type Outcome = 'accept' | Rejection;

const ON_IMPORT = (code: Rejection['code'], kid: string, reason: string): Rejection => ({
  code,
  message: new RegExp(`^JWKS key #\\d \\(kid "${kid}"\\): ${reason.replace(/[().]/g, '\\$&')}$`),
  stage: 'import',
});

/** Expected outcome of every json_web_key_test.json test, by tcId. */
const JWK_OUTCOMES: Readonly<Record<number, Outcome>> = {
  1: 'accept',
  2: 'accept',
  3: { code: 'signature_invalid', message: /^signature verification failed$/, stage: 'verify' },
  4: ON_IMPORT('invalid_key', 'kid-aes-sign', 'JWK "k" is not valid base64url (non-zero trailing bits)'),
  5: 'accept',
  6: ON_IMPORT('unsupported_algorithm', 'kid-rsa-sign', 'alg "RSA1_5" is not supported'),
  7: ON_IMPORT('invalid_key', 'kid-rsa-roca-sign', 'RSA modulus has the ROCA fingerprint (CVE-2017-15361): its generator makes keys that can be factored; replace the key'),
  8: ON_IMPORT('invalid_key', 'RS256_1024', 'RSA modulus is 1024 bits; at least 2048 are required'),
  9: ON_IMPORT('invalid_key', 'RS256_2048', 'RSA public exponent must be odd and at least 3'),
  10: ON_IMPORT('invalid_key', 'short_hs256_key', 'expected at least 32 bytes for HS256, got 31'),
  11: ON_IMPORT('invalid_key', 'short_hs384_key', 'expected at least 48 bytes for HS384, got 47'),
  12: ON_IMPORT('invalid_key', 'short_hs512_key', 'expected at least 64 bytes for HS512, got 63'),
  13: 'accept',
  14: 'accept',
  15: 'accept',
  16: ON_IMPORT('invalid_key', 'hs256_key', 'key is empty'),
  17: ON_IMPORT('invalid_key', 'hs384_key', 'key is empty'),
  18: ON_IMPORT('invalid_key', 'hs512_key', 'key is empty'),
  19: ON_IMPORT('unsupported_algorithm', 'kid-ec-sign', 'alg "ES521" is not supported'),
  20: ON_IMPORT('unsupported_algorithm', 'kid-ec-sign', 'alg "ES224" is not supported'),
  21: ON_IMPORT('invalid_key', 'kid-ec-sign', 'JWK "use" "enc" does not fit ES256 (a "sig" algorithm)'),
  22: ON_IMPORT('invalid_key', 'kid-ec-sign', 'public key could not be imported for ES256'),
  23: ON_IMPORT('invalid_key', 'kid-ec-sign', 'an EC P-384 key cannot be used with ES256'),
  24: ON_IMPORT('invalid_key', 'kid-ec-sign', 'an RSA key cannot be used with ES256'),
  25: ON_IMPORT('unsupported_algorithm', 'kid-aes-sign', 'alg "A256GCM" is not supported'),
  26: ON_IMPORT('invalid_key', 'kid-aes-sign', 'JWK "use" "sig" does not fit A256KW (a "enc" algorithm)'),
};

/** The json_web_key_test.json verdicts that differ from Wycheproof's, and why (see the top of this file). */
const JWK_DIFFERS: Readonly<Record<number, string>> = {
  1: 'keys are bound to their own alg',
};

interface JwkTest {
  tcId: number;
  comment: string;
  result: string;
  flags: string[];
  jws: string;
}

const jwkFile = readWycheproof<{ numberOfTests: number; testGroups: { private: Jwks; public?: Jwks; tests: JwkTest[] }[] }>(
  'json_web_key_test.json',
);
const jwkCases = jwkFile.testGroups.flatMap((group) =>
  group.tests.map((test) => {
    const outcome = JWK_OUTCOMES[test.tcId];
    if (outcome === undefined) throw new Error(`no expectation for json_web_key_test.json tc ${test.tcId}`);
    const verdict = outcome === 'accept' ? 'accepted' : `rejected: ${outcome.code}`;
    const flags = test.flags.length > 0 ? ` [${test.flags.join(', ')}]` : '';
    const note = JWK_DIFFERS[test.tcId] === undefined ? '' : ` (differs from Wycheproof: ${JWK_DIFFERS[test.tcId]})`;
    const title = `tc ${test.tcId} ${test.comment} (${test.result}${flags}) is ${verdict}${note}`;
    return [title, { jwks: group.public ?? group.private, jws: test.jws, outcome }] as const;
  }),
);

describe('Wycheproof json_web_key_test.json: key set imported, then its JWS verified', () => {
  it.each(jwkCases)('%s', async (_title, { jwks, jws, outcome }) => {
    const verdict = await runVector(jws, async () => ({ keys: await importJwks(jwks) }), ENGINES[0]!);
    if (outcome === 'accept') expectAccepted(verdict, jwsPayloadOf(jws));
    else expectRejected(verdict, outcome);
  });

  it('runs every test', () => {
    expect(jwkCases).toHaveLength(jwkFile.numberOfTests);
  });
});

interface XdhTest {
  tcId: number;
  comment: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
  public: Jwk;
  private: Jwk;
  shared: string;
}

interface XdhFile {
  numberOfTests: number;
  testGroups: { tests: XdhTest[] }[];
}

function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** The A128GCM content key ECDH-ES derives from shared secret `z` (one Concat KDF round; empty apu/apv). */
async function contentKeyFrom(z: Uint8Array): Promise<Uint8Array> {
  const enc = bytesOf('A128GCM');
  const input = concat([u32(1), z, u32(enc.byteLength), enc, u32(0), u32(0), u32(128)]);
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', input)).slice(0, 16);
}

/** A compact ECDH-ES + A128GCM JWE of "foo" with `epk` in its header, sealed under `cek`. */
async function jweWith(epk: Jwk, cek: Uint8Array): Promise<string> {
  const header = base64url.encode(JSON.stringify({ alg: 'ECDH-ES', enc: 'A128GCM', epk }));
  const iv = new Uint8Array(12).fill(1);
  const key = await globalThis.crypto.subtle.importKey('raw', cek as Uint8Array<ArrayBuffer>, 'AES-GCM', false, ['encrypt']);
  const sealed = new Uint8Array(
    await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: bytesOf(header) }, key, bytesOf('foo')),
  );
  return `${header}..${base64url.encode(iv)}.${base64url.encode(sealed.slice(0, -16))}.${base64url.encode(sealed.slice(-16))}`;
}


const x25519 = readWycheproof<XdhFile>('x25519_jwk_test.json');
const x25519Cases = x25519.testGroups.flatMap((group) =>
  group.tests.map((test) => {
    const accept = test.result === 'valid' || (test.result === 'acceptable' && !test.flags.includes('ZeroSharedSecret'));
    const title = `tc ${test.tcId} ${test.comment} (${test.result} [${test.flags.join(', ')}]) is ${accept ? 'accepted' : 'rejected: decryption_failed'}`;
    return [title, { test, accept }] as const;
  }),
);

describe.each(ENGINES)('Wycheproof x25519_jwk_test.json as the epk of an ECDH-ES token ($name engine)', (engine) => {
  it.each(x25519Cases)('%s', async (_title, { test, accept }) => {
    // Invalid tests have no shared secret: any content key will do, none can be derived from their epk.
    const cek = test.shared === '' ? new Uint8Array(16).fill(9) : await contentKeyFrom(hexBytes(test.shared));
    const token = await jweWith(test.public, cek);
    const verdict = await runVector(token, async () => ({ decryptionKeys: [await importJwk(test.private, { alg: 'ECDH-ES' })] }), engine);
    if (accept) expectAccepted(verdict, bytesOf('foo'));
    else expectRejected(verdict, DECRYPTION);
  });
});

const x448 = readWycheproof<XdhFile>('x448_jwk_test.json');
const x448Cases = x448.testGroups.flatMap((group) =>
  group.tests.map((test) => [`tc ${test.tcId} ${test.comment} (${test.result}): its X448 private key is refused`, test] as const),
);

describe('Wycheproof x448_jwk_test.json (X448 is outside our set)', () => {
  it.each(x448Cases)('%s', async (_title, test) => {
    await expect(importJwk(test.private, { alg: 'ECDH-ES' })).rejects.toMatchObject({
      code: 'invalid_key',
      message: 'an OKP X448 key cannot be used with ECDH-ES (Tessera supports Ed25519 and X25519 only)',
    });
  });

  it('runs every test of both XDH files', () => {
    expect(x25519Cases).toHaveLength(x25519.numberOfTests);
    expect(x448Cases).toHaveLength(x448.numberOfTests);
  });
});

/** The secp256k1 public key Wycheproof uses as an invalid X25519 `epk` (x25519_jwk_test.json tc 522). */
const secp256k1 = x25519.testGroups.flatMap((g) => g.tests).find((t) => t.tcId === 522)?.public as Jwk;

describe('other algorithms the vectors name that are outside our set (ES256K, Ed448)', () => {
  it.each([
    ['ES256K', 'unsupported_algorithm', 'alg "ES256K" is not supported'],
    ['ES256', 'invalid_key', 'an EC secp256k1 key cannot be used with ES256'],
  ] as const)('refuses the secp256k1 key of x25519 tc 522 for %s (%s)', async (alg, code, message) => {
    await expect(importJwk(secp256k1, { alg: alg as 'ES256' })).rejects.toMatchObject({ code, message });
  });

  it.each([
    ['EdDSA', 'invalid_key', 'an OKP Ed448 key cannot be used with EdDSA (Tessera supports Ed25519 and X25519 only)'],
    ['Ed448', 'unsupported_algorithm', 'alg "Ed448" is not supported'],
  ] as const)('refuses an Ed448 key for %s (%s)', async (alg, code, message) => {
    const ed448 = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' }) as Jwk;
    await expect(importJwk(ed448, { alg: alg as 'EdDSA' })).rejects.toMatchObject({ code, message });
  });

  it.each(['ES256K', 'Ed448'])('rejects a token with alg %s as alg_not_allowed (no key can be bound to it)', async (alg) => {
    const token = `${base64url.encode(JSON.stringify({ alg }))}.${base64url.encode('foo')}.AAAA`;
    const setup = async () => ({ keys: [await importJwk({ kty: 'oct', k: 'A'.repeat(43), alg: 'HS256' })] });
    expectRejected(await runVector(token, setup, ENGINES[0]!), {
      code: 'alg_not_allowed',
      message: /^"alg" header parameter value is not allowed$/,
      stage: 'verify',
    });
  });
});
