/**
 * The raw entry points, createJwsVerifier and createJweDecrypter: payload and plaintext bytes come back exactly as
 * protected, nested tokens are not unwrapped, and every header, allowlist, key and size rule answers with the code
 * and message createTokenVerifier gives for the same token (they share the pipeline up to the cryptographic check).
 * Every test runs on both engines.
 */
import type { CompactJWEHeaderParameters } from 'jose';
import { describe, expect, it } from 'vitest';
import type { VerificationEngine } from '../src/lib/engine.js';
import { nodeEngine } from '../src/node.js';
import {
  createJweDecrypter,
  createJwsVerifier,
  createTokenVerifier,
  joseEngine,
  type JweDecryptOptions,
  type JwsVerifyOptions,
} from '../src/verify/index.js';
import { mintDir } from './compat-helpers.js';
import {
  b64,
  claims,
  currentDate,
  dirKey,
  encryptJwe,
  encryptionPair,
  expectRejection,
  hmacKey,
  hmacToken,
  signJws,
  tamper,
} from './verify-helpers.js';

const ENGINES: readonly VerificationEngine[] = [joseEngine, nodeEngine];

const hs = hmacKey('HS256', 'k1');
const dir = dirKey('A256GCM', 'd1');
const utf8 = new TextEncoder();
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const PROSE = 'It’s a dangerous business, Frodo, going out your door.';
const CLAIMS = JSON.stringify(claims());
const HS256 = '{"alg":"HS256","kid":"k1"}';

/** A 5-segment token whose protected header is exactly `header` (the other segments are never read). */
function jweWithHeader(header: Record<string, unknown>): string {
  return `${b64(JSON.stringify(header))}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`;
}

/** A dir A256GCM JWE of `plaintext` under the test key, with `extra` header members. */
function sealed(plaintext: string | Record<string, unknown>, extra: Partial<CompactJWEHeaderParameters> = {}): Promise<string> {
  return encryptJwe(plaintext, dir.secret, { alg: 'dir', enc: 'A256GCM', kid: 'd1', ...extra });
}

describe.each(ENGINES)('createJwsVerifier ($name engine)', (engine) => {
  const verifier = createJwsVerifier({ keys: hs.key, engine });

  it('returns a prose payload byte for byte, with the header and the key', async () => {
    const result = await verifier.verify(await hmacToken(HS256, PROSE, hs.secret));
    expect(result.payload).toBeInstanceOf(Uint8Array);
    expect(new Uint8Array(result.payload)).toEqual(utf8.encode(PROSE));
    expect(text(result.payload)).toBe(PROSE);
    expect(result.header).toEqual({ alg: 'HS256', kid: 'k1' });
    expect(Object.isFrozen(result.header)).toBe(true);
    expect(result.key).toBe(hs.key);
  });

  it('returns binary and empty payloads unchanged', async () => {
    const binary = new Uint8Array([0x00, 0xff, 0x7b, 0x80, 0x0a, 0xfe]);
    expect(new Uint8Array((await verifier.verify(await hmacToken(HS256, binary, hs.secret))).payload)).toEqual(binary);
    expect((await verifier.verify(await hmacToken(HS256, '', hs.secret))).payload).toHaveLength(0);
  });

  it('applies no claims stage: an expired JWT comes back as its JSON bytes', async () => {
    const expired = JSON.stringify(claims({ exp: 1 }));
    const token = await hmacToken(HS256, expired, hs.secret);
    expect(text((await verifier.verify(token)).payload)).toBe(expired);
    await expectRejection(createTokenVerifier({ keys: hs.key, engine, currentDate }).verify(token), 'token_expired', 'token has expired');
  });

  it('verifies a second token with the same (cached) header and still rejects a forged one', async () => {
    const first = await hmacToken(HS256, 'one', hs.secret);
    const second = await hmacToken(HS256, 'two', hs.secret);
    expect(text((await verifier.verify(first)).payload)).toBe('one');
    expect(text((await verifier.verify(second)).payload)).toBe('two');
    await expectRejection(verifier.verify(tamper(second, 2)), 'signature_invalid', 'signature verification failed');
  });

  it('rejects a JWE: encrypted tokens go to createJweDecrypter', async () => {
    const err = await expectRejection(verifier.verify(await sealed(PROSE)), 'alg_not_allowed', 'encrypted tokens are not accepted by a JWS verifier');
    expect(err).toMatchObject({ header: 'alg' });
  });

  it('returns a frozen verifier', () => {
    expect(Object.isFrozen(verifier)).toBe(true);
  });
});

