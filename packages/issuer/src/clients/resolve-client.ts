import {
  importJwk,
  importPem,
  importSecret,
  isJweContentAlgorithm,
  isJweKeyAlgorithm,
  isJwsAlgorithm,
  parseDuration,
  type Jwk,
  type JweContentAlgorithm,
  type JwsAlgorithm,
  type JwtClaims,
  type KeySet,
  type TesseraKey,
} from '@tessera/core';
import { IssuerConfigError } from '../errors.js';
import type { ClientConfig, GrantType, TokenFormat } from './client-config.js';
import { hashClientSecret, parseSecretHash, SecretChecker } from './client-secret.js';
import { clientSource } from './load-clients.js';

/** A client after start-up validation: keys imported, secret hashed, defaults applied. Immutable. */
export interface ResolvedClient {
  readonly id: string;
  readonly isPublic: boolean;
  readonly secret: SecretChecker | undefined;
  readonly grants: ReadonlySet<GrantType>;
  readonly scopes: ReadonlySet<string>;
  readonly defaultScopes: readonly string[];
  readonly redirectUris: ReadonlySet<string>;
  readonly audience: string | string[];
  readonly claims: JwtClaims;
  readonly format: TokenFormat;
  readonly signingAlg: JwsAlgorithm | undefined;
  /** The client's own signing key (HS* from a `jwt_config`), else the issuer's. */
  readonly signingKey: TesseraKey | undefined;
  /** For `jwe-dir`: the dir secret; for `jwe`: a recipient key, else the issuer's current `enc` key. */
  readonly encryptionKey: TesseraKey | undefined;
  readonly enc: JweContentAlgorithm | undefined;
  readonly zip: 'DEF' | undefined;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly subject: string;
  readonly systemId: string;
  readonly introspect: boolean;
  readonly requireDpop: boolean;
  readonly compat: 'oauth' | 'jwe-service';
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Issuer-wide settings a client falls back on. */
export interface ClientDefaults {
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly audience: string | string[];
  readonly signingKeys: KeySet;
  readonly encryptionKeys: KeySet;
}

const KNOWN = new Set<string>([
  'id', 'secret', 'secretHash', 'public', 'grants', 'scopes', 'defaultScopes', 'redirectUris', 'audience', 'claims',
  'format', 'signingAlg', 'signingKey', 'signingKeyAlg', 'encryption', 'accessTokenTtl', 'refreshTokenTtl', 'subject',
  'systemId', 'introspect', 'requireDpop', 'compat', 'metadata',
]);
const GRANTS: ReadonlySet<string> = new Set(['client_credentials', 'refresh_token', 'authorization_code', 'password']);
const FORMATS: ReadonlySet<string> = new Set(['jwt', 'jwe', 'jwe-dir', 'opaque']);
const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'client_id', 'scope', 'cnf']);
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

function isTesseraKey(value: unknown): value is TesseraKey {
  return typeof value === 'object' && value !== null && 'alg' in value && 'key' in value && 'use' in value && 'type' in value;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates one client; `fail(field, message)` throws naming the client, field and file. */
class Checker {
  readonly #id: string | undefined;
  readonly #file: string | undefined;
  readonly #names: Readonly<Record<string, string>>;
  constructor(config: ClientConfig) {
    const source = clientSource(config);
    this.#id = typeof config.id === 'string' ? config.id : undefined;
    this.#file = source?.file;
    this.#names = source?.fieldNames ?? {};
  }
  fail(field: string, message: string, cause?: unknown): never {
    throw new IssuerConfigError(message, { client: this.#id, field: this.#names[field] ?? field, file: this.#file },
      cause === undefined ? {} : { cause });
  }
  strings(value: unknown, field: string): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
      this.fail(field, 'must be a list of non-empty strings');
    }
    return value as string[];
  }
  duration(value: unknown, field: string, fallback: number): number {
    if (value === undefined) return fallback;
    let seconds: number;
    try {
      seconds = parseDuration(value, field);
    } catch (cause) {
      return this.fail(field, 'must be a whole number of seconds or a duration such as "15m", "2h", "14d"', cause);
    }
    if (seconds <= 0) this.fail(field, 'must be greater than zero');
    return seconds;
  }
  bool(value: unknown, field: string): boolean {
    if (value === undefined) return false;
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false');
    return value;
  }
  async key<T>(field: string, load: () => Promise<T>): Promise<T> {
    try {
      return await load();
    } catch (err) {
      const message = err instanceof Error ? err.message.replace(/^"[^"]*":?\s*/, '') : 'cannot be imported';
      return this.fail(field, message, err);
    }
  }
}

