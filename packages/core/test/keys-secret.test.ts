import { Buffer } from 'node:buffer';
import { CompactEncrypt, compactDecrypt, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_KEY_BYTES,
  HMAC_MIN_KEY_BYTES,
  JWE_CONTENT_ALGORITHMS,
  KEY_WRAP_BYTES,
  type JweContentAlgorithm,
  type KeyWrapAlgorithm,
} from '../src/algorithms.js';
import { generateSecret, importSecret } from '../src/keys/index.js';
import { expectRejects, expectThrows, jwkOf, pem, rsaPair } from './keys-helpers.js';

const HMACS = ['HS256', 'HS384', 'HS512'] as const;
const KEY_WRAPS = Object.keys(KEY_WRAP_BYTES) as KeyWrapAlgorithm[];
const bytes = (n: number, fill = 7): Uint8Array => new Uint8Array(n).fill(fill);
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

describe('importSecret', () => {
  describe('dir keys', () => {
    it.each(JWE_CONTENT_ALGORITHMS.map((enc) => [enc, CONTENT_KEY_BYTES[enc]] as const))(
      'accepts exactly %s bytes for %s and rejects one byte less or more',
      async (enc, size) => {
        const key = await importSecret(b64(bytes(size)), { alg: 'dir', enc });
        expect(key).toMatchObject({ alg: 'dir', enc, use: 'enc', type: 'secret', kid: undefined, publicJwk: undefined });
        expect(key.key).toEqual(bytes(size));
        await expectRejects(importSecret(b64(bytes(size - 1)), { alg: 'dir', enc }), 'invalid_key', `expected ${size} bytes for ${enc}, got ${size - 1}`);
        await expectRejects(importSecret(b64(bytes(size + 1)), { alg: 'dir', enc }), 'invalid_key', `expected ${size} bytes for ${enc}, got ${size + 1}`);
      },
    );

    it('reads a string as base64 by default, as the JWE service prints keys', async () => {
      // python -c "import secrets, base64; print(base64.b64encode(secrets.token_bytes(32)).decode())"
      const raw = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
      const key = await importSecret(b64(raw), { alg: 'dir', enc: 'A256GCM' });
      expect(key.key).toEqual(raw);
    });

    it('says "expected 32 bytes for A256GCM, got 31" for a key one byte short', async () => {
      await expectRejects(importSecret(b64(bytes(31)), { alg: 'dir', enc: 'A256GCM' }), 'invalid_key', 'expected 32 bytes for A256GCM, got 31');
    });

    it.each(JWE_CONTENT_ALGORITHMS.map((enc) => [enc]))('encrypts and decrypts with jose under %s', async (enc: JweContentAlgorithm) => {
      const key = await importSecret(generateSecret(enc), { alg: 'dir', enc });
      const jwe = await new CompactEncrypt(new TextEncoder().encode('hello')).setProtectedHeader({ alg: 'dir', enc }).encrypt(key.key as Uint8Array);
      const { plaintext } = await compactDecrypt(jwe, key.key as Uint8Array);
      expect(new TextDecoder().decode(plaintext)).toBe('hello');
    });

    it('rejects options.enc for a key-wrapping key (it wraps a content key of any enc)', async () => {
      await expectRejects(
        importSecret(b64(bytes(16)), { alg: 'A128KW', enc: 'A128GCM' }),
        'invalid_argument',
        'options.enc applies to alg "dir" only',
      );
    });

    it('requires options.enc', async () => {
      await expectRejects(
        importSecret(b64(bytes(32)), { alg: 'dir' }),
        'invalid_argument',
        'options.enc is required for a "dir" key (the content encryption it is sized for)',
      );
    });

    it('rejects an unknown enc', async () => {
      await expectRejects(
        importSecret(b64(bytes(32)), { alg: 'dir', enc: 'A512GCM' as JweContentAlgorithm }),
        'invalid_argument',
        /^options\.enc must be one of A128GCM, /,
      );
    });
  });

  describe('HMAC keys', () => {
    it.each(HMACS.map((alg) => [alg, HMAC_MIN_KEY_BYTES[alg]] as const))('needs at least %s bytes for %s', async (alg, min) => {
      await expectRejects(importSecret(bytes(min - 1), { alg }), 'invalid_key', `expected at least ${min} bytes for ${alg}, got ${min - 1}`);
      await expect(importSecret(bytes(min), { alg })).resolves.toMatchObject({ alg, use: 'sig', type: 'secret' });
      await expect(importSecret(bytes(min * 3), { alg })).resolves.toMatchObject({ alg });
    });

    it('says "expected at least 32 bytes for HS256, got 16" for a 16-byte key', async () => {
      await expectRejects(importSecret(bytes(16), { alg: 'HS256' }), 'invalid_key', 'expected at least 32 bytes for HS256, got 16');
    });

    it('reads a string as its UTF-8 bytes by default, as python-jose and PyJWT do', async () => {
      const secret = 'pässwörd-that-is-long-enough-for-hs256';
      const key = await importSecret(secret, { alg: 'HS256' });
      expect(key.key).toEqual(new TextEncoder().encode(secret));
      // A token PyJWT would sign with this string verifies with the imported key.
      const token = await new SignJWT({ sub: 'u1' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
      await expect(jwtVerify(token, key.key as Uint8Array)).resolves.toMatchObject({ payload: { sub: 'u1' } });
    });

    it('counts UTF-8 bytes, not characters, against the minimum size', async () => {
      await expectRejects(importSecret('é'.repeat(15), { alg: 'HS256' }), 'invalid_key', 'expected at least 32 bytes for HS256, got 30');
    });

    it('rejects options.enc', async () => {
      await expectRejects(importSecret(bytes(32), { alg: 'HS256', enc: 'A256GCM' }), 'invalid_argument', 'options.enc applies to alg "dir" only');
    });
  });

  describe('encodings', () => {
    const raw = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 250) % 256);

    it.each([
      ['base64', Buffer.from(raw).toString('base64')],
      ['base64url', Buffer.from(raw).toString('base64url')],
      ['base64url', Buffer.from(raw).toString('base64url') + '=='.slice(0, (4 - (Buffer.from(raw).toString('base64url').length % 4)) % 4)],
      ['hex', Buffer.from(raw).toString('hex')],
      ['hex', Buffer.from(raw).toString('hex').toUpperCase()],
      ['utf8', Buffer.from(raw).toString('latin1')],
    ] as const)('decodes %s text (%#)', async (encoding, text) => {
      const key = await importSecret(text, { alg: 'HS512', encoding });
      const expected = encoding === 'utf8' ? new TextEncoder().encode(text) : raw;
      expect(key.key).toEqual(expected);
    });

    it('copies the bytes it is given, so later changes to the buffer do not change the key', async () => {
      const input = bytes(32, 1);
      const key = await importSecret(input, { alg: 'HS256' });
      input.fill(0);
      expect(key.key).toEqual(bytes(32, 1));
    });

    const valid32 = b64(bytes(32, 0xab)); // "q6ur...q6s="
    it.each([
      ['base64', `${valid32.slice(0, 3)}*${valid32.slice(4)}`, 'secret is not valid base64 (invalid character at index 3)'],
      ['base64', `${valid32}\n`, 'secret is not valid base64 (invalid character at index 43)'],
      ['base64', ` ${valid32}`, 'secret is not valid base64 (invalid character at index 0)'],
      ['base64', `${valid32.slice(0, 20)}=${valid32.slice(21)}`, 'secret is not valid base64 (invalid character at index 20)'],
      ['base64', valid32.replace(/=$/, ''), 'secret is not valid base64 (bad padding)'],
      ['base64', `${valid32}=`, 'secret is not valid base64 (bad padding)'],
      ['base64', `${valid32.slice(0, 42)}t=`, 'secret is not valid base64 (non-zero trailing bits)'],
      ['base64', Buffer.from(bytes(32, 0xfb)).toString('base64url') + '=', 'secret is not valid base64 (invalid character at index 0)'],
      ['base64url', Buffer.from(bytes(32, 0xfb)).toString('base64'), 'secret is not valid base64url (invalid character at index 0)'],
      ['base64url', `${Buffer.from(bytes(32)).toString('base64url')}===`, 'secret is not valid base64url (bad padding)'],
      ['base64url', 'AAAAA', 'secret is not valid base64url (bad length)'],
      ['hex', 'abc', 'secret is not valid hex (odd length)'],
      ['hex', `${'00'.repeat(31)}0g`, 'secret is not valid hex (invalid character at index 63)'],
      ['hex', `0x${'00'.repeat(32)}`, 'secret is not valid hex (invalid character at index 1)'],
    ] as const)('rejects malformed %s: %j', async (encoding, text, message) => {
      await expectRejects(importSecret(text, { alg: 'HS256', encoding }), 'invalid_key', message);
    });

    it('rejects an encoding for a Uint8Array (its bytes are the key, not text to decode)', async () => {
      await expectRejects(
        importSecret(new TextEncoder().encode(valid32), { alg: 'dir', enc: 'A256GCM', encoding: 'base64' }),
        'invalid_argument',
        'options.encoding applies to string secrets only; pass the text, not its bytes',
      );
    });

    it('rejects an unknown encoding', async () => {
      await expectRejects(
        importSecret(valid32, { alg: 'HS256', encoding: 'latin1' as 'utf8' }),
        'invalid_argument',
        'options.encoding must be "base64", "base64url", "hex" or "utf8"',
      );
    });
  });

  describe('empty and wrong inputs', () => {
    it.each([[''], [new Uint8Array(0)], [undefined], [null]])('says "key is empty" for %j', async (secret) => {
      await expectRejects(importSecret(secret as string, { alg: 'HS256' }), 'invalid_key', 'key is empty');
      await expectRejects(importSecret(secret as string, { alg: 'dir', enc: 'A128GCM' }), 'invalid_key', 'key is empty');
    });

    it('rejects a secret that is neither a string nor a Uint8Array', async () => {
      await expectRejects(importSecret(42 as unknown as string, { alg: 'HS256' }), 'invalid_argument', 'secret must be a string or a Uint8Array');
    });

    it('sends asymmetric algorithms to the PEM and JWK importers', async () => {
      await expectRejects(
        importSecret(bytes(32), { alg: 'RS256' as 'HS256' }),
        'invalid_argument',
        'importSecret takes HS256, HS384, HS512, dir, A128KW…A256KW or A128GCMKW…A256GCMKW, not RS256; import asymmetric keys with importPem or importJwk',
      );
    });

    it('answers unsupported_algorithm for an algorithm Tessera does not know', async () => {
      await expectRejects(importSecret(bytes(32), { alg: 'none' as 'HS256' }), 'unsupported_algorithm', 'alg "none" is not supported');
    });

    it('requires options', async () => {
      await expectRejects(importSecret(bytes(32), undefined as never), 'invalid_argument', 'options.alg is required');
    });

    it('keeps a given kid and never derives one (a thumbprint would publish a hash of the secret)', async () => {
      await expect(importSecret(bytes(32), { alg: 'HS256', kid: 'hmac-1' })).resolves.toMatchObject({ kid: 'hmac-1' });
      await expect(importSecret(bytes(32), { alg: 'HS256' })).resolves.toMatchObject({ kid: undefined });
      await expectRejects(importSecret(bytes(32), { alg: 'HS256', kid: '' }), 'invalid_argument', 'options.kid must be a non-empty string');
    });

    it('returns a frozen key', async () => {
      expect(Object.isFrozen(await importSecret(bytes(32), { alg: 'HS256' }))).toBe(true);
    });
  });

  describe('algorithm-confusion defence', () => {
    const { publicKey } = rsaPair();
    const spki = pem(publicKey, 'spki');
    const pkcs1 = pem(publicKey, 'pkcs1');
    const jwkText = JSON.stringify(jwkOf(publicKey));
    const PEM_MESSAGE = /^a PEM-armoured key cannot be used as a secret for (HS256|HS512|dir); import asymmetric keys with importPem$/;
    const JWK_MESSAGE = /^a JWK cannot be used as a secret for (HS256|HS512|dir); import it with importJwk$/;

    it.each([
      ['an SPKI PEM', spki],
      ['a PKCS#1 PEM', pkcs1],
      ['a PEM after leading whitespace', `\n\n   ${spki}`],
      ['a PEM after junk', `issuer public key follows:\r\n${pkcs1}`],
      ['a PEM with the armour mid-line', `xx-----BEGIN PUBLIC KEY-----xx${'A'.repeat(64)}`],
    ])('refuses %s as an HMAC secret', async (_name, text) => {
      await expectRejects(importSecret(text, { alg: 'HS256' }), 'invalid_key', PEM_MESSAGE);
    });

    it('refuses PEM bytes (what fs.readFileSync returns) as an HMAC secret', async () => {
      await expectRejects(importSecret(Buffer.from(spki), { alg: 'HS512' }), 'invalid_key', PEM_MESSAGE);
    });

    it('refuses a base64-encoded PEM once decoded', async () => {
      await expectRejects(importSecret(Buffer.from(spki).toString('base64'), { alg: 'HS256', encoding: 'base64' }), 'invalid_key', PEM_MESSAGE);
    });

    it('refuses a PEM given as a dir key', async () => {
      await expectRejects(importSecret(spki, { alg: 'dir', enc: 'A256GCM' }), 'invalid_key', PEM_MESSAGE);
    });

    it.each([
      ['a JWK', jwkText],
      ['a JWK after whitespace', `  \n${jwkText}`],
      ['a pretty-printed JWK', JSON.stringify(jwkOf(publicKey), null, 2)],
      ['a JWKS', JSON.stringify({ keys: [jwkOf(publicKey)] })],
    ])('refuses %s as an HMAC secret', async (_name, text) => {
      await expectRejects(importSecret(text, { alg: 'HS256' }), 'invalid_key', JWK_MESSAGE);
    });

    it('accepts secrets that merely contain dashes or braces', async () => {
      await expect(importSecret('my-----secret--that-is-long-enough-for-hs256', { alg: 'HS256' })).resolves.toMatchObject({ alg: 'HS256' });
      await expect(importSecret('{"not":"a key","but":"long enough json"}', { alg: 'HS256' })).resolves.toMatchObject({ alg: 'HS256' });
      await expect(importSecret('{this is not json but is long enough}', { alg: 'HS256' })).resolves.toMatchObject({ alg: 'HS256' });
    });
  });
});

