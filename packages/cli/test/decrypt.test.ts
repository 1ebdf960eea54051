import { encryptJwe, generateKeyPair, generateSecret, importSecret, signAndEncrypt, signJwt, type GeneratedKeyPair } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, tempDir, writeIn } from './helpers.js';

const dir = tempDir();
const secret = generateSecret('A256GCM');
const env = { JWE_ENCRYPTION_KEY: secret };
let es: GeneratedKeyPair;
let ecdh: GeneratedKeyPair;
let jwe: string;

beforeAll(async () => {
  [es, ecdh] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ECDH-ES+A128KW')]);
  jwe = await encryptJwe({ user: 'john.doe' }, await importSecret(secret, { alg: 'dir', enc: 'A256GCM' }));
});

describe('tessera decrypt', () => {
  it('prints a JSON payload pretty, and {"header", "payload"} with --json (the /decrypt-jwe extract_jwt=false answer)', async () => {
    const text = await runCli(['decrypt', '--key', 'env:JWE_ENCRYPTION_KEY', jwe], { env });
    expect(text).toMatchObject({ code: 0, stdout: '{\n  "user": "john.doe"\n}\n', stderr: '' });
    const json = await runCli(['decrypt', '--key', 'env:JWE_ENCRYPTION_KEY', '--json', jwe], { env });
    expect(jsonOf(json)).toEqual({ header: { alg: 'dir', enc: 'A256GCM' }, payload: { user: 'john.doe' } });
  });

  it('hands back the inner JWT of a nested token ({"header", "jwt"}, the extract_jwt=true answer) and says it is unverified', async () => {
    const nested = await signAndEncrypt({}, { signingKey: es.privateKey, encryptionKey: ecdh.publicKey, subject: 'u', expiresIn: 60 });
    const keyFile = writeIn(dir, 'ecdh.json', JSON.stringify({ keys: [es.publicJwk, ecdh.privateJwk] }));
    const text = await runCli(['decrypt', '--key', keyFile, nested]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+\n$/);
    expect(text.stderr).toBe('The plaintext is a signed JWT; its signature is not verified here (use "tessera verify").\n');
    const json = jsonOf<{ header: object; jwt: string }>(await runCli(['decrypt', '--key', keyFile, '--json', nested]));
    expect(json.header).toMatchObject({ alg: 'ECDH-ES+A128KW', cty: 'JWT' });
    expect(json.jwt).toBe(text.stdout.trim());
  });

  it('writes binary plaintext as it is, and as base64url under --json', async () => {
    const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x80]);
    const token = await encryptJwe(bytes, await importSecret(secret, { alg: 'dir', enc: 'A256GCM' }));
    const raw = await runCli(['decrypt', '--key', secret, token]);
    expect([...raw.bytes]).toEqual([...bytes]);
    expect(jsonOf(await runCli(['decrypt', '--key', secret, '--json', token]))).toEqual({
      header: { alg: 'dir', enc: 'A256GCM' }, payloadBase64url: '_wD-gA',
    });
  });
});

describe('tessera decrypt: bad input', () => {
  it('a key of the wrong size → exit 2 with the exact sizes', async () => {
    const short = Buffer.alloc(31, 1).toString('base64');
    const result = await runCli(['decrypt', '--key', short, jwe]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tessera decrypt: --key (the --key value): expected 32 bytes for A256GCM, got 31 (invalid_key)\n');
  });

  it('a key sized for another enc than the token\'s → the size, and the --enc the token asks for', async () => {
    const a128 = generateSecret('A128GCM');
    const token = await encryptJwe('x', await importSecret(a128, { alg: 'dir', enc: 'A128GCM' }));
    const result = await runCli(['decrypt', '--key', a128, '--json', token]);
    expect(jsonOf(result)).toEqual({
      error: 'invalid_key',
      message: '--key (the --key value): expected 32 bytes for A256GCM, got 16 (the token\'s header says "enc": "A128GCM": pass --enc A128GCM)',
    });
    expect((await runCli(['decrypt', '--key', a128, '--enc', 'A128GCM', token])).stdout).toBe('x\n');
  });

  it.each([
    ['a corrupted tag', () => `${jwe.slice(0, -2)}${jwe.endsWith('AA') ? 'BA' : 'AA'}`, 'decryption_failed', 'decryption failed'],
    ['a corrupted ciphertext', () => jwe.split('.').map((p, i) => (i === 3 ? `${p[0] === 'A' ? 'B' : 'A'}${p.slice(1)}` : p)).join('.'), 'decryption_failed', 'decryption failed'],
    ['four segments', () => jwe.split('.').slice(0, 4).join('.'), 'token_malformed', 'token must have 3 (JWS) or 5 (JWE) base64url segments'],
    ['another key', () => jwe, 'decryption_failed', 'decryption failed'],
  ])('%s → exit 1, %s', async (_name, make, error, message) => {
    const key = _name === 'another key' ? generateSecret('A256GCM') : secret;
    const result = await runCli(['decrypt', '--key', key, '--json', make()]);
    expect(result.code).toBe(1);
    expect(jsonOf(result)).toEqual({ error, message });
  });

  it('a JWS, a public key, no key, a bad --compat', async () => {
    const jws = await signJwt({}, es.privateKey, { expiresIn: 60 });
    const signed = await runCli(['decrypt', '--key', secret, '--json', jws]);
    expect(signed.code).toBe(1);
    expect(jsonOf(signed)).toEqual({ error: 'alg_not_allowed', message: 'signed tokens are not accepted by a JWE decrypter', header: 'alg' });
    const pub = writeIn(dir, 'ecdh.pub.json', JSON.stringify(ecdh.publicJwk));
    const publicKey = await runCli(['decrypt', '--key', pub, jwe]);
    expect(publicKey.code).toBe(2);
    expect(publicKey.stderr).toContain('holds a public ECDH-ES+A128KW key; decrypting needs the private key');
    expect((await runCli(['decrypt', jwe])).stderr).toContain('decrypt needs a key: --key <file|env:NAME|secret>');
    const compat = await runCli(['decrypt', '--key', secret, '--compat', 'jwtEnvelope', jwe]);
    expect(compat.code).toBe(2);
    expect(compat.stderr).toContain('--compat "jwtEnvelope" is not a setting here; use gcmIv128, zlibDeflate');
  });
});