function secretInput(value: unknown): { text: string; encoding: 'utf8' | 'hex' | 'base64' } | undefined {
  if (typeof value === 'string') return { text: value, encoding: 'utf8' };
  if (isPlain(value) && typeof value.hex === 'string' && Object.keys(value).length === 1) {
    return { text: value.hex, encoding: 'hex' };
  }
  return undefined;
}

async function resolveSigningKey(c: Checker, config: ClientConfig): Promise<TesseraKey | undefined> {
  const value = config.signingKey;
  if (value === undefined) {
    if (config.signingKeyAlg !== undefined) c.fail('signingKeyAlg', 'is only used with signingKey');
    return undefined;
  }
  if (isTesseraKey(value)) {
    if (value.use !== 'sig' || value.type === 'public') c.fail('signingKey', 'must be a private or secret signing key');
    return value;
  }
  const alg = config.signingKeyAlg ?? 'HS256';
  if (alg !== 'HS256' && alg !== 'HS384' && alg !== 'HS512') {
    c.fail('signingKeyAlg', `must be HS256, HS384 or HS512 for a secret given as text (got ${JSON.stringify(alg)})`);
  }
  const input = secretInput(value);
  if (input === undefined) c.fail('signingKey', 'must be a string, { hex } or a TesseraKey');
  return c.key('signingKey', () => importSecret(input.text, { alg, encoding: input.encoding }));
}

async function resolveEncryption(c: Checker, config: ClientConfig, format: TokenFormat, defaults: ClientDefaults):
  Promise<{ key: TesseraKey | undefined; enc: JweContentAlgorithm | undefined; zip: 'DEF' | undefined }> {
  const e = config.encryption;
  if (format !== 'jwe' && format !== 'jwe-dir') {
    if (e !== undefined) c.fail('encryption', `is only used with format "jwe" or "jwe-dir" (format is "${format}")`);
    return { key: undefined, enc: undefined, zip: undefined };
  }
  if (e !== undefined && !isPlain(e)) c.fail('encryption', 'must be a mapping');
  const enc = e?.enc;
  if (enc !== undefined && !isJweContentAlgorithm(enc)) {
    c.fail('encryption.enc', `must be one of A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384, A256CBC-HS512 (got ${JSON.stringify(enc)})`);
  }
  const zip = e?.zip ?? undefined;
  if (zip !== undefined && zip !== 'DEF') c.fail('encryption.zip', 'must be "DEF" or null');
  const raw = e?.key;
  if (format === 'jwe-dir') {
    if (e?.alg !== undefined && e.alg !== 'dir') c.fail('encryption.alg', 'must be "dir" for format "jwe-dir"');
    if (raw === undefined) c.fail('encryption.key', 'is required for format "jwe-dir" (a dir secret, base64)');
    const contentEnc = enc ?? (isTesseraKey(raw) ? raw.enc : undefined) ?? 'A256GCM';
    if (isTesseraKey(raw)) {
      if (raw.alg !== 'dir') c.fail('encryption.key', `must be a dir secret (got alg ${raw.alg})`);
      return { key: raw, enc: contentEnc, zip };
    }
    const input = typeof raw === 'string' ? { text: raw, encoding: 'base64' as const } : secretInput(raw);
    if (input === undefined) c.fail('encryption.key', 'must be a base64 string, { hex } or a TesseraKey');
    const key = await c.key('encryption.key',
      () => importSecret(input.text, { alg: 'dir', enc: contentEnc, encoding: input.encoding }));
    return { key, enc: contentEnc, zip };
  }
  // Nested `jwe`: a recipient key, or the issuer's own current enc key.
  if (raw === undefined) {
    if (defaults.encryptionKeys.current('enc') === undefined) {
      c.fail('encryption.key', 'is required for format "jwe" when the issuer has no encryptionKeys');
    }
    return { key: undefined, enc: enc ?? 'A256GCM', zip };
  }
  if (isTesseraKey(raw)) {
    if (raw.use !== 'enc' || raw.alg === 'dir') c.fail('encryption.key', 'must be a public encryption key');
    return { key: raw, enc: enc ?? 'A256GCM', zip };
  }
  const alg = e?.alg;
  if (alg !== undefined && (!isJweKeyAlgorithm(alg) || alg === 'dir')) {
    c.fail('encryption.alg', `must be RSA-OAEP-256, ECDH-ES or ECDH-ES+A128KW/A192KW/A256KW (got ${JSON.stringify(alg)})`);
  }
  let key: TesseraKey;
  if (typeof raw === 'string' && raw.includes('-----BEGIN')) {
    if (alg === undefined) c.fail('encryption.alg', 'is required with a PEM key');
    key = await c.key('encryption.key', () => importPem(raw, { alg, use: 'enc' }));
  } else {
    let jwk: unknown = raw;
    if (typeof raw === 'string') {
      try {
        jwk = JSON.parse(raw);
      } catch (cause) {
        c.fail('encryption.key', 'must be PEM text, a JWK or a TesseraKey', cause);
      }
    }
    if (!isPlain(jwk)) c.fail('encryption.key', 'must be PEM text, a JWK or a TesseraKey');
    key = await c.key('encryption.key', () => importJwk(jwk as Jwk, { ...(alg === undefined ? {} : { alg }), use: 'enc' }));
  }
  if (key.type === 'secret' || key.alg === 'dir') c.fail('encryption.key', 'must be a public key for format "jwe"');
  return { key, enc: enc ?? 'A256GCM', zip };
}