describe('importSecret for JWE key wrapping (A*KW, A*GCMKW)', () => {
  it.each(KEY_WRAPS.map((alg) => [alg, KEY_WRAP_BYTES[alg]] as const))(
    '%s takes exactly %s bytes and rejects one byte less or more',
    async (alg, size) => {
      const key = await importSecret(b64(bytes(size)), { alg });
      expect(key).toMatchObject({ alg, enc: undefined, use: 'enc', type: 'secret', kid: undefined, publicJwk: undefined });
      expect(key.key).toEqual(bytes(size));
      await expectRejects(importSecret(b64(bytes(size - 1)), { alg }), 'invalid_key', `expected ${size} bytes for ${alg}, got ${size - 1}`);
      await expectRejects(importSecret(b64(bytes(size + 1)), { alg }), 'invalid_key', `expected ${size} bytes for ${alg}, got ${size + 1}`);
    },
  );

  it('says "expected 16 bytes for A128KW, got 32" for an A256KW-sized key', async () => {
    await expectRejects(importSecret(generateSecret('A256KW'), { alg: 'A128KW' }), 'invalid_key', 'expected 16 bytes for A128KW, got 32');
  });

  it('reads a string as base64 by default, and hex or base64url on request', async () => {
    const raw = Uint8Array.from({ length: 24 }, (_, i) => i * 11);
    expect((await importSecret(b64(raw), { alg: 'A192KW' })).key).toEqual(raw);
    expect((await importSecret(Buffer.from(raw).toString('hex'), { alg: 'A192GCMKW', encoding: 'hex' })).key).toEqual(raw);
    expect((await importSecret(Buffer.from(raw).toString('base64url'), { alg: 'A192KW', encoding: 'base64url' })).key).toEqual(raw);
  });

  it('refuses allowShortKey: a key-wrapping key must be exactly its size', async () => {
    await expectRejects(
      importSecret(b64(bytes(8)), { alg: 'A128KW', allowShortKey: true }),
      'invalid_argument',
      'options.allowShortKey applies to HS256, HS384 and HS512 only; a A128KW key must be exactly its size',
    );
  });

  it('refuses PEM text as a key-wrapping secret', async () => {
    await expectRejects(importSecret(pem(rsaPair().publicKey, 'spki'), { alg: 'A256KW', encoding: 'utf8' }), 'invalid_key',
      'a PEM-armoured key cannot be used as a secret for A256KW; import asymmetric keys with importPem');
  });

  it.each(KEY_WRAPS)('wraps and unwraps a content key with jose under %s', async (alg) => {
    const key = await importSecret(generateSecret(alg), { alg });
    const jwe = await new CompactEncrypt(new TextEncoder().encode('hello')).setProtectedHeader({ alg, enc: 'A128CBC-HS256' }).encrypt(key.key as Uint8Array);
    const { plaintext } = await compactDecrypt(jwe, key.key as Uint8Array);
    expect(new TextDecoder().decode(plaintext)).toBe('hello');
  });
});

