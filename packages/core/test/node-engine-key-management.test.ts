/**
 * The node engine's own key management — RSA-OAEP (SHA-1/256/384/512), ECDH-ES and ECDH-ES+A*KW on P-256/384/521
 * and X25519 (Concat KDF), AES key unwrap, AES-GCM key unwrap — against the jose engine: the same verdict on every
 * token, answered synchronously on the node:crypto path, with jose's `epk` checks (curve, point on the curve, no
 * private member, no low-order X25519 point), and the published content keys of RFC 7520 recovered byte for byte.
 */
import { constants, createCipheriv, createPublicKey, generateKeyPairSync, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { base64url, CompactEncrypt, importJWK, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_KEY_BYTES, type JweContentAlgorithm, type JweKeyAlgorithm } from '../src/algorithms.js';
import type { DecryptLimits } from '../src/lib/engine.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { createKey } from '../src/lib/key.js';
import { DELEGATE } from '../src/node/key-manager.js';
import { nodeEngine } from '../src/node/node-engine.js';
import { nodeKeyOf } from '../src/node/node-key.js';
import type { TesseraKey } from '../src/types.js';
import { EPHEMERAL, type SuiteKey } from './differential/keys.js';
import { encryptRaw, ephemeralJwk, type Part } from './differential/mint.js';
import { Rng } from './differential/rng.js';
import { splitJwe, verdictOf, type Verdict } from './node-engine-helpers.js';
import { readVectors } from './vectors-helpers.js';

const claims = { sub: 'user-1', scope: 'read' };
const plaintext = new TextEncoder().encode(JSON.stringify(claims));
const LIMITS: DecryptLimits = { maxInflatedSize: 100_000 };

type Curve = 'P-256' | 'P-384' | 'P-521' | 'X25519';

/** A recipient key: what the verifier holds, and the material to mint tokens to it. */
interface Recipient {
  readonly key: TesseraKey;
  readonly suite: SuiteKey;
}

async function asymmetric(alg: JweKeyAlgorithm, crv?: Curve): Promise<Recipient> {
  const pair = alg.startsWith('RSA')
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : crv === 'X25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ec', { namedCurve: crv as string });
  const jwk = pair.privateKey.export({ format: 'jwk' }) as JWK;
  const key = createKey({ kid: 'k', alg, use: 'enc', type: 'private', key: (await importJWK(jwk, alg)) as CryptoKey });
  return {
    key,
    suite: { alg, enc: undefined, kid: 'k', key, unnamed: key, secret: undefined, privateKey: pair.privateKey, publicKey: pair.publicKey },
  };
}

function shared(alg: JweKeyAlgorithm, bytes: number): Recipient {
  const secret = new Uint8Array(randomBytes(bytes));
  const key = createKey({ kid: 'k', alg, use: 'enc', type: 'secret', key: secret });
  return { key, suite: { alg, enc: undefined, kid: 'k', key, unnamed: key, secret, privateKey: undefined, publicKey: undefined } };
}

const rng = new Rng(0x5eed);

/** A token to `r` with exactly this header (an object gets `epk` / `iv`+`tag` added when it lacks them). */
function mint(r: Recipient, header: Part, enc: JweContentAlgorithm = 'A256GCM', data: Part = plaintext): string {
  return encryptRaw(r.suite, header, data, rng, enc);
}

interface Both {
  readonly node: Verdict;
  readonly jose: Verdict;
  /** Whether the node engine answered at once (its node:crypto path) rather than with jose's promise. */
  readonly sync: boolean;
}

async function both(token: string, key: TesseraKey, limits: DecryptLimits = LIMITS): Promise<Both> {
  let sync = true;
  const node = await verdictOf(() => {
    const answer = nodeEngine.decryptJwe(splitJwe(token), key, limits);
    sync = !(answer instanceof Promise);
    return answer;
  });
  return { node, jose: await verdictOf(() => joseEngine.decryptJwe(splitJwe(token), key, limits)), sync };
}

const failed = { ok: false, code: 'decryption_failed', message: 'decryption failed', name: 'DecryptionError' };

/** Asserts that both engines decrypt `token` to `expected`, the node engine synchronously unless `delegated`. */
async function expectOpens(token: string, key: TesseraKey, expected: Uint8Array = plaintext, delegated = false): Promise<void> {
  const result = await both(token, key);
  expect(result.node).toEqual({ ok: true, bytes: expected, plain: true });
  expect(result.jose).toMatchObject({ ok: true, bytes: expected });
  expect(result.sync).toBe(!delegated);
}

/** Asserts that both engines fail `token` with decryption_failed, the node engine synchronously unless `delegated`. */
async function expectFails(token: string, key: TesseraKey, delegated = false): Promise<void> {
  const result = await both(token, key);
  expect(result.node).toEqual(failed);
  expect(result.jose).toEqual(failed);
  expect(result.sync).toBe(!delegated);
}

