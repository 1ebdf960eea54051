import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  encryptJwe, generateKeyPair, generateSecret, importSecret, signAndEncrypt, signJwt, type GeneratedKeyPair, type JwtClaims, type TesseraKey,
} from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64json, jsonOf, runCli, tempDir, writeIn } from './helpers.js';

const dir = tempDir();
let es: GeneratedKeyPair;
let rsa: GeneratedKeyPair;
let ecdh: GeneratedKeyPair;
let pubFile: string;
let token: string;
const hour = 3_600_000;

/** A JWKS endpoint on 127.0.0.1, port 0; `served` is what it answers, `hits` how often it was asked. */
let server: Server;
let jwksUrl: string;
let served: object = { keys: [] };
let hits = 0;

beforeAll(async () => {
  [es, rsa, ecdh] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('RS256'), generateKeyPair('ECDH-ES+A256KW')]);
  pubFile = writeIn(dir, 'es.pub.json', JSON.stringify(es.publicJwk));
  token = await signJwt({ scope: 'read' }, es.privateKey, { subject: 'user-1', issuer: 'https://issuer.example', audience: 'api', expiresIn: '1h' });
  server = createServer((req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sign = (key: TesseraKey, claims: JwtClaims, options: Parameters<typeof signJwt>[2]) => signJwt(claims, key, options);

describe('tessera verify: valid tokens', () => {
  it('exit 0 and, with --json, exactly the claims', async () => {
    const result = await runCli(['verify', '--key', pubFile, '--iss', 'https://issuer.example', '--aud', 'api', '--sub', 'user-1', '--json', token]);
    expect(result.code).toBe(0);
    expect(jsonOf(result)).toEqual({ scope: 'read', sub: 'user-1', iss: 'https://issuer.example', aud: 'api', exp: expect.any(Number), iat: expect.any(Number) });
  });

  it('prints VALID, the expiry in words, header and claims in text mode', async () => {
    const { code, stdout, stderr } = await runCli(['verify', '--key', pubFile, token]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(new RegExp(`^VALID JWS ES256, kid "${es.kid}"\\nExpiry:     expires in 59 minutes`));
    expect(stdout).toContain('Claims:\n{\n  "iss": "https://issuer.example",\n  "sub": "user-1",');
  });

  it('takes the private JWK (reduced to its public half) and a JWKS file holding several keys', async () => {
    const priv = writeIn(dir, 'es.json', JSON.stringify(es.privateJwk));
    expect((await runCli(['verify', '--key', priv, token])).code).toBe(0);
    const set = writeIn(dir, 'set.json', JSON.stringify({ keys: [rsa.publicJwk, es.publicJwk, ecdh.publicJwk] }));
    expect((await runCli(['verify', '--key', set, token])).code).toBe(0);
  });

  it('binds a PEM public key or a secret to --alg, which is also the allowlist', async () => {
    const pem = writeIn(dir, 'rsa.pub.pem', rsa.publicPem);
    const rs = await sign(rsa.privateKey, {}, { subject: 's', expiresIn: 60 });
    expect((await runCli(['verify', '--key', pem, '--alg', 'RS256', rs])).code).toBe(0);
    expect((await runCli(['verify', '--key', pem, '--alg', 'ES256,PS256,RS256', rs])).code).toBe(0);
    const secret = generateSecret('HS384');
    const hs = await sign(await importSecret(secret, { alg: 'HS384', encoding: 'base64' }), {}, { subject: 's', expiresIn: 60 });
    const ok = await runCli(['verify', '--key', 'env:S', '--alg', 'HS384', '--key-encoding', 'base64', hs], { env: { S: secret } });
    expect(ok.code).toBe(0);
  });

  it('accepts a token expired within --clock-tolerance, and checks as of --at', async () => {
    const justExpired = await sign(es.privateKey, {}, { subject: 's', expiresIn: 60, now: () => Date.now() - 65_000 });
    expect((await runCli(['verify', '--key', pubFile, justExpired])).code).toBe(1);
    expect((await runCli(['verify', '--key', pubFile, '--clock-tolerance', '30s', justExpired])).code).toBe(0);
    const at = new Date(Date.now() - 30_000).toISOString();
    expect((await runCli(['verify', '--key', pubFile, '--at', at, justExpired])).code).toBe(0);
  });

  it('verifies a nested token with --key and --decryption-key, and an unsigned dir JWE with --decryption-key', async () => {
    const nested = await signAndEncrypt({ scope: 'n' }, { signingKey: es.privateKey, encryptionKey: ecdh.publicKey, subject: 'u', expiresIn: 60 });
    const ecdhFile = writeIn(dir, 'ecdh.json', JSON.stringify(ecdh.privateJwk));
    const result = await runCli(['verify', '--key', pubFile, '--decryption-key', ecdhFile, nested]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`VALID nested JWT: JWS ES256, kid "${es.kid}" inside JWE ECDH-ES+A256KW / A256GCM, kid "${ecdh.kid}"`);
    const secret = generateSecret('A128GCM');
    const jwe = await encryptJwe({ sub: 'd', exp: Math.floor(Date.now() / 1000) + 60 }, await importSecret(secret, { alg: 'dir', enc: 'A128GCM' }));
    const dirResult = await runCli(['verify', '--decryption-key', secret, '--enc', 'A128GCM', '--json', jwe]);
    expect(jsonOf(dirResult)).toMatchObject({ sub: 'd' });
  });
});

describe('tessera verify: rejected tokens exit 1 with the library\'s code', () => {
  it('an expired token says how long ago it expired', async () => {
    const expired = await sign(es.privateKey, {}, { subject: 's', expiresIn: '1h', now: () => Date.now() - 4 * hour - 60_000 });
    const text = await runCli(['verify', '--key', pubFile, expired]);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe('tessera verify: token has expired (expired 3 hours ago) (token_expired)\n');
    const json = await runCli(['verify', '--key', pubFile, '--json', expired]);
    expect(jsonOf(json)).toEqual({ error: 'token_expired', message: 'token has expired (expired 3 hours ago)', claim: 'exp' });
  });

  it.each([
    [['--aud', 'other'], { error: 'claim_invalid', message: '"aud" claim does not contain an expected audience', claim: 'aud' }],
    [['--iss', 'https://evil.example'], { error: 'claim_invalid', message: '"iss" claim has an unexpected value', claim: 'iss' }],
    [['--sub', 'user-2'], { error: 'wrong_token_subject', message: '"sub" claim does not match the expected subject', claim: 'sub' }],
    [['--typ', 'at+jwt'], { error: 'header_invalid', message: '"typ" header parameter has an unexpected value', header: 'typ' }],
    [['--require-claim', 'scope,tenant'], { error: 'claim_missing', message: '"tenant" claim is missing', claim: 'tenant' }],
    [['--max-token-size', '100'], { error: 'token_too_large', message: 'token exceeds the maximum size of 100 bytes' }],
    [['--alg', 'RS256'], { error: 'alg_not_allowed', message: '"alg" header parameter value is not allowed', header: 'alg' }],
  ])('policy %j', async (flags, report) => {
    const result = await runCli(['verify', '--key', pubFile, ...flags, '--json', token]);
    expect(result.code).toBe(1);
    expect(jsonOf(result)).toEqual(report);
  });

  it('a corrupted signature, a corrupted segment, an unknown and a "none" algorithm', async () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
    const cases: [string, string][] = [
      [flipped, 'signature_invalid'],
      [`${h}.${p}x.${s}`, 'token_malformed'],
      [`${b64json({ alg: 'FOO', kid: es.kid })}.${p}.${s}`, 'alg_not_allowed'],
      [`${b64json({ alg: 'none' })}.${p}.`, 'alg_not_allowed'],
      [`${b64json({ alg: 'ES256', kid: 'other' })}.${p}.${s}`, 'key_not_found'],
    ];
    for (const [bad, error] of cases) {
      const result = await runCli(['verify', '--key', pubFile, '--json', bad]);
      expect(result.code, error).toBe(1);
      expect(jsonOf(result)['error']).toBe(error);
    }
  });

  it('a JWE without --decryption-key', async () => {
    const jwe = await encryptJwe({ sub: 'x' }, await importSecret(generateSecret(), { alg: 'dir', enc: 'A256GCM' }));
    const result = await runCli(['verify', '--key', pubFile, jwe]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tessera verify: encrypted tokens are not accepted (no "decryptionKeys") (alg_not_allowed)\n');
  });
});

describe('tessera verify: a JWKS URL', () => {
  it('fetches the keys with core\'s createRemoteJwks and verifies', async () => {
    served = { keys: [rsa.publicJwk, es.publicJwk] };
    hits = 0;
    const result = await runCli(['verify', '--key', jwksUrl, '--json', token]);
    expect(result.code).toBe(0);
    expect(jsonOf(result)).toMatchObject({ sub: 'user-1' });
    expect(hits).toBe(1);
  });

  it('rejects a token whose kid the set does not hold (exit 1), and answers 2 when the endpoint is down', async () => {
    served = { keys: [rsa.publicJwk] };
    const missing = await runCli(['verify', '--key', jwksUrl, '--json', token]);
    expect(missing.code).toBe(1);
    expect(jsonOf(missing)).toEqual({ error: 'key_not_found', message: 'no key in the remote JWKS matches the token' });
    served = { not: 'a jwks' };
    const invalid = await runCli(['verify', '--key', jwksUrl, '--json', token]);
    expect(invalid.code).toBe(2);
    expect(jsonOf(invalid)).toEqual({ error: 'jwks_unavailable', message: 'the JWKS endpoint returned an invalid key set' });
    const closed = await new Promise<string>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/jwks`;
        s.close(() => resolve(url));
      });
    });
    const down = await runCli(['verify', '--key', closed, '--json', token]);
    expect(down.code).toBe(2);
    expect(jsonOf(down)).toEqual({ error: 'jwks_unavailable', message: 'the JWKS could not be fetched' });
  });

  it('refuses a JWKS URL mixed with other keys, or as a decryption key', async () => {
    const mixed = await runCli(['verify', '--key', jwksUrl, '--key', pubFile, token]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--key: a JWKS URL cannot be combined with other keys');
    const asDecryption = await runCli(['verify', '--decryption-key', jwksUrl, token]);
    expect(asDecryption.code).toBe(2);
    expect(asDecryption.stderr).toContain('--decryption-key: a JWKS URL serves public signing keys; it can only verify');
  });
});

describe('tessera verify: usage and key errors exit 2', () => {
  it.each([
    [[], 'usage', 'verify needs a key: --key for signatures, --decryption-key for encrypted tokens'],
    [['--key', 'PUB', '--alg', 'FOO'], 'unsupported_algorithm', '--alg "FOO" is not supported; use one of HS256'],
    [['--key', 'PUB', '--enc', 'A1GCM'], 'unsupported_algorithm', '--enc "A1GCM" is not supported'],
    [['--key', 'PUB', '--clock-tolerance', 'a while'], 'usage', '"--clock-tolerance" must be a number of seconds >= 0'],
    [['--key', 'PUB', '--max-token-size', '-1'], 'usage', 'option --max-token-size needs a value; for a value starting with "-" write --max-token-size=VALUE'],
    [['--key', 'PUB', '--compat', 'everything'], 'usage', '--compat "everything" is not a setting here'],
    [['--key', 'PUB', '--at', 'yesterday'], 'usage', '--at must be a NumericDate (seconds) or an ISO date'],
    [['--key', 'PUB', '--bogus'], 'usage', 'unknown option --bogus'],
    [['--key'], 'usage', 'option --key needs a value'],
    [['--key', 'ECDH'], 'invalid_key', 'holds an encryption key (ECDH-ES+A256KW), not a signing key; pass it as --decryption-key'],
    [['--key', 'a-secret-that-is-long-enough-for-hs256'], 'usage', 'pass --alg (HS256, HS384 or HS512) (the token\'s header says "ES256")'],
  ])('verify %j → %s', async (flags, error, message) => {
    const argv = flags.map((f) => (f === 'PUB' ? pubFile : f === 'ECDH' ? JSON.stringify(ecdh.publicJwk) : f));
    const result = await runCli(['verify', ...argv, '--json', token]);
    expect(result.code).toBe(2);
    expect(jsonOf(result)).toEqual({ error, message: expect.stringContaining(message) });
  });

  it('never prints the token or the secret, whatever fails', async () => {
    const secret = 'a-very-secret-value-that-must-never-show-0123456789';
    const runs = await Promise.all([
      runCli(['verify', '--key', secret, '--alg', 'HS256', token]),
      runCli(['verify', '--key', secret, '--alg', 'HS256', '--json', token]),
      runCli(['verify', '--key', `{"kty":"oct","k":"${secret}"`, token]),
      runCli(['verify', '--key', secret, '--alg', 'HS256', token, secret]),
      runCli(['verify', `--${secret}`, token]),
      runCli(['verify', '--decryption-key', secret, '--enc', 'A256GCM', token]),
      runCli(['verify', '--key', pubFile, `${token}x`]),
    ]);
    for (const { code, stdout, stderr } of runs) {
      expect(code).not.toBe(0);
      for (const out of [stdout, stderr]) {
        expect(out).not.toContain(secret.slice(8, 40));
        expect(out).not.toContain(token.split('.')[1]!.slice(0, 20));
      }
    }
  });
});