/** A JWS rule: the token, extra options (for both verifiers), and the rejection both must give. */
type JwsRule = readonly [string, () => Promise<string> | string, Partial<JwsVerifyOptions>, string, string];

const JWS_RULES: readonly JwsRule[] = [
  ['a token longer than maxTokenSize', () => hmacToken(HS256, CLAIMS, hs.secret), { maxTokenSize: 40 }, 'token_too_large', 'token exceeds the maximum size of 40 bytes'],
  ['a token that is not a string', () => 42 as unknown as string, {}, 'token_malformed', 'token must be a string'],
  ['a token of 4 segments', () => 'abcd.abcd.abcd.abcd', {}, 'token_malformed', 'token must have 3 (JWS) or 5 (JWE) base64url segments'],
  ['"=" padding', async () => `${await hmacToken(HS256, CLAIMS, hs.secret)}=`, {}, 'token_malformed', 'token segment is not canonical base64url'],
  ['a header that is not JSON', () => hmacToken('alg=HS256', CLAIMS, hs.secret), {}, 'token_malformed', 'token header is not valid JSON'],
  ['a header with a byte-order mark', () => hmacToken(`\uFEFF${HS256}`, CLAIMS, hs.secret), {}, 'token_malformed', 'token header is not valid JSON'],
  ['duplicate header members', () => hmacToken('{"alg":"HS256","kid":"k1","alg":"HS256"}', CLAIMS, hs.secret), {}, 'token_malformed', 'token header has duplicate member names'],
  ['alg "none"', () => hmacToken('{"alg":"none"}', CLAIMS, hs.secret), {}, 'alg_not_allowed', 'unsecured tokens (alg "none") are never accepted'],
  ['an alg outside the allowlist', () => hmacToken('{"alg":"HS384","kid":"k1"}', CLAIMS, hs.secret), { algorithms: ['HS256'] }, 'alg_not_allowed', '"alg" header parameter value is not allowed'],
  ['an alg that is not a string', () => hmacToken('{"alg":1}', CLAIMS, hs.secret), {}, 'header_invalid', '"alg" header parameter must be a string'],
  ['a kid that is not a string', () => hmacToken('{"alg":"HS256","kid":7}', CLAIMS, hs.secret), {}, 'header_invalid', '"kid" header parameter must be a string'],
  ['a cty that is not a string', () => hmacToken('{"alg":"HS256","cty":[]}', CLAIMS, hs.secret), {}, 'header_invalid', '"cty" header parameter must be a string'],
  ['a crit naming an unprocessed parameter', () => hmacToken('{"alg":"HS256","x":1,"crit":["x"]}', CLAIMS, hs.secret), {}, 'header_invalid', '"crit" names a header parameter this verifier does not process'],
  ['a crit naming an absent parameter', () => hmacToken('{"alg":"HS256","crit":["x"]}', CLAIMS, hs.secret), { critical: ['x'] }, 'header_invalid', '"crit" names a header parameter that is absent'],
  ['a missing typ when one is expected', () => hmacToken(HS256, CLAIMS, hs.secret), { typ: 'at+jwt' }, 'header_invalid', '"typ" header parameter is missing'],
  ['an unexpected typ', () => hmacToken('{"alg":"HS256","typ":"JWT"}', CLAIMS, hs.secret), { typ: 'at+jwt' }, 'header_invalid', '"typ" header parameter has an unexpected value'],
  ['an unknown kid', () => hmacToken('{"alg":"HS256","kid":"other"}', CLAIMS, hs.secret), {}, 'key_not_found', 'no key matches the token'],
  ['a bad signature', async () => tamper(await hmacToken(HS256, CLAIMS, hs.secret), 2), {}, 'signature_invalid', 'signature verification failed'],
];