async function resolveSecret(c: Checker, config: ClientConfig): Promise<{ isPublic: boolean; secret: SecretChecker | undefined }> {
  const { secret, secretHash } = config;
  if (secret !== undefined && secretHash !== undefined) c.fail('secret', 'give either secret or secretHash, not both');
  if (config.public !== undefined && typeof config.public !== 'boolean') c.fail('public', 'must be true or false');
  if (secret === undefined && secretHash === undefined) {
    if (config.public === false) c.fail('secret', 'is required for a confidential client (public: false)');
    return { isPublic: true, secret: undefined };
  }
  if (config.public === true) c.fail('public', 'a public client has no secret');
  let hash: string;
  if (secret !== undefined) {
    if (typeof secret !== 'string' || secret.length < 16) c.fail('secret', 'must be a string of at least 16 characters');
    hash = await hashClientSecret(secret);
  } else {
    if (typeof secretHash !== 'string') c.fail('secretHash', 'must be a string from hashClientSecret');
    hash = secretHash;
  }
  const parsed = parseSecretHash(hash);
  if (parsed === undefined) c.fail('secretHash', 'is not a hash written by hashClientSecret (scrypt$N=…,r=…,p=…$salt$hash)');
  return { isPublic: false, secret: new SecretChecker(parsed) };
}

function resolveScopes(c: Checker, config: ClientConfig): { scopes: Set<string>; defaults: string[] } {
  const scopes = c.strings(config.scopes, 'scopes') ?? [];
  for (const s of scopes) if (!SCOPE_TOKEN.test(s)) c.fail('scopes', `${JSON.stringify(s)} is not a valid scope token`);
  const set = new Set(scopes);
  const defaults = c.strings(config.defaultScopes, 'defaultScopes') ?? scopes;
  for (const s of defaults) if (!set.has(s)) c.fail('defaultScopes', `${JSON.stringify(s)} is not in scopes`);
  return { scopes: set, defaults: [...new Set(defaults)] };
}

function resolveRedirects(c: Checker, config: ClientConfig, grants: ReadonlySet<string>): Set<string> {
  const uris = c.strings(config.redirectUris, 'redirectUris') ?? [];
  for (const uri of uris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch (cause) {
      return c.fail('redirectUris', `${JSON.stringify(uri)} is not an absolute URL`, cause);
    }
    if (url.hash !== '') c.fail('redirectUris', `${JSON.stringify(uri)} must not have a fragment (RFC 6749 §3.1.2)`);
  }
  if (grants.has('authorization_code') && uris.length === 0) {
    c.fail('redirectUris', 'at least one is required for the authorization_code grant');
  }
  return new Set(uris);
}

