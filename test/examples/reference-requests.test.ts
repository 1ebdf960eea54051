// The reference documents' own requests against the running demo, sent by curl with the documents' arguments and
// bodies — only `http://localhost:5000` replaced by the demo issuer's URL, and the documents' placeholders
// ("your_base64_key", "eyJhbGc...encrypted...", "jwt_from_step4") by real values:
//   - /work/shared/reference/jwe-service.md: /generate-jwe-key, /token (its API-key clients), /encrypt-jwe,
//     /decrypt-jwe, /decode, the end-to-end workflow and the migration guide;
//   - /work/shared/reference/nested-jws-jwe-go.md: the Go issuer's /issue and /verify bodies.
// The answers must have the documented shapes.
import { execFile } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Demo } from '../../examples/demo.js';
import { hasCommand, systemPeer } from '../support/system-peer.js';
import { demo } from './support.js';

/** One curl run: the documented arguments, plus only flags that do not change the request (-sS, the status line). */
function curl(args: readonly string[]): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-w', '\n%{http_code}', ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`curl ${args.join(' ')} failed: ${stderr}`));
      const cut = stdout.lastIndexOf('\n');
      const body = stdout.slice(0, cut);
      resolve({ status: Number(stdout.slice(cut + 1)), json: body === '' ? {} : (JSON.parse(body) as Record<string, unknown>) });
    });
  });
}

