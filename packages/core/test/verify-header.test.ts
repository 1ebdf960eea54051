import { describe, expect, it } from 'vitest';
import { TokenHeaderError } from '../src/errors.js';
import { createTokenVerifier } from '../src/verify/index.js';
import {
  b64,
  claims,
  currentDate,
  dirKey,
  encryptJwe,
  expectRejection,
  hmacKey,
  hmacToken,
  signJws,
  withSegment,
} from './verify-helpers.js';

const hs = hmacKey('HS256', 'k1');
const verifier = createTokenVerifier({ keys: hs.key, currentDate });
const payload = JSON.stringify(claims());

/** An HS256 token whose header is exactly `header` (text) or `header` as JSON. */
function tokenWithHeader(header: string | Record<string, unknown>, body = payload): Promise<string> {
  return hmacToken(typeof header === 'string' ? header : JSON.stringify(header), body, hs.secret);
}

describe('token format', () => {
  it('rejects a token that is not a string', async () => {
    await expectRejection(verifier.verify(42 as unknown as string), 'token_malformed', 'token must be a string');
  });

  it('rejects a token longer than maxTokenSize before reading it', async () => {
    const token = await signJws(claims(), hs.secret, { alg: 'HS256', kid: 'k1' });
    const capped = createTokenVerifier({ keys: hs.key, currentDate, maxTokenSize: token.length - 1 });
    await expectRejection(capped.verify(token), 'token_too_large', `token exceeds the maximum size of ${token.length - 1} bytes`);
    const exact = createTokenVerifier({ keys: hs.key, currentDate, maxTokenSize: token.length });
    expect((await exact.verify(token)).payload.sub).toBe('user-1');
  });

  it.each(['a.b', 'abcd.abcd', 'abcd', 'abcd.abcd.abcd.abcd', 'abcd.abcd.abcd.abcd.abcd.abcd', ''])(
    'rejects %j: neither 3 nor 5 segments',
    async (token) => {
      await expectRejection(verifier.verify(token), 'token_malformed', 'token must have 3 (JWS) or 5 (JWE) base64url segments');
    },
  );

  it.each([
    ['a standard-alphabet "+"', (t: string) => withSegment(t, 2, `${t.split('.')[2]?.slice(0, -1)}+`)],
    ['a standard-alphabet "/"', (t: string) => withSegment(t, 1, `/${t.split('.')[1]?.slice(1)}`)],
    ['"=" padding', (t: string) => `${t}=`],
    ['a space', (t: string) => t.replace('.', ' .')],
    ['a newline', (t: string) => `${t}\n`],
    ['a segment of length 1 mod 4', (t: string) => withSegment(t, 2, `${t.split('.')[2]}AA`)],
    ['non-zero trailing bits', (t: string) => withSegment(t, 2, `${t.split('.')[2]?.slice(0, -1)}B`)],
  ])('rejects a token with %s', async (_what, mutate) => {
    const token = await signJws(claims(), hs.secret, { alg: 'HS256', kid: 'k1' });
    await expectRejection(verifier.verify(mutate(token)), 'token_malformed', 'token segment is not canonical base64url');
  });

  it('rejects a header that is not UTF-8', async () => {
    const token = await hmacToken(new Uint8Array([0x7b, 0xff, 0x7d]), payload, hs.secret);
    await expectRejection(verifier.verify(token), 'token_malformed', 'token header is not valid UTF-8');
  });

  it('rejects a header that is not JSON', async () => {
    await expectRejection(verifier.verify(await tokenWithHeader('{alg:HS256}')), 'token_malformed', 'token header is not valid JSON');
  });

  it.each(['["HS256"]', 'null', '"HS256"', '1'])('rejects the header %s: not a JSON object', async (header) => {
    await expectRejection(verifier.verify(await tokenWithHeader(header)), 'token_malformed', 'token header must be a JSON object');
  });

  it.each([
    '{"alg":"HS256","alg":"none"}',
    '{"alg":"HS256","kid":"k1","kid":"k2"}',
    '{"alg":"HS256","\\u0061lg":"HS256"}',
    '{"alg":"HS256","x":{"a":1,"a":2}}',
  ])('rejects the header %s: duplicate member names', async (header) => {
    await expectRejection(verifier.verify(await tokenWithHeader(header)), 'token_malformed', 'token header has duplicate member names');
  });

  it('accepts JSON whitespace, escaped quotes and colons inside strings', async () => {
    const header = '{ "alg" : "HS256",\n\t"kid":"k1", "x": "a\\":\\\\" , "y":[":", {"z":"\\\\\\""}] }';
    const result = await verifier.verify(await tokenWithHeader(header));
    expect(result.header.x).toBe('a":\\');
  });

  it.each([
    ['duplicate claim names', '{"sub":"a","sub":"b","exp":1700003600}', 'token payload has duplicate member names'],
    ['an escaped duplicate claim name', '{"sub":"a","\\u0073ub":"b","exp":1700003600}', 'token payload has duplicate member names'],
    ['a payload that is not JSON', 'hello', 'token payload is not valid JSON'],
    ['a JSON array payload', '[1,2]', 'token payload must be a JSON object'],
  ])('rejects %s', async (_what, body, message) => {
    await expectRejection(verifier.verify(await tokenWithHeader({ alg: 'HS256' }, body)), 'token_malformed', message);
  });
});

