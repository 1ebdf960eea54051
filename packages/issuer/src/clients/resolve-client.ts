import { isJwsAlgorithm, type JweContentAlgorithm, type JwsAlgorithm, type JwtClaims, type KeySet, type TesseraKey } from '@tessera/core';
import { IssuerConfigError } from '../errors.js';
import { Checker, isPlain } from './client-checker.js';
import type { ClientConfig, GrantType, TokenFormat } from './client-config.js';
import { hashClientSecret, parseSecretHash, SecretChecker } from './client-secret.js';
import { resolveEncryption, resolveSigningKey } from './resolve-client-keys.js';

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
