import { encryptJwe, generateKeyPair, generateSecret, importSecret, signAndEncrypt, signJwt, type GeneratedKeyPair } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { b64json, jsonOf, runCli, tempDir, writeIn } from './helpers.js';

const NOW = 1_700_000_000_000;
const now = (): number => NOW;
const dir = tempDir();
let es: GeneratedKeyPair;
let ecdh: GeneratedKeyPair;
let dirSecret: string;
let jws: string;

beforeAll(async () => {
  [es, ecdh] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ECDH-ES+A256KW')]);
  dirSecret = generateSecret('A256GCM');
  jws = await signJwt({ scope: 'read' }, es.privateKey, { subject: 'user-1', expiresIn: '15m', now });
});

describe('tessera inspect: JWS', () => {
  it('shows header and payload labelled UNVERIFIED, with the expiry in words', async () => {
    const { code, stdout, stderr } = await runCli(['inspect', jws], { now: () => NOW + 1000 });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^UNVERIFIED: inspect decodes without checking any signature or claim/);
    expect(stdout).toContain(`Format:     JWS (signed: ES256, kid "${es.kid}"), signature NOT verified`);
    expect(stdout).toContain('Payload (UNVERIFIED):\n{\n  "sub": "user-1",\n  "exp": 1700000900,\n  "iat": 1700000000,\n  "scope": "read"\n}\n');
    expect(stdout).toContain('Expiry:     expires in 14 minutes (2023-11-14T22:28:20.000Z)');
    expect(stdout).toContain('Issued:     issued 1 second ago (2023-11-14T22:13:20.000Z)');
  });

  it('says how long ago an expired token expired', async () => {
    const { code, stdout } = await runCli(['inspect', jws], { now: () => NOW + 15 * 60_000 + 3 * 3_600_000 + 59_000 });
    expect(code).toBe(0);
    expect(stdout).toContain('Expiry:     expired 3 hours ago');
  });

  it('--json prints format, verified: false, header, payload and times', async () => {
    const result = await runCli(['inspect', '--json', jws], { now: () => NOW + 60_000 });
    const json = jsonOf(result);
    expect(json).toEqual({
      format: 'jws',
      verified: false,
      header: { alg: 'ES256', typ: 'JWT', kid: es.kid },
      payload: { scope: 'read', sub: 'user-1', exp: NOW / 1000 + 900, iat: NOW / 1000 },
      times: {
        exp: { value: NOW / 1000 + 900, at: '2023-11-14T22:28:20.000Z', text: 'expires in 14 minutes', past: false },
        iat: { value: NOW / 1000, at: '2023-11-14T22:13:20.000Z', text: 'issued 1 minute ago', past: true },
        expiry: 'expires in 14 minutes',
      },
    });
  });

  it('reads the token from stdin with "-", dropping a Bearer prefix and the newline', async () => {
    const result = await runCli(['inspect', '-', '--json'], { stdin: `Bearer ${jws}\n`, now });
    expect(result.code).toBe(0);
    expect(jsonOf(result)['header']).toMatchObject({ alg: 'ES256' });
  });

  it('says a token without "exp" never expires, and shows a payload that is not JSON as text', async () => {
    const noExp = await signJwt({}, es.privateKey, { allowNoExpiry: true });
    expect((await runCli(['inspect', noExp])).stdout).toContain('Expiry:     never expires (no "exp" claim)');
    const text = `${b64json({ alg: 'HS256' })}.${Buffer.from('hello world').toString('base64url')}.c2ln`;
    const result = await runCli(['inspect', text, '--json']);
    expect(jsonOf(result)).toMatchObject({ format: 'jws', payload: 'hello world' });
    expect(jsonOf(result)['times']).toBeUndefined();
  });
});

describe('tessera inspect: JWE', () => {
  it('shows only the header of a JWE without a key, and says how to decrypt it', async () => {
    const dirKey = await importSecret(dirSecret, { alg: 'dir', enc: 'A256GCM' });
    const token = await encryptJwe({ sub: 'u' }, dirKey);
    const text = await runCli(['inspect', token]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('JWE (encrypted: dir / A256GCM); pass --key to decrypt it');
    expect(text.stdout).not.toContain('Payload');
    expect(jsonOf(await runCli(['inspect', token, '--json']))).toEqual({
      format: 'jwe', verified: false, header: { alg: 'dir', enc: 'A256GCM' }, decrypted: false,
    });
  });

  it('decrypts a dir JWE with --key and shows its claims', async () => {
    const dirKey = await importSecret(dirSecret, { alg: 'dir', enc: 'A256GCM' });
    const token = await encryptJwe({ sub: 'u', exp: NOW / 1000 - 7200 }, dirKey);
    const result = await runCli(['inspect', token, '--key', 'env:JWE_KEY', '--json'], { env: { JWE_KEY: dirSecret }, now });
    expect(jsonOf(result)).toMatchObject({
      format: 'jwe', decrypted: true, header: { alg: 'dir' }, encryptionHeader: { alg: 'dir' }, payload: { sub: 'u' },
      times: { expiry: 'expired 2 hours ago' },
    });
  });

  it('decrypts a nested token and shows the inner JWS header and payload, still unverified', async () => {
    const token = await signAndEncrypt({ scope: 'x' }, { signingKey: es.privateKey, encryptionKey: ecdh.publicKey, subject: 'n', expiresIn: 60, now });
    const keyFile = writeIn(dir, 'ecdh.json', JSON.stringify(ecdh.privateJwk));
    const text = await runCli(['inspect', token, '--key', keyFile], { now });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`nested JWT: JWS ES256, kid "${es.kid}" inside JWE ECDH-ES+A256KW / A256GCM, kid "${ecdh.kid}"; decrypted, inner signature NOT verified`);
    expect(text.stdout).toContain('Encryption header:');
    const json = jsonOf(await runCli(['inspect', token, '--key', keyFile, '--json'], { now }));
    expect(json).toMatchObject({
      format: 'nested', verified: false, decrypted: true,
      header: { alg: 'ES256', kid: es.kid }, encryptionHeader: { alg: 'ECDH-ES+A256KW', cty: 'JWT' }, payload: { sub: 'n', scope: 'x' },
    });
  });
});

describe('tessera inspect: bad input', () => {
  it.each([
    ['garbage', 'token must have 3 (JWS) or 5 (JWE) base64url segments'],
    ['a.b.c', 'the protected header is not base64url-encoded JSON'],
  ])('%s → exit 1, token_malformed', async (token, message) => {
    const result = await runCli(['inspect', token, '--json']);
    expect(result.code).toBe(1);
    expect(jsonOf(result)).toEqual({ error: 'token_malformed', message });
  });

  it('a wrong key → exit 1, decryption_failed; no token → exit 2', async () => {
    const dirKey = await importSecret(dirSecret, { alg: 'dir', enc: 'A256GCM' });
    const token = await encryptJwe('x', dirKey);
    const wrong = await runCli(['inspect', token, '--key', generateSecret('A256GCM')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('tessera inspect: decryption failed (decryption_failed)\n');
    const none = await runCli(['inspect']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no token given: pass it as an argument, or "-" to read it from stdin');
  });
});
