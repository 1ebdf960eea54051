import { createJweDecrypter, generateKeyPair, generateSecret, importSecret, type GeneratedKeyPair } from '@tessera/core';
import { decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, tempDir, writeIn } from './helpers.js';

const dir = tempDir();
let rsa: GeneratedKeyPair;
let es: GeneratedKeyPair;
let rsaPrivFile: string;
let rsaPemFile: string;
let esFile: string;
const secret = generateSecret('A256GCM');
const env = { JWE_ENCRYPTION_KEY: secret };

beforeAll(async () => {
  [rsa, es] = await Promise.all([generateKeyPair('RSA-OAEP-256'), generateKeyPair('ES256')]);
  rsaPrivFile = writeIn(dir, 'rsa.json', JSON.stringify(rsa.privateJwk));
  rsaPemFile = writeIn(dir, 'rsa.pub.pem', rsa.publicPem);
  esFile = writeIn(dir, 'es.json', JSON.stringify(es.privateJwk));
});

async function open(token: string): Promise<string> {
  const key = await importSecret(secret, { alg: 'dir', enc: 'A256GCM' });
  return new TextDecoder().decode((await createJweDecrypter({ decryptionKeys: key }).decrypt(token)).plaintext);
}

describe('tessera encrypt', () => {
  it('encrypts a JSON payload byte for byte under dir (the JWE service\'s /encrypt-jwe with "payload")', async () => {
    const payload = '{"user": "john.doe", "role": "admin", "permissions": ["read", "write"]}';
    const result = await runCli(['encrypt', '--key', 'env:JWE_ENCRYPTION_KEY', payload], { env });
    expect(result.code).toBe(0);
    expect(await open(result.stdout.trim())).toBe(payload);
  });

  it('reads the plaintext from @file and from stdin; --json prints token and header; --typ, --kid, --cty, --zip reach the header', async () => {
    const file = writeIn(dir, 'doc.txt', 'some document');
    const fromFile = jsonOf<{ token: string; header: object }>(await runCli(
      ['encrypt', '--key', 'env:JWE_ENCRYPTION_KEY', '--typ', 'doc+jwe', '--kid', 'k-1', '--cty', 'text/plain', '--zip', '--json', `@${file}`], { env }));
    expect(Object.keys(fromFile)).toEqual(['token', 'header']);
    expect(fromFile.header).toEqual({ alg: 'dir', enc: 'A256GCM', zip: 'DEF', typ: 'doc+jwe', cty: 'text/plain', kid: 'k-1' });
    expect(await open(fromFile.token)).toBe('some document');
    const fromStdin = await runCli(['encrypt', '--key', 'env:JWE_ENCRYPTION_KEY', '-'], { env, stdin: 'piped' });
    expect(await open(fromStdin.stdout.trim())).toBe('piped');
  });

  it('encrypts to the public half of a private JWK, and to a PEM public key bound with --alg', async () => {
    const viaJwk = (await runCli(['encrypt', '--key', rsaPrivFile, 'x'])).stdout.trim();
    expect(decodeProtectedHeader(viaJwk)).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: rsa.kid });
    const viaPem = (await runCli(['encrypt', '--key', rsaPemFile, '--alg', 'RSA-OAEP-256', '--enc', 'A192GCM', 'x'])).stdout.trim();
    expect(decodeProtectedHeader(viaPem)).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A192GCM' });
    expect((await runCli(['decrypt', '--key', rsaPrivFile, viaPem])).stdout).toBe('x\n');
  });
});

describe('tessera encrypt: bad input', () => {
  it.each([
    [['x'], 'usage', 'encrypt needs a key: --key <file|env:NAME|secret>'],
    [['--key', 'SHORT', 'x'], 'invalid_key', 'expected 32 bytes for A256GCM, got 31'],
    [['--key', 'SECRET', '--enc', 'A128GCM', 'x'], 'invalid_key', 'expected 16 bytes for A128GCM, got 32'],
    [['--key', 'SECRET'], 'usage', 'no plaintext given: pass it as an argument, @file, or "-" for stdin'],
    [['--key', 'SECRET', '--alg', 'RSA1_5', 'x'], 'unsupported_algorithm', '--alg "RSA1_5" is not supported'],
    [['--key', 'SECRET', '--alg', 'HS256', 'x'], 'unsupported_algorithm', '--alg "HS256" is not supported'],
    [['--key', 'SECRET', '--alg', 'ECDH-ES', 'x'], 'usage', 'holds a secret, but --alg names no algorithm for one (dir, A128KW…A256GCMKW)'],
    [['--key', 'SECRET', '--sub', 'u', 'x'], 'usage', '--sub needs --sign-key: without it the plaintext is encrypted as given'],
    [['--key', 'PEM', 'x'], 'usage', 'holds a PEM key, which names no algorithm: pass --alg (e.g. RSA-OAEP-256, ECDH-ES+A256KW)'],
    [['--key', 'PEM', '--alg', 'ECDH-ES+A128KW', 'x'], 'invalid_key', 'an RSA key cannot be used with ECDH-ES+A128KW'],
    [['--key', 'ES', 'x'], 'invalid_key', 'holds a signing key (ES256), not an encryption key'],
    [['--key', 'SECRET', '--sign-key', 'ES', '--cty', 'x'], 'usage', '--cty cannot be set on a nested token (it is JWT)'],
    [['--key', 'SECRET', '--sign-key', 'ES', '--sign-alg', 'ES384'], 'usage', '--sign-alg ES384, but the key is bound to ES256'],
    [['--key', 'SECRET', '--sign-key', 'SECRET'], 'usage', '--sign-key: the --sign-key value holds a secret, which names no algorithm: pass --sign-alg'],
    [['--key', 'SECRET', '--sign-key', 'ES', 'not json'], 'usage', 'the claims must be valid JSON'],
  ])('encrypt %j → exit 2, %s', async (args, error, message) => {
    const map: Record<string, string> = {
      SHORT: Buffer.alloc(31, 7).toString('base64'), SECRET: secret, PEM: rsaPemFile, ES: esFile,
    };
    const result = await runCli(['encrypt', ...args.map((a) => map[a] ?? a), '--json']);
    expect(result.code).toBe(2);
    expect(jsonOf(result)).toEqual({ error, message: expect.stringContaining(message) });
    expect(result.stdout).not.toContain(secret);
  });
});