const CASES: readonly (readonly [JweKeyAlgorithm, Curve | number | undefined])[] = [
  ['RSA-OAEP', undefined], ['RSA-OAEP-256', undefined], ['RSA-OAEP-384', undefined], ['RSA-OAEP-512', undefined],
  ['ECDH-ES', 'P-256'], ['ECDH-ES', 'P-384'], ['ECDH-ES', 'P-521'], ['ECDH-ES', 'X25519'],
  ['ECDH-ES+A128KW', 'P-256'], ['ECDH-ES+A192KW', 'P-384'], ['ECDH-ES+A256KW', 'P-521'], ['ECDH-ES+A256KW', 'X25519'],
  ['A128KW', 16], ['A192KW', 24], ['A256KW', 32], ['A128GCMKW', 16], ['A192GCMKW', 24], ['A256GCMKW', 32],
];
const label = ([alg, extra]: (typeof CASES)[number]): string => (typeof extra === 'string' ? `${alg} ${extra}` : alg);
const recipients = new Map<string, Recipient>();

beforeAll(async () => {
  for (const c of CASES) {
    const [alg, extra] = c;
    recipients.set(label(c), typeof extra === 'number' ? shared(alg, extra) : await asymmetric(alg, extra));
  }
}, 60_000);

const recipient = (name: string): Recipient => recipients.get(name) as Recipient;

describe('the node engine opens every key management itself, as jose does', () => {
  const encs: readonly JweContentAlgorithm[] = ['A128GCM', 'A256CBC-HS512'];
  it.each(CASES.flatMap((c) => encs.map((enc) => [label(c), enc] as const)))('%s with %s: synchronously, jose\'s plaintext', async (name, enc) => {
    const r = recipient(name);
    // Tokens made by jose itself (random CEK, IVs, ephemeral key): the sender's side is not ours.
    const publicKey = r.suite.publicKey === undefined ? r.suite.secret : await importJWK(r.suite.publicKey.export({ format: 'jwk' }) as JWK, r.key.alg);
    const token = await new CompactEncrypt(plaintext).setProtectedHeader({ alg: r.key.alg, enc }).encrypt(publicKey as CryptoKey);
    await expectOpens(token, r.key);
  });

  it.each(CASES.filter(([alg]) => alg !== 'ECDH-ES').map(label))('%s: a tampered encrypted key fails, synchronously', async (name) => {
    const r = recipient(name);
    const parts = mint(r, { alg: r.key.alg, enc: 'A256GCM' }).split('.');
    const key = base64url.decode(parts[1] ?? '');
    key[key.length - 1] = (key[key.length - 1] as number) ^ 1;
    parts[1] = base64url.encode(key);
    await expectFails(parts.join('.'), r.key);
  });

  it.each(CASES.map(label))('%s: a tampered ciphertext fails, synchronously', async (name) => {
    const r = recipient(name);
    const parts = mint(r, { alg: r.key.alg, enc: 'A128CBC-HS256' }).split('.');
    parts[3] = `${(parts[3] ?? '').slice(0, -2)}${(parts[3] ?? '').endsWith('AA') ? 'BA' : 'AA'}`;
    await expectFails(parts.join('.'), r.key);
  });

  it('answers from prepared keys: the key manager is built once per key', () => {
    const r = recipient('ECDH-ES+A256KW P-521');
    const first = nodeKeyOf(r.key);
    expect(first).toMatchObject({ kind: 'jwe', alg: 'ECDH-ES+A256KW' });
    expect(nodeKeyOf(r.key)).toBe(first);
  });
});