describe.each(ENGINES)('createJwsVerifier applies the token verifier\'s rules ($name engine)', (engine) => {
  it.each(JWS_RULES)('rejects %s as createTokenVerifier does', async (_what, make, options, code, message) => {
    const token = await make();
    await expectRejection(createJwsVerifier({ keys: hs.key, engine, ...options }).verify(token), code as never, message);
    await expectRejection(createTokenVerifier({ keys: hs.key, engine, currentDate, ...options }).verify(token), code as never, message);
  });

  it('accepts a crit extension the caller processes, and an expected typ spelled differently', async () => {
    const token = await hmacToken('{"alg":"HS256","typ":"application/AT+JWT","x":1,"crit":["x"]}', CLAIMS, hs.secret);
    const options = { keys: hs.key, engine, critical: ['x'], typ: 'at+jwt' };
    expect(text((await createJwsVerifier(options).verify(token)).payload)).toBe(CLAIMS);
    expect((await createTokenVerifier({ ...options, currentDate }).verify(token)).payload).toEqual(claims());
  });
});

describe.each(ENGINES)('createJweDecrypter ($name engine)', (engine) => {
  const decrypter = createJweDecrypter({ decryptionKeys: dir.key, engine });

  it('returns a dir text plaintext byte for byte, with the header and the key', async () => {
    const result = await decrypter.decrypt(await sealed(PROSE));
    expect(new Uint8Array(result.plaintext)).toEqual(utf8.encode(PROSE));
    expect(result.header).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'd1' });
    expect(Object.isFrozen(result.header)).toBe(true);
    expect(result.key).toBe(dir.key);
  });

  it('inflates a zip DEF plaintext', async () => {
    const long = PROSE.repeat(50);
    expect(text((await decrypter.decrypt(await sealed(long, { zip: 'DEF' }))).plaintext)).toBe(long);
  });

  it('does not unwrap a nested token: the plaintext is the inner compact JWS, which createJwsVerifier then checks', async () => {
    const inner = await signJws(claims(), hs.secret, { alg: 'HS256', kid: 'k1', typ: 'JWT' });
    const result = await decrypter.decrypt(await sealed(inner, { cty: 'JWT' }));
    expect(text(result.plaintext)).toBe(inner);
    expect(result.header.cty).toBe('JWT');
    const verified = await createJwsVerifier({ keys: hs.key, engine }).verify(text(result.plaintext));
    expect(JSON.parse(text(verified.payload))).toEqual(claims());
  });

  it('applies no nested-token rule: claims under ECDH-ES come back although the token verifier refuses them', async () => {
    const ecdh = await encryptionPair('ECDH-ES', 'e1');
    const token = await encryptJwe(CLAIMS, ecdh.publicKey, { alg: 'ECDH-ES', enc: 'A128GCM', kid: 'e1' });
    const result = await createJweDecrypter({ decryptionKeys: ecdh.key, engine }).decrypt(token);
    expect(text(result.plaintext)).toBe(CLAIMS);
    await expectRejection(createTokenVerifier({ decryptionKeys: ecdh.key, engine, currentDate }).verify(token), 'header_invalid',
      'encrypted token under "ECDH-ES" must contain a signed JWT');
  });

  it('decrypts a second token with the same (cached) header and still rejects a tampered one', async () => {
    const second = await sealed('two');
    expect(text((await decrypter.decrypt(await sealed('one'))).plaintext)).toBe('one');
    expect(text((await decrypter.decrypt(second)).plaintext)).toBe('two');
    await expectRejection(decrypter.decrypt(tamper(second, 3)), 'decryption_failed', 'decryption failed');
  });

  it('rejects a JWS: signed tokens go to createJwsVerifier', async () => {
    const err = await expectRejection(decrypter.decrypt(await hmacToken(HS256, PROSE, hs.secret)), 'alg_not_allowed', 'signed tokens are not accepted by a JWE decrypter');
    expect(err).toMatchObject({ header: 'alg' });
  });

  it('checks typ on the JWE header before decrypting', async () => {
    const typed = createJweDecrypter({ decryptionKeys: dir.key, engine, typ: 'secret+jwe' });
    expect(text((await typed.decrypt(await sealed(PROSE, { typ: 'application/SECRET+JWE' }))).plaintext)).toBe(PROSE);
    await expectRejection(typed.decrypt(jweWithHeader({ alg: 'dir', enc: 'A256GCM', typ: 'JWT' })), 'header_invalid', '"typ" header parameter has an unexpected value');
  });

  it('reads a 16-byte GCM IV only with compat.gcmIv128', async () => {
    const token = mintDir(dir.secret, { enc: 'A256GCM', header: { alg: 'dir', enc: 'A256GCM' }, plaintext: PROSE, ivBytes: 16 });
    await expectRejection(decrypter.decrypt(token), 'decryption_failed', 'decryption failed');
    const lenient = createJweDecrypter({ decryptionKeys: dir.key, engine, compat: { gcmIv128: true } });
    expect(text((await lenient.decrypt(token)).plaintext)).toBe(PROSE);
  });

  it('reads a zlib zip DEF plaintext only with compat.zlibDeflate', async () => {
    const token = mintDir(dir.secret, { enc: 'A256GCM', header: { alg: 'dir', enc: 'A256GCM', zip: 'DEF' }, plaintext: PROSE, compression: 'zlib' });
    await expectRejection(decrypter.decrypt(token), 'decryption_failed', 'decryption failed');
    const lenient = createJweDecrypter({ decryptionKeys: dir.key, engine, compat: { zlibDeflate: true } });
    expect(text((await lenient.decrypt(token)).plaintext)).toBe(PROSE);
  });

  it('returns a frozen decrypter', () => {
    expect(Object.isFrozen(decrypter)).toBe(true);
  });
});