describe('alg', () => {
  it.each([
    [{ kid: 'k1' }, '"alg" header parameter must be a string'],
    [{ alg: 256 }, '"alg" header parameter must be a string'],
    [{ alg: ['HS256'] }, '"alg" header parameter must be a string'],
  ])('rejects the header %j', async (header, message) => {
    const err = await expectRejection(verifier.verify(await tokenWithHeader(header)), 'header_invalid', message);
    expect(err).toMatchObject({ header: 'alg' });
  });

  it('rejects an alg outside the allowlist', async () => {
    const token = await signJws(claims(), hmacKey('HS512').secret, { alg: 'HS512' });
    const err = await expectRejection(verifier.verify(token), 'alg_not_allowed', '"alg" header parameter value is not allowed');
    expect(err).toBeInstanceOf(TokenHeaderError);
    expect(err).toMatchObject({ header: 'alg' });
  });

  it('rejects an alg Tessera does not support', async () => {
    await expectRejection(verifier.verify(await tokenWithHeader({ alg: 'HS1' })), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('rejects a JWS alg that the configured keys do not use (default allowlist)', async () => {
    const token = await signJws(claims(), hmacKey('HS384').secret, { alg: 'HS384' });
    await expectRejection(verifier.verify(token), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });
});

describe('kid, cty and typ', () => {
  it.each([
    [{ alg: 'HS256', kid: 1 }, 'kid'],
    [{ alg: 'HS256', cty: true }, 'cty'],
    [{ alg: 'HS256', typ: ['JWT'] }, 'typ'],
  ])('rejects the header %j: a non-string %s', async (header, name) => {
    const err = await expectRejection(verifier.verify(await tokenWithHeader(header)), 'header_invalid', `"${name}" header parameter must be a string`);
    expect(err).toMatchObject({ header: name });
  });

  it.each(['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+JWT'])('accepts typ %j for expected "at+jwt"', async (typ) => {
    const typed = createTokenVerifier({ keys: hs.key, currentDate, typ: 'at+jwt' });
    const token = await signJws(claims(), hs.secret, { alg: 'HS256', typ });
    expect((await typed.verify(token)).header.typ).toBe(typ);
  });

  it('accepts any of several expected typ values', async () => {
    const typed = createTokenVerifier({ keys: hs.key, currentDate, typ: ['application/at+jwt', 'JWT'] });
    expect((await typed.verify(await signJws(claims(), hs.secret, { alg: 'HS256', typ: 'jwt' }))).format).toBe('jws');
  });

  it('rejects a token without typ when one is expected', async () => {
    const typed = createTokenVerifier({ keys: hs.key, currentDate, typ: 'at+jwt' });
    const err = await expectRejection(typed.verify(await signJws(claims(), hs.secret, { alg: 'HS256' })), 'header_invalid', '"typ" header parameter is missing');
    expect(err).toMatchObject({ header: 'typ' });
  });

  it('rejects a token with another typ', async () => {
    const typed = createTokenVerifier({ keys: hs.key, currentDate, typ: 'at+jwt' });
    const token = await signJws(claims(), hs.secret, { alg: 'HS256', typ: 'JWT' });
    const err = await expectRejection(typed.verify(token), 'header_invalid', '"typ" header parameter has an unexpected value');
    expect(err).toMatchObject({ header: 'typ' });
  });
});

describe('crit', () => {
  const critVerifier = createTokenVerifier({ keys: hs.key, currentDate, critical: ['exp-v'] });

  it('accepts crit naming a present parameter the caller processes', async () => {
    const result = await critVerifier.verify(await tokenWithHeader({ alg: 'HS256', crit: ['exp-v'], 'exp-v': 2 }));
    expect(result.header.crit).toEqual(['exp-v']);
  });

  it.each([
    [{ alg: 'HS256', crit: 'exp-v', 'exp-v': 1 }, '"crit" header parameter must be a non-empty array of names'],
    [{ alg: 'HS256', crit: [] }, '"crit" header parameter must be a non-empty array of names'],
    [{ alg: 'HS256', crit: [1] }, '"crit" names a header parameter this verifier does not process'],
    [{ alg: 'HS256', crit: ['other'], other: 1 }, '"crit" names a header parameter this verifier does not process'],
    [{ alg: 'HS256', crit: ['alg'] }, '"crit" names a header parameter this verifier does not process'],
    [{ alg: 'HS256', crit: ['b64'], b64: false }, '"crit" names a header parameter this verifier does not process'],
    [{ alg: 'HS256', crit: ['exp-v'] }, '"crit" names a header parameter that is absent'],
    [{ alg: 'HS256', crit: ['exp-v', 'exp-v'], 'exp-v': 1 }, '"crit" must not repeat a name'],
  ])('rejects the header %j', async (header, message) => {
    const err = await expectRejection(critVerifier.verify(await tokenWithHeader(header)), 'header_invalid', message);
    expect(err).toMatchObject({ header: 'crit' });
  });

  it('accepts crit in a JWE header when the caller processes it', async () => {
    const { key, secret } = dirKey('A128GCM');
    const token = await encryptJwe(claims(), secret, { alg: 'dir', enc: 'A128GCM', crit: ['exp-v'], 'exp-v': 1 }, { 'exp-v': true });
    const result = await createTokenVerifier({ decryptionKeys: key, currentDate, critical: ['exp-v'] }).verify(token);
    expect(result.header.crit).toEqual(['exp-v']);
  });

  it('rejects an unknown crit in a JWE header before decrypting', async () => {
    const { key, secret } = dirKey('A128GCM');
    const token = await encryptJwe(claims(), secret, { alg: 'dir', enc: 'A128GCM', crit: ['exp-v'], 'exp-v': 1 }, { 'exp-v': true });
    const err = await expectRejection(createTokenVerifier({ decryptionKeys: key, currentDate }).verify(token), 'header_invalid', '"crit" names a header parameter this verifier does not process');
    expect(err).toMatchObject({ header: 'crit' });
  });
});

describe('JWE header', () => {
  const { key, secret } = dirKey('A256GCM');
  const jweVerifier = createTokenVerifier({ decryptionKeys: key, currentDate });

  /** A 5-segment token whose protected header is exactly `header` (the other segments are never read). */
  function jweWithHeader(header: Record<string, unknown>): string {
    return `${b64(JSON.stringify(header))}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`;
  }

  it('rejects every JWE when no decryptionKeys are configured', async () => {
    const token = await encryptJwe(claims(), secret, { alg: 'dir', enc: 'A256GCM' });
    await expectRejection(verifier.verify(token), 'alg_not_allowed', 'encrypted tokens are not accepted (no "decryptionKeys")');
  });

  it('rejects a key-management alg outside keyManagementAlgorithms', async () => {
    const limited = createTokenVerifier({ decryptionKeys: key, currentDate, keyManagementAlgorithms: ['RSA-OAEP-256'] });
    await expectRejection(limited.verify(jweWithHeader({ alg: 'dir', enc: 'A256GCM' })), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it.each(['RSA1_5', 'PBES2-HS256+A128KW', 'PBES2-HS512+A256KW', 'ECDH-ES+A512KW'])('rejects the unsupported key-management alg %s', async (alg) => {
    await expectRejection(jweVerifier.verify(jweWithHeader({ alg, enc: 'A256GCM' })), 'alg_not_allowed', '"alg" header parameter value is not allowed');
  });

  it('rejects a missing enc', async () => {
    const err = await expectRejection(jweVerifier.verify(jweWithHeader({ alg: 'dir' })), 'header_invalid', '"enc" header parameter must be a string');
    expect(err).toMatchObject({ header: 'enc' });
  });

  it('rejects an enc outside contentEncryptionAlgorithms', async () => {
    const limited = createTokenVerifier({ decryptionKeys: key, currentDate, contentEncryptionAlgorithms: ['A128GCM'] });
    const err = await expectRejection(limited.verify(jweWithHeader({ alg: 'dir', enc: 'A256GCM' })), 'alg_not_allowed', '"enc" header parameter value is not allowed');
    expect(err).toMatchObject({ header: 'enc' });
  });

  it('rejects a zip other than DEF', async () => {
    const err = await expectRejection(jweVerifier.verify(jweWithHeader({ alg: 'dir', enc: 'A256GCM', zip: 'GZIP' })), 'alg_not_allowed', '"zip" header parameter value is not supported');
    expect(err).toMatchObject({ header: 'zip' });
  });

  it('rejects zip DEF when allowCompression is false', async () => {
    const token = await encryptJwe(claims(), secret, { alg: 'dir', enc: 'A256GCM', zip: 'DEF' });
    const strict = createTokenVerifier({ decryptionKeys: key, currentDate, allowCompression: false });
    await expectRejection(strict.verify(token), 'alg_not_allowed', 'compressed tokens are not allowed');
  });
});
