// Known attacks on JWT verifiers. Every token here must be rejected with the right code, and quickly: the 1 s test
// timeouts are the bound (no timing assertions), so a verifier that does the expensive work first fails them.
import { KeyObject } from 'node:crypto';
import { exportJWK, exportSPKI } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { DecryptionError } from '../src/errors.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { createKey } from '../src/lib/key.js';
import { createTokenVerifier, joseEngine } from '../src/verify/index.js';
import {
  b64,
  claims,
  currentDate,
  dirKey,
  encryptJwe,
  encryptionPair,
  expectRejection,
  hmacKey,
  hmacOver,
  hmacToken,
  signJws,
  signingPair,
  tamper,
  withSegment,
} from './verify-helpers.js';

const FAST = 1000;
const payload = JSON.stringify(claims());

describe('alg "none"', () => {
  const hs = hmacKey();
  const verifier = createTokenVerifier({ keys: hs.key, currentDate });

  it.each(['none', 'NONE', 'nOnE', 'None'])('rejects alg %j without a signature', async (alg) => {
    const token = `${b64(JSON.stringify({ alg }))}.${b64(payload)}.`;
    const err = await expectRejection(verifier.verify(token), 'alg_not_allowed', 'unsecured tokens (alg "none") are never accepted');
    expect(err).toMatchObject({ header: 'alg' });
  }, FAST);

  it.each(['none', 'NONE', 'nOnE'])('rejects alg %j with a signature (an HMAC under the real key)', async (alg) => {
    const token = await hmacToken(JSON.stringify({ alg }), payload, hs.secret);
    await expectRejection(verifier.verify(token), 'alg_not_allowed', 'unsecured tokens (alg "none") are never accepted');
  }, FAST);

  it('rejects alg "none" on the inner JWS of a nested token', async () => {
    const dir = dirKey('A256GCM');
    const inner = `${b64('{"alg":"none"}')}.${b64(payload)}.`;
    const token = await encryptJwe(inner, dir.secret, { alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const nested = createTokenVerifier({ keys: hs.key, decryptionKeys: dir.key, currentDate });
    await expectRejection(nested.verify(token), 'alg_not_allowed', 'unsecured tokens (alg "none") are never accepted');
  }, FAST);
});

describe('HMAC signed with the verifier\'s public key (algorithm confusion)', () => {
  let rsa: Awaited<ReturnType<typeof signingPair>>;
  let ec: Awaited<ReturnType<typeof signingPair>>;
  const forms: [string, (key: CryptoKey) => Promise<string>][] = [
    ['SPKI PEM', (key) => exportSPKI(key)],
    ['SPKI PEM with leading whitespace', async (key) => `\n  ${await exportSPKI(key)}`],
    ['SPKI PEM with leading junk', async (key) => `junk${await exportSPKI(key)}`],
    ['SPKI PEM without its trailing newline', async (key) => (await exportSPKI(key)).trimEnd()],
    ['JWK text', async (key) => JSON.stringify(await exportJWK(key))],
  ];

  beforeAll(async () => {
    rsa = await signingPair('RS256');
    ec = await signingPair('ES256');
  });

  async function confusedTokens(key: CryptoKey, extra: [string, string][] = []): Promise<[string, string][]> {
    const secrets: [string, string][] = [...extra];
    for (const [name, make] of forms) secrets.push([name, await make(key)]);
    return Promise.all(
      secrets.map(async ([name, text]) => [name, await hmacToken('{"alg":"HS256"}', payload, new TextEncoder().encode(text))] as [string, string]),
    );
  }

  it('rejects HS256 tokens keyed with any encoding of the RS256 public key (alg_not_allowed)', async () => {
    const pkcs1 = KeyObject.from(rsa.publicKey).export({ type: 'pkcs1', format: 'pem' }) as string;
    const verifier = createTokenVerifier({ keys: rsa.key, currentDate });
    for (const [name, token] of await confusedTokens(rsa.publicKey, [['PKCS#1 PEM', pkcs1]])) {
      await expectRejection(verifier.verify(token), 'alg_not_allowed', '"alg" header parameter value is not allowed').catch((err: unknown) => {
        throw new Error(`${name}: ${String(err)}`);
      });
    }
  }, FAST);

  it('rejects HS256 tokens keyed with the ES256 public key (alg_not_allowed)', async () => {
    const verifier = createTokenVerifier({ keys: ec.key, currentDate });
    for (const [, token] of await confusedTokens(ec.publicKey)) {
      await expectRejection(verifier.verify(token), 'alg_not_allowed', '"alg" header parameter value is not allowed');
    }
  }, FAST);

  it('still finds no HS256 key when HS256 is allowed next to RS256 (keys are bound to one alg)', async () => {
    const verifier = createTokenVerifier({ keys: [rsa.key, ec.key], algorithms: ['RS256', 'ES256', 'HS256'], currentDate });
    for (const [, token] of [...(await confusedTokens(rsa.publicKey)), ...(await confusedTokens(ec.publicKey))]) {
      await expectRejection(verifier.verify(token), 'key_not_found', 'no key matches the token');
    }
  }, FAST);

  it('rejects an RS256 token presented as PS256 or RS512', async () => {
    const token = await signJws(claims(), rsa.privateKey, { alg: 'RS256' });
    const verifier = createTokenVerifier({ keys: rsa.key, algorithms: ['RS256', 'PS256', 'RS512'], currentDate });
    for (const alg of ['PS256', 'RS512']) {
      const relabelled = withSegment(token, 0, b64(JSON.stringify({ alg })));
      await expectRejection(verifier.verify(relabelled), 'key_not_found', 'no key matches the token');
    }
  }, FAST);
});

describe('empty or missing keys', () => {
  it('refuses to build a verifier without keys', () => {
    expect(() => createTokenVerifier({ currentDate })).toThrow(expect.objectContaining({ code: 'invalid_argument', message: '"keys" or "decryptionKeys" is required' }));
    expect(() => createTokenVerifier({ keys: [] })).toThrow(expect.objectContaining({ code: 'invalid_argument', message: '"keys" must not be empty' }));
  });

  it('answers key_not_found when the key source holds no key', async () => {
    const token = await signJws(claims(), hmacKey().secret, { alg: 'HS256' });
    const verifier = createTokenVerifier({ keys: { resolve: () => [], list: () => [] }, algorithms: ['HS256'], currentDate });
    await expectRejection(verifier.verify(token), 'key_not_found', 'no key matches the token');
  }, FAST);

  it('never verifies anything with an empty HMAC secret', async () => {
    const empty = createKey({ alg: 'HS256', use: 'sig', type: 'secret', key: new Uint8Array(0) });
    const verifier = createTokenVerifier({ keys: empty, currentDate });
    await expectRejection(verifier.verify(`${b64('{"alg":"HS256"}')}.${b64(payload)}.`), 'signature_invalid', 'signature verification failed');
    const signed = await signJws(claims(), hmacKey().secret, { alg: 'HS256' });
    await expectRejection(verifier.verify(signed), 'signature_invalid', 'signature verification failed');
  }, FAST);
});

describe('keys named by the token (jwk, jku, x5u, x5c)', () => {
  let fetchSpy: MockInstance<typeof fetch>;
  let legit: Awaited<ReturnType<typeof signingPair>>;
  let attacker: Awaited<ReturnType<typeof signingPair>>;

  beforeAll(async () => {
    legit = await signingPair('ES256', 'legit');
    attacker = await signingPair('ES256');
  });

  beforeEach(() => {
    fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(() => Promise.reject(new Error('the verifier must never fetch')));
  });

  afterEach(() => {
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });

  it('ignores an embedded jwk: a token signed with the attacker key in `jwk` fails', async () => {
    const jwk = await exportJWK(attacker.publicKey);
    const verifier = createTokenVerifier({ keys: legit.key, currentDate });
    const noKid = await signJws(claims(), attacker.privateKey, { alg: 'ES256', jwk });
    // Without a kid every configured ES256 key is tried; none is the attacker's, so the signature fails.
    await expectRejection(verifier.verify(noKid), 'signature_invalid', 'signature verification failed');
    const legitKid = await signJws(claims(), attacker.privateKey, { alg: 'ES256', kid: 'legit', jwk });
    await expectRejection(verifier.verify(legitKid), 'signature_invalid', 'signature verification failed');
  }, FAST);

  it('ignores an embedded jwk when the configured key has no kid', async () => {
    const unnamed = await signingPair('ES256');
    const verifier = createTokenVerifier({ keys: unnamed.key, currentDate });
    const token = await signJws(claims(), attacker.privateKey, { alg: 'ES256', jwk: await exportJWK(attacker.publicKey) });
    await expectRejection(verifier.verify(token), 'signature_invalid', 'signature verification failed');
  }, FAST);

  it.each([
    ['jku', { jku: 'https://attacker.example/jwks.json' }],
    ['x5u', { x5u: 'https://attacker.example/cert.pem' }],
    ['x5c', { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }],
    ['x5t', { x5t: 'dGh1bWJwcmludA' }],
  ])('never fetches or uses a key from %s', async (_name, members) => {
    const verifier = createTokenVerifier({ keys: legit.key, currentDate });
    const token = await signJws(claims(), attacker.privateKey, { alg: 'ES256', kid: 'attacker', ...members });
    await expectRejection(verifier.verify(token), 'key_not_found', 'no key matches the token');
  }, FAST);
});

describe('ECDSA signature edge cases', () => {
  it('rejects an ES256 signature with r = s = 0', async () => {
    const es = await signingPair('ES256');
    const token = withSegment(await signJws(claims(), es.privateKey, { alg: 'ES256' }), 2, b64(new Uint8Array(64)));
    await expectRejection(createTokenVerifier({ keys: es.key, currentDate }).verify(token), 'signature_invalid', 'signature verification failed');
  }, FAST);

  it('rejects an ES256 signature of the wrong length (DER instead of raw r||s)', async () => {
    const es = await signingPair('ES256');
    const token = withSegment(await signJws(claims(), es.privateKey, { alg: 'ES256' }), 2, b64(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00])));
    await expectRejection(createTokenVerifier({ keys: es.key, currentDate }).verify(token), 'signature_invalid', 'signature verification failed');
  }, FAST);
});