/** A JWE rule: the token, extra options (for both), and the rejection both must give. */
type JweRule = readonly [string, () => Promise<string> | string, Partial<JweDecryptOptions>, string, string];

const JWE_RULES: readonly JweRule[] = [
  ['a token longer than maxTokenSize', () => sealed(claims()), { maxTokenSize: 50 }, 'token_too_large', 'token exceeds the maximum size of 50 bytes'],
  ['a token of 6 segments', () => 'abcd.abcd.abcd.abcd.abcd.abcd', {}, 'token_malformed', 'token must have 3 (JWS) or 5 (JWE) base64url segments'],
  ['a header with duplicate members', () => `${b64('{"alg":"dir","alg":"dir","enc":"A256GCM"}')}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`, {}, 'token_malformed', 'token header has duplicate member names'],
  ['a key-management alg outside the allowlist', () => jweWithHeader({ alg: 'dir', enc: 'A256GCM' }), { keyManagementAlgorithms: ['RSA-OAEP-256'] }, 'alg_not_allowed', '"alg" header parameter value is not allowed'],
  ['an unsupported key-management alg', () => jweWithHeader({ alg: 'RSA1_5', enc: 'A256GCM' }), {}, 'alg_not_allowed', '"alg" header parameter value is not allowed'],
  ['a missing enc', () => jweWithHeader({ alg: 'dir' }), {}, 'header_invalid', '"enc" header parameter must be a string'],
  ['an enc outside the allowlist', () => jweWithHeader({ alg: 'dir', enc: 'A256GCM' }), { contentEncryptionAlgorithms: ['A128GCM'] }, 'alg_not_allowed', '"enc" header parameter value is not allowed'],
  ['a zip other than DEF', () => jweWithHeader({ alg: 'dir', enc: 'A256GCM', zip: 'GZIP' }), {}, 'alg_not_allowed', '"zip" header parameter value is not supported'],
  ['zip DEF when compression is off', () => sealed(claims(), { zip: 'DEF' }), { allowCompression: false }, 'alg_not_allowed', 'compressed tokens are not allowed'],
  ['a plaintext inflating past maxInflatedSize', () => sealed(claims({ filler: 'x'.repeat(4000) }), { zip: 'DEF' }), { maxInflatedSize: 1000 }, 'token_too_large', 'decompressed token exceeds maxInflatedSize'],
  ['a crit naming an unprocessed parameter', () => jweWithHeader({ alg: 'dir', enc: 'A256GCM', x: 1, crit: ['x'] }), {}, 'header_invalid', '"crit" names a header parameter this verifier does not process'],
  ['a kid that is not a string', () => jweWithHeader({ alg: 'dir', enc: 'A256GCM', kid: 7 }), {}, 'header_invalid', '"kid" header parameter must be a string'],
  ['an unknown kid', () => sealed(claims(), { kid: 'other' }), {}, 'key_not_found', 'no key matches the token'],
  ['a dir key for another enc', () => encryptJwe(claims(), dirKey('A128GCM').secret, { alg: 'dir', enc: 'A128GCM', kid: 'd1' }), {}, 'key_not_found', 'no key matches the token'],
  ['a tampered ciphertext', async () => tamper(await sealed(claims()), 3), {}, 'decryption_failed', 'decryption failed'],
  // The token verifier checks the JWE header's typ after decrypting unsigned dir claims; the decrypter before: same answer.
  ['a missing typ when one is expected', () => sealed(claims()), { typ: 'secret+jwt' }, 'header_invalid', '"typ" header parameter is missing'],
  ['an unexpected typ', () => sealed(claims(), { typ: 'JWT' }), { typ: 'secret+jwt' }, 'header_invalid', '"typ" header parameter has an unexpected value'],
];