describe('ECDH-ES: jose\'s epk checks', () => {
  const header = (r: Recipient, extra: Record<string, unknown> = {}) => ({ alg: r.key.alg, enc: 'A256GCM', epk: ephemeralJwk(r.suite), ...extra });

  it('opens a token whose epk is exactly the sender\'s public point, on every curve', async () => {
    for (const name of ['ECDH-ES P-256', 'ECDH-ES P-384', 'ECDH-ES P-521', 'ECDH-ES X25519']) {
      await expectOpens(mint(recipient(name), header(recipient(name))), recipient(name).key);
    }
  });

  it('fails an epk on another curve than the key\'s', async () => {
    const r = recipient('ECDH-ES+A128KW P-256');
    const p384 = createPublicKey(EPHEMERAL.get('P-384') as KeyObject).export({ format: 'jwk' });
    await expectFails(mint(r, header(r, { epk: { kty: 'EC', crv: 'P-384', x: p384.x, y: p384.y } })), r.key);
    const x25519 = createPublicKey(EPHEMERAL.get('X25519') as KeyObject).export({ format: 'jwk' });
    await expectFails(mint(r, header(r, { epk: { kty: 'OKP', crv: 'X25519', x: x25519.x } })), r.key);
  });

  it('fails an epk that is not on the curve', async () => {
    const r = recipient('ECDH-ES P-256');
    const epk = ephemeralJwk(r.suite);
    await expectFails(mint(r, header(r, { epk: { ...epk, y: epk.x } })), r.key);
  });

  it('fails an epk carrying private members (left to jose, which refuses it)', async () => {
    const r = recipient('ECDH-ES+A192KW P-384');
    const { d } = EPHEMERAL.get('P-384')?.export({ format: 'jwk' }) ?? {};
    await expectFails(mint(r, header(r, { epk: { ...ephemeralJwk(r.suite), d } })), r.key, true);
  });

  it.each(['constructor', '__proto__', 'toString', 'secp256k1'])('fails an epk whose crv is %j (no such curve)', async (crv) => {
    const r = recipient('ECDH-ES P-256');
    await expectFails(mint(r, header(r, { epk: { ...ephemeralJwk(r.suite), crv } })), r.key, true);
  });

  it('leaves an epk with extra members to jose, and gives its verdict', async () => {
    const r = recipient('ECDH-ES+A256KW X25519');
    await expectOpens(mint(r, header(r, { epk: { ...ephemeralJwk(r.suite), kid: 'eph' } })), r.key, plaintext, true);
    await expectFails(mint(r, header(r, { epk: { ...ephemeralJwk(r.suite), key_ops: ['deriveBits'] } })), r.key, true);
  });

  it.each([
    ['the zero point', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['the point 1', 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a point of order 8', '4Ot6fDtBuK4WVuP68Z_EatoJjeucMrH9hmIFFl9JuAA'],
  ])('fails an X25519 epk of low order (%s), although the token is sealed under the all-zero Z it yields', async (_name, x) => {
    const r = recipient('ECDH-ES X25519');
    const token = encryptRaw(r.suite, header(r, { epk: { kty: 'OKP', crv: 'X25519', x } }), plaintext, rng, 'A256GCM', false, false, new Uint8Array(32));
    await expectFails(token, r.key);
  });

  it('derives with apu and apv, and fails when they are equal (jose: they must be distinct)', async () => {
    const r = recipient('ECDH-ES+A128KW P-256');
    await expectOpens(mint(r, header(r, { apu: 'QWxpY2U', apv: 'Qm9i' })), r.key);
    await expectOpens(mint(r, header(r, { apv: 'Qm9i' })), r.key);
    await expectFails(mint(r, header(r, { apu: 'QWxpY2U', apv: 'QWxpY2U' })), r.key);
    await expectFails(mint(r, header(r, { apu: '', apv: '' })), r.key);
  });

  it('leaves an apu spelled non-canonically to jose, whose lenient decoder reads it', async () => {
    const r = recipient('ECDH-ES P-521');
    await expectOpens(mint(r, header(r, { apu: ' QWxpY2U' })), r.key, plaintext, true);
  });

  it('fails direct agreement that carries an encrypted key', async () => {
    const r = recipient('ECDH-ES P-256');
    const parts = mint(r, header(r)).split('.');
    parts[1] = 'AAAAAAAAAAAAAAAAAAAAAA';
    await expectFails(parts.join('.'), r.key);
  });
});

describe('AES-GCM key wrap: the iv and tag header members', () => {
  it('fails a key-wrapping iv or tag of the wrong length, synchronously', async () => {
    const r = recipient('A128GCMKW');
    await expectFails(mint(r, { alg: 'A128GCMKW', enc: 'A256GCM', iv: 'AAAAAAAAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA' }), r.key);
    await expectFails(mint(r, { alg: 'A128GCMKW', enc: 'A256GCM', iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAA' }), r.key);
  });

  it('fails a missing or non-string iv or tag', async () => {
    const r = recipient('A192GCMKW');
    await expectFails(mint(r, { alg: 'A192GCMKW', enc: 'A256GCM', iv: 'AAAAAAAAAAAAAAAA' }), r.key);
    await expectFails(mint(r, { alg: 'A192GCMKW', enc: 'A256GCM', iv: 1, tag: 2 }), r.key);
  });

  it('leaves a non-canonical iv to jose, and gives its verdict', async () => {
    const r = recipient('A256GCMKW');
    const token = mint(r, { alg: 'A256GCMKW', enc: 'A128GCM' });
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, string>;
    // Re-seal the same content under a header whose iv has a leading space: jose's decoder drops it.
    const spaced = { ...header, iv: ` ${header.iv}` };
    await expectOpens(resealWithHeader(r, token, spaced), r.key, plaintext, true);
  });
});

/** The token with another protected header (the AAD changes, so the content is sealed again under the same CEK). */
function resealWithHeader(r: Recipient, token: string, header: Record<string, unknown>): string {
  // Recover the CEK with the node key manager, then seal the plaintext again (test-side AES-GCM).
  const prepared = nodeKeyOf(r.key);
  if (prepared?.kind !== 'jwe') throw new Error('not a prepared JWE key');
  const cek = prepared.manager.contentKey(splitJwe(token), 'A128GCM', 16);
  if (cek === undefined || cek === DELEGATE) throw new Error('no content key');
  const protectedB64 = base64url.encode(JSON.stringify(header));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-128-gcm', cek, iv);
  cipher.setAAD(Buffer.from(protectedB64));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [protectedB64, token.split('.')[1], base64url.encode(iv), base64url.encode(ciphertext), base64url.encode(cipher.getAuthTag())].join('.');
}

describe('RSA-OAEP', () => {
  it('fails a well-formed OAEP ciphertext of a content key of the wrong size', async () => {
    const r = recipient('RSA-OAEP-256');
    const parts = mint(r, { alg: 'RSA-OAEP-256', enc: 'A256GCM' }).split('.');
    parts[1] = base64url.encode(publicEncrypt({ key: r.suite.publicKey as KeyObject, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(16)));
    await expectFails(parts.join('.'), r.key);
  });

  it('fails a token encrypted with another OAEP hash than the key\'s alg', async () => {
    const r = recipient('RSA-OAEP-384');
    const other = mint({ ...r, suite: { ...r.suite, alg: 'RSA-OAEP-512' } }, { alg: 'RSA-OAEP-384', enc: 'A256GCM' });
    await expectFails(other, r.key);
  });
});

describe('the compatibility settings under the new key management', () => {
  const compat = { maxInflatedSize: 100_000, compat: { gcmIv128: true, zlibDeflate: true } };

  it('reads a zlib zip:DEF plaintext under A*KW and RSA-OAEP (python-jose) but not under ECDH-ES', async () => {
    const zlib = new Uint8Array(deflateSync(plaintext));
    for (const name of ['A128KW', 'RSA-OAEP']) {
      const r = recipient(name);
      const token = mint(r, { alg: r.key.alg, enc: 'A128CBC-HS256', zip: 'DEF' }, 'A128CBC-HS256', zlib);
      const result = await both(token, r.key, compat);
      expect(result.node).toEqual({ ok: true, bytes: plaintext, plain: true });
      expect(result.jose).toMatchObject({ ok: true, bytes: plaintext });
      await expectFails(token, r.key);
    }
    const e = recipient('ECDH-ES+A128KW P-256');
    const token = mint(e, { alg: 'ECDH-ES+A128KW', enc: 'A128GCM', zip: 'DEF', epk: ephemeralJwk(e.suite) }, 'A128GCM', zlib);
    const result = await both(token, e.key, compat);
    expect(result.node).toEqual(failed);
    expect(result.jose).toEqual(failed);
  });
});

interface Published {
  input: { key: JWK; alg: string; enc: JweContentAlgorithm };
  generated: { cek?: string };
  encrypting_key: { cek?: string };
  output: { compact: string };
}

describe('RFC 7520: the node key management recovers the published content keys byte for byte', () => {
  it.each([
    ['§5.2 RSA-OAEP', 'jwe/5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json'],
    ['§5.4 ECDH-ES+A128KW', 'jwe/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json'],
    ['§5.5 ECDH-ES (the derived key is the CEK)', 'jwe/5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json'],
    ['§5.7 A256GCMKW', 'jwe/5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json'],
    ['§5.8 A128KW', 'jwe/5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json'],
    ['§5.9 A128KW (compressed)', 'jwe/5_9.compressed_content.json'],
  ])('%s', async (_name, path) => {
    const example = readVectors<Published>(`rfc7520/${path}`);
    const { key: jwk, alg, enc } = example.input;
    const { alg: _alg, use: _use, kid: _kid, ...material } = jwk;
    const key = jwk.kty === 'oct'
      ? createKey({ alg: alg as JweKeyAlgorithm, use: 'enc', type: 'secret', key: base64url.decode(jwk.k as string) })
      : createKey({ alg: alg as JweKeyAlgorithm, use: 'enc', type: 'private', key: (await importJWK(material, alg)) as CryptoKey });
    const prepared = nodeKeyOf(key);
    if (prepared?.kind !== 'jwe') throw new Error('the key was not prepared');
    const cek = prepared.manager.contentKey(splitJwe(example.output.compact), enc, CONTENT_KEY_BYTES[enc]);
    const published = example.generated.cek ?? example.encrypting_key.cek;
    expect(cek === DELEGATE || cek === undefined ? cek : base64url.encode(cek)).toBe(published);
  });
});