describe('size caps', () => {
  const dir = dirKey('A256GCM');
  let overCap: string;
  let bomb: string;

  beforeAll(async () => {
    overCap = await encryptJwe(claims({ pad: 'A'.repeat(300_000) }), dir.secret, { alg: 'dir', enc: 'A256GCM', zip: 'DEF' });
    bomb = await encryptJwe(`{"pad":"${'0'.repeat(32 << 20)}"}`, dir.secret, { alg: 'dir', enc: 'A256GCM', zip: 'DEF' });
  }, 30_000);

  it('rejects a zip DEF token that inflates past maxInflatedSize (default 262144)', async () => {
    expect(overCap.length).toBeLessThan(8192);
    await expectRejection(createTokenVerifier({ decryptionKeys: dir.key, currentDate }).verify(overCap), 'token_too_large', 'decompressed token exceeds maxInflatedSize');
  }, FAST);

  it('stops inflating a 32 MiB deflate bomb at the cap', async () => {
    const verifier = createTokenVerifier({ decryptionKeys: dir.key, currentDate, maxTokenSize: 1 << 20, maxInflatedSize: 65_536 });
    await expectRejection(verifier.verify(bomb), 'token_too_large', 'decompressed token exceeds maxInflatedSize');
  }, FAST);

  it('rejects a 1 MiB token before parsing or touching the engine', async () => {
    const verifyJws = vi.fn(joseEngine.verifyJws);
    const engine: VerificationEngine = { ...joseEngine, name: 'spy', verifyJws };
    const hs = hmacKey();
    const verifier = createTokenVerifier({ keys: hs.key, engine, currentDate });
    const signed = await hmacToken('{"alg":"HS256"}', JSON.stringify(claims({ pad: 'x'.repeat(1 << 20) })), hs.secret);
    await expectRejection(verifier.verify(signed), 'token_too_large', 'token exceeds the maximum size of 8192 bytes');
    // Not even split or checked for characters: garbage of that size gets the same answer.
    await expectRejection(verifier.verify('%'.repeat(1 << 20)), 'token_too_large', 'token exceeds the maximum size of 8192 bytes');
    expect(verifyJws).not.toHaveBeenCalled();
  }, FAST);
});