describe.each(ENGINES)('createJweDecrypter applies the token verifier\'s rules ($name engine)', (engine) => {
  it.each(JWE_RULES)('rejects %s as createTokenVerifier does', async (_what, make, options, code, message) => {
    const token = await make();
    await expectRejection(createJweDecrypter({ decryptionKeys: dir.key, engine, ...options }).decrypt(token), code as never, message);
    await expectRejection(createTokenVerifier({ decryptionKeys: dir.key, engine, currentDate, ...options }).verify(token), code as never, message);
  });
});

describe('raw entry point options', () => {
  it.each([
    ['issuer', { issuer: 'https://issuer.example' }],
    ['audience', { audience: 'api' }],
    ['currentDate', { currentDate }],
    ['requireExp', { requireExp: false }],
    ['decryptionKeys', { decryptionKeys: dir.key }],
    ['compat', { compat: {} }],
  ])('createJwsVerifier rejects the option %s as unknown', (name, extra) => {
    expect(() => createJwsVerifier({ keys: hs.key, ...extra } as JwsVerifyOptions)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: `unknown option "${name}"` }),
    );
  });

  it.each([
    ['subject', { subject: 'user-1' }],
    ['requireSignedJwe', { requireSignedJwe: true }],
    ['keys', { keys: hs.key }],
    ['algorithms', { algorithms: ['HS256'] }],
  ])('createJweDecrypter rejects the option %s as unknown', (name, extra) => {
    expect(() => createJweDecrypter({ decryptionKeys: dir.key, ...extra } as JweDecryptOptions)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: `unknown option "${name}"` }),
    );
  });

  it.each(['jwtEnvelope', 'nestedWithoutCty'])('createJweDecrypter rejects compat.%s (nested tokens are not unwrapped)', (name) => {
    expect(() => createJweDecrypter({ decryptionKeys: dir.key, compat: { [name]: true } })).toThrow(
      expect.objectContaining({
        code: 'invalid_argument',
        message: `unknown compatibility setting "compat.${name}" (known: gcmIv128, zlibDeflate)`,
      }),
    );
  });

  it('requires the key option of each', () => {
    expect(() => createJwsVerifier({} as JwsVerifyOptions)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"keys" is required' }),
    );
    expect(() => createJweDecrypter({} as JweDecryptOptions)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"decryptionKeys" is required' }),
    );
  });

  it('validates shared options as createTokenVerifier does', () => {
    expect(() => createJwsVerifier({ keys: hs.key, maxTokenSize: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"maxTokenSize" must be a positive integer' }),
    );
    expect(() => createJwsVerifier({ keys: hs.key, algorithms: ['none' as 'HS256'] })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"algorithms" must not contain "none": unsecured tokens are never accepted' }),
    );
    expect(() => createJweDecrypter({ decryptionKeys: hs.key })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"decryptionKeys" is a signing key (use "sig"); put it in "keys"' }),
    );
    expect(() => createJweDecrypter({ decryptionKeys: dir.key, compat: { gcmIv128: 'yes' as unknown as boolean } })).toThrow(
      expect.objectContaining({ code: 'invalid_argument', message: '"compat.gcmIv128" must be a boolean' }),
    );
  });
});