const JSON_HEADER = ['-H', 'Content-Type: application/json'];
const segments = (token: unknown) => (token as string).split('.').length;
const header = (token: unknown) => JSON.parse(Buffer.from((token as string).split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

if (systemPeer('curl', hasCommand('curl'))) {
  describe('the JWE service\'s documented curl requests (jwe-service.md)', () => {
    let first: Demo;
    let d: Demo;
    let key: string;

    beforeAll(async () => {
      // "1. Generate encryption key … Save the key to environment": the key comes from a running demo's tool, then
      // the demo is started with it as JWE_ENCRYPTION_KEY (the API-key files read ${JWE_ENCRYPTION_KEY}).
      first = await demo();
      const generated = await curl(['-X', 'POST', `${first.urls.issuer}/generate-jwe-key`]);
      key = generated.json.encryption_key as string;
      d = await demo({ env: { JWE_ENCRYPTION_KEY: key } });
    });

    it('POST /generate-jwe-key, with no body, with the JSON header only, and with { algorithm, format }', async () => {
      const bare = await curl(['-X', 'POST', `${d.urls.issuer}/generate-jwe-key`]);
      const headerOnly = await curl(['-X', 'POST', `${d.urls.issuer}/generate-jwe-key`, ...JSON_HEADER]);
      const explicit = await curl(['-X', 'POST', `${d.urls.issuer}/generate-jwe-key`, ...JSON_HEADER, '-d', `{
    "algorithm": "A256GCM",
    "format": "base64"
  }`]);
      for (const answer of [bare, headerOnly, explicit]) {
        expect(answer.status).toBe(200);
        expect(Object.keys(answer.json).sort()).toEqual(['algorithm', 'encryption_key', 'format', 'key_size_bytes', 'note']);
        expect(answer.json).toMatchObject({
          algorithm: 'A256GCM', format: 'base64', key_size_bytes: 32, note: 'Store this key securely! Add it to your environment variables.',
        });
        expect(Buffer.from(answer.json.encryption_key as string, 'base64')).toHaveLength(32);
      }
    });

    it('POST /token with the API-key client logs in and answers the service\'s JWE shape', async () => {
      const login = await curl(['-X', 'POST', `${d.urls.issuer}/token`, ...JSON_HEADER, '-d', `{
    "username": "user@example.com",
    "password": "password123",
    "api_key": "api_key_jwe_example"
  }`]);
      expect(login.status).toBe(200);
      expect(login.json).toMatchObject({ token_type: 'JWE', encryption: 'A256GCM' });
      expect(login.json.note).toMatch(/^Tokens are JWE-encrypted\./);
      expect(segments(login.json.access_token)).toBe(5);
      expect(header(login.json.access_token)).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
      expect(typeof login.json.refresh_token).toBe('string');
    });

    it('the "Example Workflow": log in, decrypt the token with JWE_ENCRYPTION_KEY, decode the JWT', async () => {
      // 3. Login and get JWE-encrypted tokens
      const login = await curl(['-X', 'POST', `${d.urls.issuer}/token`, ...JSON_HEADER, '-d', `{
    "username": "admin",
    "password": "admin123",
    "api_key": "api_key_jwe_example"
  }`]);
      expect(login.status).toBe(200);
      // 4. Decrypt the token to get JWT ('"'$JWE_ENCRYPTION_KEY'"' in the document: the shell puts the key there)
      const decrypted = await curl(['-X', 'POST', `${d.urls.issuer}/decrypt-jwe`, ...JSON_HEADER, '-d', `{
    "jwe_token": "${login.json.access_token as string}",
    "encryption_key": "${key}",
    "encryption": "A256GCM"
  }`]);
      expect(decrypted.status).toBe(200);
      expect(decrypted.json).toEqual({ jwt_token: expect.any(String), note: 'Use /decode endpoint to decode the JWT token' });
      expect(segments(decrypted.json.jwt_token)).toBe(3);
      // 5. Decode the JWT
      const decoded = await curl(['-X', 'POST', `${d.urls.issuer}/decode`, ...JSON_HEADER, '-d', `{
    "token": "${decrypted.json.jwt_token as string}"
  }`]);
      expect(decoded.status).toBe(200);
      expect(decoded.json).toMatchObject({
        header: { alg: 'ES256', typ: 'at+jwt' },
        payload: { sub: 'admin', client_id: 'api_key_jwe_example', models: ['gpt-4'], tier: 'enterprise', iss: d.issuer },
        verified: false,
      });
      const payload = decoded.json.payload as { exp: number; iat: number };
      expect(payload.exp - payload.iat).toBe(3600); // exp_hours: 1
    });

    it('POST /encrypt-jwe (a JWT, then a payload) and POST /decrypt-jwe (extract_jwt true and false)', async () => {
      const jwt = (await curl(['-X', 'POST', `${d.urls.issuer}/decrypt-jwe`, ...JSON_HEADER, '-d', JSON.stringify({
        jwe_token: (await curl(['-X', 'POST', `${d.urls.issuer}/token`, ...JSON_HEADER, '-d',
          '{"username": "user@example.com", "password": "password123", "api_key": "api_key_jwe_example"}'])).json.access_token,
        encryption_key: key,
      })])).json.jwt_token as string;

      const encrypted = await curl(['-X', 'POST', `${d.urls.issuer}/encrypt-jwe`, ...JSON_HEADER, '-d', `{
    "token": "${jwt}",
    "encryption_key": "${key}",
    "encryption": "A256GCM",
    "compression": null
  }`]);
      expect(encrypted.status).toBe(200);
      expect(encrypted.json).toEqual({ jwe_token: expect.any(String), encryption: 'A256GCM', compression: null });
      expect(header(encrypted.json.jwe_token)).toEqual({ alg: 'dir', enc: 'A256GCM', cty: 'JWT' });

      const decrypted = await curl(['-X', 'POST', `${d.urls.issuer}/decrypt-jwe`, ...JSON_HEADER, '-d', `{
    "jwe_token": "${encrypted.json.jwe_token as string}",
    "encryption_key": "${key}",
    "encryption": "A256GCM",
    "extract_jwt": true
  }`]);
      expect(decrypted.json).toEqual({ jwt_token: jwt, note: 'Use /decode endpoint to decode the JWT token' });

      const sealed = await curl(['-X', 'POST', `${d.urls.issuer}/encrypt-jwe`, ...JSON_HEADER, '-d', `{
    "payload": {
      "user": "john.doe",
      "role": "admin",
      "permissions": ["read", "write"]
    },
    "encryption_key": "${key}",
    "encryption": "A256GCM"
  }`]);
      expect(sealed.status).toBe(200);
      expect(sealed.json).toMatchObject({ encryption: 'A256GCM', compression: null });
      const opened = await curl(['-X', 'POST', `${d.urls.issuer}/decrypt-jwe`, ...JSON_HEADER, '-d', JSON.stringify({
        jwe_token: sealed.json.jwe_token, encryption_key: key, encryption: 'A256GCM', extract_jwt: false,
      })]);
      expect(opened.json).toEqual({ payload: { user: 'john.doe', role: 'admin', permissions: ['read', 'write'] } });
    });

    it('"Troubleshooting": a key of the wrong size and a wrong key are refused with the documented messages', async () => {
      const { access_token: token } = (await curl(['-X', 'POST', `${d.urls.issuer}/token`, ...JSON_HEADER, '-d',
        '{"username": "test", "password": "test", "api_key": "existing_key"}'])).json;
      const short = await curl(['-X', 'POST', `${d.urls.issuer}/decrypt-jwe`, ...JSON_HEADER, '-d', JSON.stringify({
        jwe_token: token, encryption_key: Buffer.alloc(31, 7).toString('base64'), encryption: 'A256GCM',
      })]);
      expect(short.status).toBe(400);
      expect(short.json.error_description).toBe('expected 32 bytes for A256GCM, got 31');
      const wrong = await curl(['-X', 'POST', `${d.urls.issuer}/decrypt-jwe`, ...JSON_HEADER, '-d', JSON.stringify({
        jwe_token: token, encryption_key: Buffer.alloc(32, 7).toString('base64'), encryption: 'A256GCM',
      })]);
      expect(wrong.status).toBe(400);
      expect(wrong.json).toMatchObject({ error: 'decryption_failed' });
    });

    it('the "Migration Guide": a generated key as JWE_ENCRYPTION_KEY, then the existing_key login', async () => {
      // export JWE_ENCRYPTION_KEY=$(curl -X POST http://localhost:5000/generate-jwe-key | jq -r '.encryption_key')
      const generated = (await curl(['-X', 'POST', `${first.urls.issuer}/generate-jwe-key`])).json.encryption_key as string;
      const migrated = await demo({ env: { JWE_ENCRYPTION_KEY: generated } });
      const login = await curl(['-X', 'POST', `${migrated.urls.issuer}/token`, ...JSON_HEADER, '-d',
        '{"username": "test", "password": "test", "api_key": "existing_key"}']);
      expect(login.status).toBe(200);
      expect(login.json).toMatchObject({ token_type: 'JWE', encryption: 'A256GCM' });
      const decrypted = await curl(['-X', 'POST', `${migrated.urls.issuer}/decrypt-jwe`, ...JSON_HEADER, '-d', JSON.stringify({
        jwe_token: login.json.access_token, encryption_key: generated, encryption: 'A256GCM',
      })]);
      expect(decrypted.status).toBe(200);
      expect(segments(decrypted.json.jwt_token)).toBe(3);
    });
  });

  describe('the Go issuer\'s documented bodies (nested-jws-jwe-go.md)', () => {
    let d: Demo;
    beforeAll(async () => {
      d = await demo();
    });

    it('POST /issue answers { access_jwe, refresh_jwe }; POST /verify answers them valid', async () => {
      const issued = await curl(['-X', 'POST', `${d.urls.issuer}/issue`, ...JSON_HEADER, '-d', `{
  "uid": "u123",
  "sub": "u123",
  "aud": "api://local",
  "iss": "https://auth.local",
  "device_id": "dev1",
  "client_id": "web",
  "scope": ["read"],
  "access_ttl_minutes": 10,
  "refresh_ttl_days": 14
}`]);
      expect(issued.status).toBe(200);
      expect(Object.keys(issued.json).sort()).toEqual(['access_jwe', 'refresh_jwe']);
      for (const token of [issued.json.access_jwe, issued.json.refresh_jwe]) {
        expect(segments(token)).toBe(5);
        expect(header(token)).toMatchObject({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', cty: 'JWT', kid: expect.any(String) });
      }

      const verified = await curl(['-X', 'POST', `${d.urls.issuer}/verify`, ...JSON_HEADER, '-d',
        `{ "type": "access", "token": "${issued.json.access_jwe as string}", "iss": "https://auth.local", "aud": "api://local" }`]);
      expect(verified.status).toBe(200);
      expect(verified.json).toMatchObject({
        valid: true,
        claims: { sub: 'u123', uid: 'u123', aud: 'api://local', iss: 'https://auth.local', device_id: 'dev1', client_id: 'web', scope: ['read'] },
      });
      const claims = verified.json.claims as { exp: number; iat: number };
      expect(claims.exp - claims.iat).toBe(600);

      const refresh = await curl(['-X', 'POST', `${d.urls.issuer}/verify`, ...JSON_HEADER, '-d',
        `{ "type": "refresh", "token": "${issued.json.refresh_jwe as string}", "iss": "https://auth.local", "aud": "api://local" }`]);
      expect(refresh.json).toMatchObject({ valid: true });
      expect((refresh.json.claims as { exp: number; iat: number }).exp - (refresh.json.claims as { iat: number }).iat).toBe(14 * 86_400);

      const crossed = await curl(['-X', 'POST', `${d.urls.issuer}/verify`, ...JSON_HEADER, '-d',
        `{ "type": "access", "token": "${issued.json.refresh_jwe as string}", "iss": "https://auth.local", "aud": "api://local" }`]);
      expect(crossed.json).toMatchObject({ valid: false });
    });

    it('tokens of the tools are accepted nowhere else (the APIs answer 401)', async () => {
      const issued = await curl(['-X', 'POST', `${d.urls.issuer}/issue`, ...JSON_HEADER, '-d', '{ "uid": "u123", "sub": "u123", "scope": ["api:read"] }']);
      const token = issued.json.access_jwe as string;
      for (const url of [`${d.urls.koaApi}/api/hello`, `${d.urls.expressApi}/api/hello`]) {
        expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status, url).toBe(401);
      }
    });
  });
}
