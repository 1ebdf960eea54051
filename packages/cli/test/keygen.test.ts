import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJwk, importPem, importSecret } from '@tessera/core';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli, tempDir } from './helpers.js';

const dir = tempDir();

describe('tessera keygen: symmetric keys', () => {
  it('prints a 32-byte A256GCM key as base64 by default, importable as a dir key', async () => {
    const { code, stdout, stderr } = await runCli(['keygen']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    expect(Buffer.from(stdout.trim(), 'base64')).toHaveLength(32);
    await expect(importSecret(stdout.trim(), { alg: 'dir', enc: 'A256GCM' })).resolves.toMatchObject({ alg: 'dir', enc: 'A256GCM' });
  });

  it.each([
    ['A128GCM', 16], ['A192GCM', 24], ['A256GCM', 32], ['A128CBC-HS256', 32], ['A192CBC-HS384', 48], ['A256CBC-HS512', 64],
  ] as const)('--enc %s --json answers the /generate-jwe-key shape with a %i-byte key', async (enc, size) => {
    const result = await runCli(['keygen', '--enc', enc, '--json']);
    expect(result.code).toBe(0);
    const json = jsonOf(result);
    expect(Object.keys(json)).toEqual(['encryption_key', 'algorithm', 'format', 'key_size_bytes', 'note']);
    expect(json).toMatchObject({
      algorithm: enc,
      format: 'base64',
      key_size_bytes: size,
      note: 'Store this key securely! Add it to your environment variables.',
    });
    expect(Buffer.from(json['encryption_key'] as string, 'base64')).toHaveLength(size);
  });

  it('takes the JWE service\'s spelling --alg A128GCM, and hex and base64url formats', async () => {
    const hex = jsonOf(await runCli(['keygen', '--alg', 'A128GCM', '--format', 'hex', '--json']));
    expect(hex).toMatchObject({ algorithm: 'A128GCM', format: 'hex', key_size_bytes: 16 });
    expect(hex['encryption_key']).toMatch(/^[0-9a-f]{32}$/);
    const url = await runCli(['keygen', '--enc', 'A192CBC-HS384', '--format', 'base64url']);
    expect(url.stdout).toMatch(/^[A-Za-z0-9_-]{64}\n$/);
    await expect(importSecret(url.stdout.trim(), { alg: 'dir', enc: 'A192CBC-HS384', encoding: 'base64url' })).resolves.toBeTruthy();
  });

  it('makes HMAC and key-wrapping secrets of the right size', async () => {
    expect(jsonOf(await runCli(['keygen', '--alg', 'HS512', '--json']))).toMatchObject({ algorithm: 'HS512', key_size_bytes: 64 });
    const kw = await runCli(['keygen', '--alg', 'A192KW']);
    expect(Buffer.from(kw.stdout.trim(), 'base64')).toHaveLength(24);
    await expect(importSecret(kw.stdout.trim(), { alg: 'A192KW', encoding: 'base64' })).resolves.toMatchObject({ alg: 'A192KW' });
  });

  it('--format jwk prints an oct JWK that core imports as it says', async () => {
    const { stdout } = await runCli(['keygen', '--enc', 'A128GCM', '--format', 'jwk', '--kid', 'k1']);
    const jwk = JSON.parse(stdout) as JWK;
    expect(jwk).toMatchObject({ kty: 'oct', alg: 'dir', use: 'enc', enc: 'A128GCM', kid: 'k1' });
    await expect(importJwk(jwk)).resolves.toMatchObject({ alg: 'dir', enc: 'A128GCM', kid: 'k1' });
  });

  it('--out writes the key with mode 0600, says where, and refuses to overwrite without --force', async () => {
    const first = await runCli(['keygen', '--out', 'secret.key'], { cwd: dir });
    expect(first).toMatchObject({ code: 0, stdout: 'Wrote a 32-byte A256GCM key (base64) to secret.key\n' });
    const path = join(dir, 'secret.key');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const key = readFileSync(path, 'utf8');
    expect(first.stdout).not.toContain(key.trim());
    const again = await runCli(['keygen', '--out', 'secret.key'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('"secret.key" exists; pass --force to overwrite it');
    expect(readFileSync(path, 'utf8')).toBe(key);
    expect((await runCli(['keygen', '--out', 'secret.key', '--force'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(path, 'utf8')).not.toBe(key);
  });
});

describe('tessera keygen: key pairs', () => {
  it('prints a private JWK whose kid is the RFC 7638 thumbprint, and names the kid on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['keygen', '--alg', 'ES256']);
    expect(code).toBe(0);
    const jwk = JSON.parse(stdout) as JWK;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(typeof jwk.d).toBe('string');
    const { d: _d, kid, alg: _a, use: _u, ...pub } = jwk;
    expect(kid).toBe(await calculateJwkThumbprint(pub));
    expect(stderr).toBe(`ES256 key pair, kid "${kid}" (RFC 7638 thumbprint)\n`);
    await expect(importJwk(jwk)).resolves.toMatchObject({ type: 'private', kid });
  });

  it('--public prints the public JWK only; --format jwks wraps it in a set', async () => {
    const pub = JSON.parse((await runCli(['keygen', '--alg', 'EdDSA', '--public'])).stdout) as JWK;
    expect(pub).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(pub.d).toBeUndefined();
    const set = JSON.parse((await runCli(['keygen', '--alg', 'ES384', '--format', 'jwks', '--public'])).stdout) as { keys: JWK[] };
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ crv: 'P-384', alg: 'ES384' });
  });

  it('--format pem prints PKCS #8; core imports it with the same thumbprint kid the CLI announced', async () => {
    const { stdout, stderr } = await runCli(['keygen', '--alg', 'ECDH-ES+A256KW', '--crv', 'X25519', '--format', 'pem']);
    expect(stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    const key = await importPem(stdout, { alg: 'ECDH-ES+A256KW' });
    expect(stderr).toContain(`kid "${key.kid}"`);
    expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'X25519' });
  });

  it('--json prints kid, alg, use and both halves', async () => {
    const json = jsonOf(await runCli(['keygen', '--alg', 'RSA-OAEP-256', '--format', 'pem', '--json']));
    expect(json).toMatchObject({ alg: 'RSA-OAEP-256', use: 'enc', format: 'pem' });
    expect(json['privateKey']).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(json['publicKey']).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const pub = await importPem(json['publicKey'] as string, { alg: 'RSA-OAEP-256' });
    expect(pub.kid).toBe(json['kid']);
  });

  it('--out writes the private key (0600) and the public key beside it (FILE.pub.EXT)', async () => {
    const result = await runCli(['keygen', '--alg', 'PS256', '--modulus-length', '3072', '--out', 'rsa.json', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(jsonOf(result)).toMatchObject({ alg: 'PS256', files: { privateKey: 'rsa.json', publicKey: 'rsa.pub.json' } });
    expect(statSync(join(dir, 'rsa.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'rsa.pub.json')).mode & 0o777).toBe(0o644);
    const pub = JSON.parse(readFileSync(join(dir, 'rsa.pub.json'), 'utf8')) as JWK;
    expect(pub.d).toBeUndefined();
    expect(Buffer.from(pub.n!, 'base64url').length * 8).toBe(3072);
    expect(result.stdout).not.toContain((JSON.parse(readFileSync(join(dir, 'rsa.json'), 'utf8')) as JWK).d);
  });
});

describe('tessera keygen: bad usage', () => {
  it.each([
    [['--alg', 'RSA1_5'], 'unsupported_algorithm', '--alg "RSA1_5" is not supported'],
    [['--alg', 'none'], 'unsupported_algorithm', '--alg "none" is not supported'],
    [['--enc', 'A512GCM'], 'unsupported_algorithm', '--enc is not supported; use one of A128GCM'],
    [['--alg', 'ES256', '--crv', 'P-384'], 'usage', '--crv applies to ECDH-ES algorithms only, not ES256'],
    [['--alg', 'RS256', '--modulus-length', '1024'], 'usage', '--modulus-length must be a multiple of 8 from 2048 to 16384'],
    [['--format', 'pem'], 'usage', '--format must be one of base64, base64url, hex, jwk'],
    [['--alg', 'ES256', '--format', 'hex'], 'usage', '--format must be one of jwk, jwks, pem'],
    [['--public'], 'usage', '--public applies to key pairs only'],
    [['--alg', 'A128GCM', '--enc', 'A256GCM'], 'usage', '--alg A128GCM and --enc A256GCM disagree'],
    [['extra'], 'usage', 'too many arguments: expected none, got 1'],
  ])('keygen %j → exit 2, %s', async (args, error, message) => {
    const result = await runCli(['keygen', ...args, '--json']);
    expect(result.code).toBe(2);
    expect(jsonOf(result)).toEqual({ error, message: expect.stringContaining(message) });
  });
});