/**
 * Validates a {@link ClientConfig} and prepares it for requests: hashes the secret, imports keys (checking sizes),
 * applies defaults. Unknown fields are refused (a typo would otherwise silently change nothing).
 *
 * @param config - the client
 * @param defaults - issuer-wide settings
 * @returns the resolved client
 * @throws {IssuerConfigError} naming the client, the field (as written in its file) and the file
 */
export async function resolveClient(config: ClientConfig, defaults: ClientDefaults): Promise<ResolvedClient> {
  const c = new Checker(config);
  if (!isPlain(config)) throw new IssuerConfigError('every client must be an object');
  if (typeof config.id !== 'string' || config.id.length === 0) c.fail('id', 'is required and must be a non-empty string');
  for (const key of Object.keys(config)) if (!KNOWN.has(key)) c.fail(key, 'is not a client option');

  const { isPublic, secret } = await resolveSecret(c, config);
  const grantList = c.strings(config.grants, 'grants')
    ?? (isPublic ? ['authorization_code', 'refresh_token'] : ['client_credentials']);
  for (const g of grantList) if (!GRANTS.has(g)) c.fail('grants', `${JSON.stringify(g)} is not a supported grant type`);
  const grants = new Set(grantList as GrantType[]);
  if (isPublic && grants.has('client_credentials')) c.fail('grants', 'a public client cannot use client_credentials');

  const format = config.format ?? 'jwt';
  if (!FORMATS.has(format)) c.fail('format', `must be jwt, jwe, jwe-dir or opaque (got ${JSON.stringify(format)})`);
  if (config.signingAlg !== undefined) {
    if (!isJwsAlgorithm(config.signingAlg)) c.fail('signingAlg', `${JSON.stringify(config.signingAlg)} is not a JWS algorithm`);
    if (defaults.signingKeys.current('sig', config.signingAlg) === undefined) {
      c.fail('signingAlg', `the issuer has no current ${config.signingAlg} signing key`);
    }
  }
  const signingKey = await resolveSigningKey(c, config);
  const encryption = await resolveEncryption(c, config, format, defaults);

  const claims = config.claims ?? {};
  if (!isPlain(claims)) c.fail('claims', 'must be a mapping of claim names to values');
  for (const name of Object.keys(claims)) {
    if (REGISTERED.has(name)) c.fail(`claims.${name}`, 'is set by the issuer and cannot be a static claim');
  }
  const audience = config.audience ?? defaults.audience;
  if (typeof audience !== 'string' && c.strings(audience, 'audience') === undefined) c.fail('audience', 'must be a string or a list');
  for (const name of ['subject', 'systemId'] as const) {
    const v = config[name];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0)) c.fail(name, 'must be a non-empty string');
  }
  const compat = config.compat ?? 'oauth';
  if (compat !== 'oauth' && compat !== 'jwe-service') c.fail('compat', 'must be "oauth" or "jwe-service"');
  if (compat === 'jwe-service' && !grants.has('password')) c.fail('grants', 'a jwe-service client needs the password grant');
  const { scopes, defaults: defaultScopes } = resolveScopes(c, config);
  if (config.metadata !== undefined && !isPlain(config.metadata)) c.fail('metadata', 'must be a mapping');

  return Object.freeze({
    id: config.id,
    isPublic,
    secret,
    grants,
    scopes,
    defaultScopes,
    redirectUris: resolveRedirects(c, config, grants),
    audience,
    claims: Object.freeze({ ...claims }),
    format,
    signingAlg: config.signingAlg,
    signingKey,
    encryptionKey: encryption.key,
    enc: encryption.enc,
    zip: encryption.zip,
    accessTokenTtl: c.duration(config.accessTokenTtl, 'accessTokenTtl', defaults.accessTokenTtl),
    refreshTokenTtl: c.duration(config.refreshTokenTtl, 'refreshTokenTtl', defaults.refreshTokenTtl),
    subject: config.subject ?? config.id,
    systemId: config.systemId ?? config.id,
    introspect: c.bool(config.introspect, 'introspect'),
    requireDpop: c.bool(config.requireDpop, 'requireDpop'),
    compat,
    metadata: Object.freeze({ ...config.metadata }),
  });
}
