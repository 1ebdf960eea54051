import { createTokenVerifier, generateKeyPair, generateSecret, importSecret, type GeneratedKeyPair } from '@tessera/core';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli, tempDir, writeIn } from './helpers.js';

const dir = tempDir();
let es: GeneratedKeyPair;
let esFile: string;
let pemFile: string;

beforeAll(async () => {
  es = await generateKeyPair('ES256');
  esFile = writeIn(dir, 'es.json', JSON.stringify(es.privateJwk));
  pemFile = writeIn(dir, 'es.pem', es.privatePem);
});

describe('tessera sign', () => {
  it('signs claims from the flags and --claim with a JWK file; core verifies the token', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { code, stdout, stderr } = await runCli([
      'sign', '--key', esFile, '--iss', 'https://issuer.example', '--sub', 'user-1', '--aud', 'api', '--aud', 'web',
      '--claim', 'scope=read write', '--claim', 'n=42', '--claim', 'roles=["a","b"]', '--typ', 'at+jwt', '--jti', 'id-1',
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const token = stdout.trim();
    const { payload, header } = await createTokenVerifier({ keys: es.publicKey, typ: 'at+jwt', issuer: 'https://issuer.example' }).verify(token);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: es.kid });
    expect(payload).toMatchObject({ sub: 'user-1', aud: ['api', 'web'], scope: 'read write', n: 42, roles: ['a', 'b'], jti: 'id-1' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
  });

  it('reads claims JSON from stdin or @file; --expires-in and --no-expiry set the lifetime', async () => {
    const fromStdin = await runCli(['sign', '--key', esFile, '--expires-in', '2h', '-'], { stdin: '{"sub":"svc","tier":"gold"}\n' });
    const claims = decodeJwt(fromStdin.stdout.trim());
    expect(claims).toMatchObject({ sub: 'svc', tier: 'gold' });
    expect(claims.exp! - claims.iat!).toBe(7200);
    const file = writeIn(dir, 'claims.json', '{"sub":"f"}');
    const forever = await runCli(['sign', '--key', esFile, '--no-expiry', `@${file}`]);
    expect(decodeJwt(forever.stdout.trim())).toEqual({ sub: 'f', iat: expect.any(Number) });
  });

  it('signs with an HS256 secret from the environment when --alg names it', async () => {
    const secret = generateSecret('HS256', { format: 'hex' });
    const result = await runCli(['sign', '--key', 'env:JWT_SECRET', '--alg', 'HS256', '--key-encoding', 'hex', '--sub', 'x', '--json'], { env: { JWT_SECRET: secret } });
    expect(result.code).toBe(0);
    const json = jsonOf<{ token: string; header: object; claims: object }>(result);
    expect(Object.keys(json)).toEqual(['token', 'header', 'claims']);
    expect(json.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(json.claims).toEqual(decodeJwt(json.token));
    const key = await importSecret(secret, { alg: 'HS256', encoding: 'hex' });
    await expect(createTokenVerifier({ keys: key }).verify(json.token)).resolves.toMatchObject({ payload: { sub: 'x' } });
    expect(result.stdout).not.toContain(secret);
  });

  it('binds a PEM key to --alg and sets the header kid from --kid', async () => {
    const result = await runCli(['sign', '--key', pemFile, '--alg', 'ES256', '--kid', 'es-2024']);
    expect(decodeProtectedHeader(result.stdout.trim())).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'es-2024' });
  });
});

describe('tessera sign: bad input', () => {
  it.each([
    [['--sub', 'x'], 'usage', 'sign needs a key: --key <file|env:NAME|secret>'],
    [['--key', 'PEMFILE'], 'usage', 'holds a PEM key, which names no algorithm: pass --alg (e.g. ES256, RS256, EdDSA)'],
    [['--key', 'PEMFILE', '--alg', 'RS256'], 'invalid_key', 'an EC P-256 key cannot be used with RS256'],
    [['--key', 'PEMFILE', '--alg', 'none'], 'unsupported_algorithm', '--alg "none" is not supported'],
    [['--key', 'a-secret', '--alg', 'HS256'], 'invalid_key', 'expected at least 32 bytes for HS256, got 8'],
    [['--key', 'a-secret'], 'usage', 'holds a secret, which names no algorithm: pass --alg (HS256, HS384 or HS512)'],
    [['--key', 'JWKFILE', '--alg', 'ES384'], 'usage', '--alg ES384, but the key is bound to ES256'],
    [['--key', 'JWKFILE', 'not json'], 'usage', 'the claims must be valid JSON'],
    [['--key', 'JWKFILE', '[1]'], 'usage', 'the claims must be a JSON object'],
    [['--key', 'JWKFILE', '--expires-in', 'soon'], 'usage', '"--expires-in" must be a whole number of seconds or a duration'],
    [['--key', 'JWKFILE', '--expires-in', '5m', '--no-expiry'], 'usage', '--expires-in and --no-expiry exclude each other'],
    [['--key', 'JWKFILE', '--claim', 'novalue'], 'usage', '--claim takes name=value'],
    [['--key', 'missing.pem', '--alg', 'ES256'], 'usage', '--key: no such file "missing.pem"'],
    [['--key', 'env:NOPE'], 'usage', '--key: environment variable NOPE is not set'],
    [['--key', 'https://issuer.example/jwks'], 'usage', 'a JWKS URL serves public signing keys; it can only verify'],
  ])('sign %j → %s', async (args, error, message) => {
    const argv = args.map((a) => (a === 'PEMFILE' ? pemFile : a === 'JWKFILE' ? esFile : a));
    const result = await runCli(['sign', ...argv, '--json'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(jsonOf(result)).toEqual({ error, message: expect.stringContaining(message) });
  });

  it('refuses a public key: signing needs the private key', async () => {
    const pub = writeIn(dir, 'es.pub.json', JSON.stringify(es.publicJwk));
    const result = await runCli(['sign', '--key', pub]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`tessera sign: --key: key file "${pub}" holds a public ES256 key; signing needs the private key (invalid_key)\n`);
  });
});
