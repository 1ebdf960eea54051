import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenVerifier, generateSecret, importSecret } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssuer, hashClientSecret, IssuerConfigError, loadClients, type ClientConfig } from '../src/index.js';
import { SECRET, basic, post, startIssuer, testKeys } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-issuer-clients-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const JWE_KEY = generateSecret('A256GCM');
const JWT_SECRET = 'a-jwt-secret-key-of-at-least-32-bytes!!';

/** The reference JWE service's API-key file, as its documentation shows it. */
const API_KEY_FILE = `
id: api-key-secure-001
owner: security-team

# JWE Configuration
jwe_config:
  enabled: true
  encryption_key: "\${JWE_ENCRYPTION_KEY}"  # Environment variable
  algorithm: "dir"
  encryption: "A256GCM"
  compression: null  # or "DEF" for compression

claims:
  static:
    models: ["gpt-4"]
    tier: "enterprise"
    exp_hours: 1
`;

/** The reference's Control Tower manifest block. */
const MANIFEST = JSON.stringify({
  name: 'secure-auth',
  type: 'jwt_config',
  config: {
    secret_key: '${JWT_SECRET_KEY}', algorithm: 'HS256', expiration_minutes: 30, jwe_enabled: true,
    jwe_encryption_key: '${JWE_ENCRYPTION_KEY}', jwe_algorithm: 'dir', jwe_encryption: 'A256GCM', jwe_compression: null,
  },
});

const env = { JWE_ENCRYPTION_KEY: JWE_KEY, JWT_SECRET_KEY: JWT_SECRET, SERVICE_SECRET: SECRET };
const authenticateUser = async ({ username }: { username: string }) => (username === 'admin' ? { subject: 'admin' } : null);

async function startError(clients: ClientConfig[], extra: Record<string, unknown> = {}): Promise<IssuerConfigError> {
  const { sig } = await testKeys();
  const err = await createIssuer({ issuer: 'https://issuer.example', signingKeys: sig.privateKey, clients, authenticateUser, ...extra })
    .then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(IssuerConfigError);
  return err as IssuerConfigError;
}

