// keygen → sign → verify and keygen → encrypt → decrypt, every step through the CLI, keys only ever in files or the
// environment: the flows a user strings together.
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli, tempDir } from './helpers.js';

const dir = tempDir();
const cli = (argv: string[], env: Record<string, string> = {}) => runCli(argv, { cwd: dir, env });

async function keygen(args: string[], out?: string): Promise<string> {
  const result = await cli(['keygen', ...args, ...(out === undefined ? [] : ['--out', out])]);
  expect(result.code).toBe(0);
  return result.stdout.trim();
}

describe('keygen → sign → verify', () => {
  it.each([['ES256'], ['EdDSA'], ['PS384']])('%s key pair as JWK files', async (alg) => {
    await keygen(['--alg', alg], `${alg}.json`);
    const token = (await cli(['sign', '--key', `${alg}.json`, '--sub', 'user-1', '--aud', 'api'])).stdout.trim();
    const result = await cli(['verify', '--key', `${alg}.pub.json`, '--aud', 'api', '--alg', alg, '--json', token]);
    expect(result.code).toBe(0);
    expect(jsonOf(result)).toMatchObject({ sub: 'user-1', aud: 'api' });
  });

  it('ES512 key pair as PEM files, bound with --alg', async () => {
    await keygen(['--alg', 'ES512', '--format', 'pem'], 'es512.pem');
    const token = (await cli(['sign', '--key', 'es512.pem', '--alg', 'ES512', '--sub', 's'])).stdout.trim();
    expect((await cli(['verify', '--key', 'es512.pub.pem', '--alg', 'ES512', token])).code).toBe(0);
    expect((await cli(['verify', '--key', 'es512.pub.pem', '--alg', 'ES256', token])).code).toBe(2);
  });

  it('HS256 secret through the environment', async () => {
    const secret = await keygen(['--alg', 'HS256', '--format', 'base64url']);
    const env = { JWT_SECRET: secret };
    const token = (await cli(['sign', '--key', 'env:JWT_SECRET', '--alg', 'HS256', '--key-encoding', 'base64url', '--sub', 's'], env)).stdout.trim();
    expect((await cli(['verify', '--key', 'env:JWT_SECRET', '--alg', 'HS256', '--key-encoding', 'base64url', token], env)).code).toBe(0);
  });
});

describe('keygen → encrypt → decrypt', () => {
  it.each(['A128GCM', 'A256GCM', 'A256CBC-HS512'])('dir, %s, base64 key in the environment', async (enc) => {
    const env = { JWE_ENCRYPTION_KEY: await keygen(['--enc', enc]) };
    const token = (await cli(['encrypt', '--key', 'env:JWE_ENCRYPTION_KEY', '--enc', enc, '{"user":"john.doe","role":"admin"}'], env)).stdout.trim();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'dir', enc });
    const result = await cli(['decrypt', '--key', 'env:JWE_ENCRYPTION_KEY', '--enc', enc, '--json', token], env);
    expect(result.code).toBe(0);
    expect(jsonOf(result)).toEqual({ header: { alg: 'dir', enc }, payload: { user: 'john.doe', role: 'admin' } });
  });

  it.each([
    ['ECDH-ES+A256KW', ['--crv', 'P-384']],
    ['ECDH-ES', ['--crv', 'X25519']],
    ['RSA-OAEP-256', []],
  ])('%s key pair: encrypt to the public key, decrypt with the private key', async (alg, extra) => {
    const file = `${alg}.pem`.replace('+', '_');
    await keygen(['--alg', alg, '--format', 'pem', ...extra], file);
    const pub = file.replace('.pem', '.pub.pem');
    const token = (await cli(['encrypt', '--key', pub, '--alg', alg, '--zip', 'a plaintext that is not JSON'])).stdout.trim();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg, enc: 'A256GCM', zip: 'DEF' });
    const result = await cli(['decrypt', '--key', file, '--alg', alg, token]);
    expect(result).toMatchObject({ code: 0, stdout: 'a plaintext that is not JSON\n' });
    expect((await cli(['decrypt', '--key', file, token])).code).toBe(2);
  });

  it('A256KW key wrapping with a shared secret', async () => {
    const env = { KEK: await keygen(['--alg', 'A256KW']) };
    const token = (await cli(['encrypt', '--key', 'env:KEK', '--alg', 'A256KW', '--enc', 'A128CBC-HS256', '{"a":1}'], env)).stdout.trim();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'A256KW', enc: 'A128CBC-HS256' });
    const result = await cli(['decrypt', '--key', 'env:KEK', '--alg', 'A256KW', '--json', token], env);
    expect(jsonOf(result)).toMatchObject({ payload: { a: 1 } });
  });

  it('nested: sign then encrypt in one step, verify both layers, decrypt to the inner JWS', async () => {
    await keygen(['--alg', 'ES256'], 'sig.json');
    await keygen(['--alg', 'ECDH-ES+A256KW'], 'enc.json');
    const token = (await cli(['encrypt', '--key', 'enc.pub.json', '--sign-key', 'sig.json', '--sub', 'user-1', '--iss', 'https://issuer.example', '--expires-in', '10m', '--claim', 'scope=read'])).stdout.trim();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT' });
    const verified = await cli(['verify', '--key', 'sig.pub.json', '--decryption-key', 'enc.json', '--iss', 'https://issuer.example', '--require-signed-jwe', '--json', token]);
    expect(verified.code).toBe(0);
    expect(jsonOf(verified)).toMatchObject({ sub: 'user-1', scope: 'read' });
    const decrypted = await cli(['decrypt', '--key', 'enc.json', '--json', token]);
    const { jwt, header } = jsonOf<{ jwt: string; header: object }>(decrypted);
    expect(header).toMatchObject({ cty: 'JWT' });
    expect((await cli(['verify', '--key', 'sig.pub.json', jwt])).code).toBe(0);
    const tampered = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await cli(['verify', '--key', 'sig.pub.json', '--decryption-key', 'enc.json', tampered])).code).toBe(1);
  });

  it('nested in two steps: a signed JWT encrypted as it is gets "cty": "JWT" and verifies as nested', async () => {
    const env = { JWE_ENCRYPTION_KEY: await keygen([]), JWT_SECRET: await keygen(['--alg', 'HS256']) };
    const jwt = (await cli(['sign', '--key', 'env:JWT_SECRET', '--alg', 'HS256', '--key-encoding', 'base64', '--sub', 'svc'], env)).stdout;
    const jwe = (await runCli(['encrypt', '--key', 'env:JWE_ENCRYPTION_KEY', '-'], { cwd: dir, env, stdin: jwt })).stdout.trim();
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'dir', enc: 'A256GCM', cty: 'JWT' });
    const result = await cli(['verify', '--key', 'env:JWT_SECRET', '--alg', 'HS256', '--key-encoding', 'base64', '--decryption-key', 'env:JWE_ENCRYPTION_KEY', jwe], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^VALID nested JWT: JWS HS256 inside JWE dir \/ A256GCM\n/);
  });
});