describe('tampered JWE', () => {
  const segments: [string, number][] = [['iv', 2], ['ciphertext', 3], ['tag', 4]];

  for (const enc of ['A256GCM', 'A128CBC-HS256'] as const) {
    const dir = dirKey(enc);
    const verifier = createTokenVerifier({ decryptionKeys: dir.key, currentDate });

    it.each(segments)(`rejects a dir + ${enc} token with a modified %s`, async (_name, index) => {
      const token = await encryptJwe(claims(), dir.secret, { alg: 'dir', enc });
      const err = await expectRejection(verifier.verify(tamper(token, index)), 'decryption_failed', 'decryption failed');
      expect(err).toBeInstanceOf(DecryptionError);
    }, FAST);

    it(`rejects a dir + ${enc} token whose protected header (the AAD) was changed`, async () => {
      const token = await encryptJwe(claims(), dir.secret, { alg: 'dir', enc });
      const changed = withSegment(token, 0, b64(JSON.stringify({ alg: 'dir', enc, kid: 'x' })));
      await expectRejection(verifier.verify(changed), 'decryption_failed', 'decryption failed');
    }, FAST);
  }

  it('rejects an RSA-OAEP-256 token with a modified encrypted key', async () => {
    const signing = hmacKey();
    const rsa = await encryptionPair('RSA-OAEP-256');
    const inner = await signJws(claims(), signing.secret, { alg: 'HS256' });
    const token = await encryptJwe(inner, rsa.publicKey, { alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT' });
    const verifier = createTokenVerifier({ keys: signing.key, decryptionKeys: rsa.key, currentDate });
    expect((await verifier.verify(token)).format).toBe('nested');
    for (const index of [1, 3, 4]) {
      await expectRejection(verifier.verify(tamper(token, index)), 'decryption_failed', 'decryption failed');
    }
  }, FAST);
});

describe('wrong-size dir keys', () => {
  let decryptSpy: MockInstance<SubtleCrypto['decrypt']>;
  beforeEach(() => {
    decryptSpy = vi.spyOn(globalThis.crypto.subtle, 'decrypt');
  });
  afterEach(() => decryptSpy.mockRestore());

  it.each([
    ['A256GCM', 31],
    ['A256GCM', 33],
    ['A128CBC-HS256', 16],
    ['A256CBC-HS512', 32],
  ] as const)('fails fast with decryption_failed for a %s key of %i bytes', async (enc, bytes) => {
    const right = dirKey(enc);
    const token = await encryptJwe(claims(), right.secret, { alg: 'dir', enc });
    const wrong = dirKey(enc, undefined, bytes);
    const verifier = createTokenVerifier({ decryptionKeys: wrong.key, currentDate });
    await expectRejection(verifier.verify(token), 'decryption_failed', 'decryption failed');
    expect(decryptSpy).not.toHaveBeenCalled();
  }, FAST);
});

describe('PBES2 with a huge p2c', () => {
  it('rejects it as alg_not_allowed without deriving a key', async () => {
    const verifier = createTokenVerifier({ decryptionKeys: dirKey('A256GCM').key, currentDate });
    const subtle = globalThis.crypto.subtle;
    const spies = [vi.spyOn(subtle, 'deriveBits'), vi.spyOn(subtle, 'deriveKey'), vi.spyOn(subtle, 'importKey')];
    const header = { alg: 'PBES2-HS512+A256KW', enc: 'A256GCM', p2c: 2_147_483_647, p2s: 'AAAAAAAAAAAAAAAAAAAAAA' };
    const token = `${b64(JSON.stringify(header))}.${'A'.repeat(54)}.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`;
    await expectRejection(verifier.verify(token), 'alg_not_allowed', '"alg" header parameter value is not allowed');
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  }, FAST);
});

describe('header parsing attacks', () => {
  const hs = hmacKey();
  const verifier = createTokenVerifier({ keys: hs.key, currentDate });

  it('rejects crit naming an unknown extension', async () => {
    const token = await hmacToken(JSON.stringify({ alg: 'HS256', crit: ['urn:example:must-understand'], 'urn:example:must-understand': true }), payload, hs.secret);
    await expectRejection(verifier.verify(token), 'header_invalid', '"crit" names a header parameter this verifier does not process');
  }, FAST);

  it.each(['{"alg":"none","alg":"HS256"}', '{"alg":"HS256","alg":"none"}', '{"alg":"HS256","typ":"JWT","typ":"at+jwt"}'])(
    'rejects duplicate header members %s',
    async (header) => {
      await expectRejection(verifier.verify(await hmacToken(header, payload, hs.secret)), 'token_malformed', 'token header has duplicate member names');
    },
    FAST,
  );

  it('rejects duplicate claims that two parsers would read differently', async () => {
    const token = await hmacToken('{"alg":"HS256"}', `{"sub":"admin","sub":"user-1","exp":${claims().exp as number}}`, hs.secret);
    await expectRejection(verifier.verify(token), 'token_malformed', 'token payload has duplicate member names');
  }, FAST);

  it('rejects a BOM-prefixed header (the BOM is not stripped)', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"alg":"HS256"}')]);
    await expectRejection(verifier.verify(await hmacToken(bom, payload, hs.secret)), 'token_malformed', 'token header is not valid JSON');
  }, FAST);

  it('rejects a BOM-prefixed payload', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(payload)]);
    await expectRejection(verifier.verify(await hmacToken('{"alg":"HS256"}', bom, hs.secret)), 'token_malformed', 'token payload is not valid JSON');
  }, FAST);
});

describe('non-canonical base64url (MAC computed over the token as sent)', () => {
  const hs = hmacKey();
  const verifier = createTokenVerifier({ keys: hs.key, currentDate });
  // 21 bytes → 28 characters, no padding needed; 22 bytes → 30 characters, where "=" padding and trailing bits apply.
  const header = b64('{"alg":"HS256","x":1}');
  const body = b64(JSON.stringify(claims({ p: 'ab' })));

  it.each<[string, string, string]>([
    ['"=" padding on the payload', header, `${body}${'='.repeat((4 - (body.length % 4)) % 4 || 2)}`],
    ['a space inside the header', `${header.slice(0, 10)} ${header.slice(10)}`, body],
    ['a tab before the payload', header, `\t${body}`],
    ['non-zero trailing bits on the header', `${header.slice(0, -1)}${String.fromCharCode(header.charCodeAt(header.length - 1) + 1)}`, body],
  ])('rejects %s', async (_what, h, p) => {
    const token = `${h}.${p}.${await hmacOver(`${h}.${p}`, hs.secret)}`;
    await expectRejection(verifier.verify(token), 'token_malformed', 'token segment is not canonical base64url');
  }, FAST);
});