describe('clients from YAML / JSON files', () => {
  it('loads the reference API-key file and manifest with ${ENV} interpolation; their logins answer as the reference did', async () => {
    const apiKey = await file('api-key-secure-001.yaml', API_KEY_FILE);
    const manifest = await file('secure-auth.json', MANIFEST);
    const loaded = await loadClients([apiKey, manifest], { env });
    expect(loaded.map((c) => c.id)).toEqual(['api-key-secure-001', 'secure-auth']);
    expect(loaded[0]).toMatchObject({
      format: 'jwe-dir', compat: 'jwe-service', encryption: { key: JWE_KEY, enc: 'A256GCM' },
      claims: { models: ['gpt-4'], tier: 'enterprise' }, accessTokenTtl: 3600, metadata: { owner: 'security-team' },
    });

    const { url } = await startIssuer({ clients: loaded, authenticateUser });
    const { sig } = await testKeys();
    const dir = await importSecret(JWE_KEY, { alg: 'dir', enc: 'A256GCM' });
    const login = await post(`${url}/token`, JSON.stringify({ username: 'admin', password: 'admin123', api_key: 'api-key-secure-001' }), { contentType: 'application/json' });
    expect(login.json).toMatchObject({ token_type: 'JWE', encryption: 'A256GCM', expires_in: 3600 });
    const { payload } = await createTokenVerifier({ keys: sig.publicKey, decryptionKeys: dir }).verify(login.json.access_token as string);
    expect(payload).toMatchObject({ sub: 'admin', models: ['gpt-4'], tier: 'enterprise' });
    expect(payload.exp! - payload.iat!).toBe(3600);

    // The manifest's client signs with its own HS256 secret inside the dir JWE, for 30 minutes.
    const manifestLogin = await post(`${url}/token`, JSON.stringify({ username: 'admin', password: 'x', api_key: 'secure-auth' }), { contentType: 'application/json' });
    const hs = await importSecret(JWT_SECRET, { alg: 'HS256' });
    const manifestToken = await createTokenVerifier({ keys: hs, decryptionKeys: dir }).verify(manifestLogin.json.access_token as string);
    expect(manifestToken.header.alg).toBe('HS256');
    expect(manifestToken.payload.exp! - manifestToken.payload.iat!).toBe(1800);
    // The issuer still reads its own tokens made with a client's secret (introspection, /verify-token).
    const verified = await (await fetch(`${url}/verify-token`, { headers: { authorization: `Bearer ${manifestLogin.json.access_token as string}` } })).json();
    expect(verified).toMatchObject({ valid: true, systemId: 'secure-auth' });
  });

  it('loads native files (a list, defaults with ${VAR:-default}) and every file of a directory', async () => {
    const sub = join(dir, 'native');
    await rm(sub, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(sub));
    await writeFile(join(sub, 'a.yaml'), `
clients:
  - id: service-a
    secret: \${SERVICE_SECRET}
    scopes: [orders:read]
    accessTokenTtl: \${ACCESS_TTL:-5m}
  - id: service-b
    secretHash: ${await hashClientSecret(SECRET)}
    format: opaque
`);
    await writeFile(join(sub, 'b.json'), JSON.stringify({ id: 'service-c', secret: '${SERVICE_SECRET}', systemId: 'SYS_C' }));
    await writeFile(join(sub, 'ignored.txt'), 'not a client');
    const loaded = await loadClients(sub, { env });
    expect(loaded.map((c) => c.id)).toEqual(['service-a', 'service-b', 'service-c']);
    expect(loaded[0]).toMatchObject({ secret: SECRET, accessTokenTtl: '5m' });
    const { url } = await startIssuer({ clients: loaded });
    for (const id of ['service-a', 'service-b', 'service-c']) {
      const answer = await post(`${url}/token`, { grant_type: 'client_credentials' }, { headers: { authorization: basic(id, SECRET) } });
      expect(answer.status).toBe(200);
    }
  });

  it('names the file, client and field of an unset environment variable', async () => {
    const path = await file('missing-env.yaml', API_KEY_FILE);
    const err = await loadClients(path, { env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IssuerConfigError);
    expect(err).toMatchObject({
      code: 'invalid_issuer_config', file: path, client: 'api-key-secure-001', field: 'jwe_config.encryption_key',
      message: `file ${JSON.stringify(path)}, client "api-key-secure-001", field "jwe_config.encryption_key": environment variable JWE_ENCRYPTION_KEY is not set`,
    });
  });

  it('names the client and the file\'s field of a key of the wrong size', async () => {
    const path = await file('short-key.yaml', API_KEY_FILE);
    const clients = await loadClients(path, { env: { JWE_ENCRYPTION_KEY: Buffer.alloc(31).toString('base64') } });
    const err = await startError(clients);
    expect(err).toMatchObject({
      client: 'api-key-secure-001', field: 'jwe_config.encryption_key',
      message: `file ${JSON.stringify(path)}, client "api-key-secure-001", field "jwe_config.encryption_key": expected 32 bytes for A256GCM, got 31`,
    });
    const manifest = await loadClients(await file('short-secret.json', MANIFEST), { env: { ...env, JWT_SECRET_KEY: 'too-short' } });
    expect(await startError(manifest)).toMatchObject({ client: 'secure-auth', field: 'config.secret_key', reason: 'expected at least 32 bytes for HS256, got 9' });
  });

  it('refuses invalid YAML, a duplicate key, and a file that is not there', async () => {
    await expect(loadClients(await file('bad.yaml', 'id: [unclosed'), { env })).rejects.toMatchObject({ code: 'invalid_issuer_config' });
    await expect(loadClients(await file('dup.yaml', 'id: a\nid: b\n'), { env })).rejects.toMatchObject({ code: 'invalid_issuer_config' });
    await expect(loadClients(join(dir, 'nope.yaml'), { env })).rejects.toMatchObject({ reason: 'does not exist' });
  });

  it('refuses a wrong field with its name: unknown option, grant, format, scope, short secret, duplicate id', async () => {
    expect(await startError([{ id: 'a', secret: SECRET, scope: 'x' } as unknown as ClientConfig])).toMatchObject({ client: 'a', field: 'scope', reason: 'is not a client option' });
    expect(await startError([{ id: 'a', secret: SECRET, grants: ['implicit' as 'password'] }])).toMatchObject({ field: 'grants' });
    expect(await startError([{ id: 'a', secret: SECRET, format: 'paseto' as 'jwt' }])).toMatchObject({ field: 'format' });
    expect(await startError([{ id: 'a', secret: SECRET, scopes: ['bad"scope'] }])).toMatchObject({ field: 'scopes' });
    expect(await startError([{ id: 'a', secret: 'short' }])).toMatchObject({ field: 'secret', reason: 'must be a string of at least 16 characters' });
    expect(await startError([{ id: 'a', secret: SECRET }, { id: 'a', secret: SECRET }])).toMatchObject({ client: 'a', reason: 'is configured twice' });
    expect(await startError([{ id: 'a', secret: SECRET, claims: { sub: 'x' } }])).toMatchObject({ field: 'claims.sub' });
    expect(await startError([{ id: 'a', secret: SECRET, format: 'jwe-dir' }])).toMatchObject({ field: 'encryption.key' });
    expect(await startError([{ id: 'a', secret: SECRET, secretHash: 'scrypt$nope' }])).toMatchObject({ field: 'secret' });
    expect(await startError([{ id: 'pub', grants: ['client_credentials'] }])).toMatchObject({ field: 'grants', reason: 'a public client cannot use client_credentials' });
  });

  it('refuses bad issuer options by name', async () => {
    expect(await startError([], { issuer: 'http://issuer.example' })).toMatchObject({ reason: '"issuer" must be an https URL (http only on localhost / loopback), RFC 8414 §2' });
    expect(await startError([], { issuer: 'https://issuer.example?x=1' })).toMatchObject({ reason: '"issuer" must not have a query or fragment (RFC 8414 §2)' });
    expect(await startError([], { accessTokenTtl: 'soon' })).toMatchObject({ reason: expect.stringContaining('"accessTokenTtl"') });
    expect(await startError([], { refreshGraceSeconds: -1 })).toMatchObject({ reason: '"refreshGraceSeconds" must be a number of seconds from 0 to 300' });
    expect(await startError([], { rateLimit: { token: { max: 0, windowSeconds: 1 } } })).toMatchObject({ reason: expect.stringContaining('"rateLimit.token"') });
    expect(await startError([], { colour: 'blue' })).toMatchObject({ reason: '"colour" is not an issuer option' });
    const { enc } = await testKeys();
    expect(await startError([], { signingKeys: enc.publicKey })).toMatchObject({ code: 'invalid_issuer_config' });
  });
});