describe('generateSecret', () => {
  it('makes a 32-byte base64 A256GCM key by default, like the JWE service', () => {
    const key = generateSecret();
    expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
  });

  it.each([
    ...JWE_CONTENT_ALGORITHMS.map((alg) => [alg, CONTENT_KEY_BYTES[alg]] as const),
    ...HMACS.map((alg) => [alg, HMAC_MIN_KEY_BYTES[alg]] as const),
    ...KEY_WRAPS.map((alg) => [alg, KEY_WRAP_BYTES[alg]] as const),
  ])('sizes a %s key at %s bytes in every format', (alg, size) => {
    expect(Buffer.from(generateSecret(alg), 'base64')).toHaveLength(size);
    const url = generateSecret(alg, { format: 'base64url' });
    expect(url).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(url, 'base64url')).toHaveLength(size);
    expect(generateSecret(alg, { format: 'hex' })).toMatch(new RegExp(`^[0-9a-f]{${size * 2}}$`));
  });

  it.each(['base64', 'base64url', 'hex'] as const)('round-trips through importSecret in %s', async (format) => {
    const key = await importSecret(generateSecret('A128CBC-HS256', { format }), { alg: 'dir', enc: 'A128CBC-HS256', encoding: format });
    expect(key.key).toHaveLength(32);
    const hmac = await importSecret(generateSecret('HS384', { format }), { alg: 'HS384', encoding: format });
    expect(hmac.key).toHaveLength(48);
  });

  it('never repeats itself', () => {
    const seen = new Set(Array.from({ length: 100 }, () => generateSecret('A128GCM')));
    expect(seen.size).toBe(100);
  });

  it('rejects an unknown algorithm or format', () => {
    expectThrows(() => generateSecret('RS256' as 'HS256'), 'invalid_argument', 'generateSecret takes a JWE "enc", A128KW…A256GCMKW or HS256/HS384/HS512, not "RS256"');
    expectThrows(() => generateSecret('A256GCM', { format: 'utf8' as 'hex' }), 'invalid_argument', 'options.format must be "base64", "base64url" or "hex"');
  });
});
