import type { JwtClaims } from '@tessera/core';
import { IssuerConfigError } from '../errors.js';
import type { ClientConfig, ClientEncryptionConfig } from './client-config.js';
import type { ConfigValue } from './interpolate-env.js';

/** A client read from a file, and how its fields were named there (so errors name the file's field). */
export interface SourcedClient {
  readonly config: ClientConfig;
  /** ClientConfig field path → the field as written in the file. */
  readonly fieldNames: Readonly<Record<string, string>>;
}

type Doc = { [key: string]: ConfigValue };

function isDoc(value: ConfigValue | undefined): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for the JWE service's API-key file (`id`, `owner`, `jwe_config`, `claims.static`). */
export function isApiKeyFile(doc: Doc): boolean {
  return isDoc(doc.jwe_config) || (isDoc(doc.claims) && isDoc(doc.claims.static)) || typeof doc.owner === 'string';
}

/** True for the JWE service's Control Tower manifest block (`{ name, type: "jwt_config", config }`). */
export function isJwtConfigManifest(doc: Doc): boolean {
  return doc.type === 'jwt_config' && isDoc(doc.config);
}

function fail(client: string | undefined, field: string, message: string): never {
  throw new IssuerConfigError(message, { client, field });
}

function str(doc: Doc, name: string, client: string | undefined, field: string): string | undefined {
  const value = doc[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(client, field, 'must be a string');
  return value;
}

function hoursOrMinutes(value: ConfigValue | undefined, unitSeconds: number, client: string, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) fail(client, field, 'must be a positive number');
  return Math.round(n * unitSeconds);
}

function compression(value: ConfigValue | undefined, client: string, field: string): 'DEF' | undefined {
  if (value === undefined || value === null || value === 'null' || value === '') return undefined;
  if (value !== 'DEF') fail(client, field, 'must be null or "DEF"');
  return 'DEF';
}

function boolish(value: ConfigValue | undefined, client: string, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(client, field, 'must be true or false');
}

/**
 * Reads the JWE service's API-key file: `id` is the client id (the `api_key` of its JSON login), `jwe_config`
 * selects `jwe-dir` tokens under `encryption_key`, `claims.static` become static claims (`exp_hours` the access
 * token lifetime). The client logs users in through the JSON body (`compat: 'jwe-service'`) and the password grant.
 *
 * @param doc - the interpolated file
 * @returns the client and the file's field names
 * @throws {IssuerConfigError} naming the field when one has the wrong type
 */
export function fromApiKeyFile(doc: Doc): SourcedClient {
  const id = str(doc, 'id', undefined, 'id');
  if (id === undefined || id.length === 0) fail(undefined, 'id', 'is required');
  const fieldNames: Record<string, string> = { id: 'id' };
  const config: ClientConfig = { id, compat: 'jwe-service', public: true, grants: ['password', 'refresh_token'] };
  const metadata: Record<string, unknown> = {};
  if (doc.owner !== undefined) metadata.owner = doc.owner;

  const jwe = doc.jwe_config;
  if (jwe !== undefined && jwe !== null) {
    if (!isDoc(jwe)) fail(id, 'jwe_config', 'must be a mapping');
    if (boolish(jwe.enabled, id, 'jwe_config.enabled')) {
      const algorithm = str(jwe, 'algorithm', id, 'jwe_config.algorithm') ?? 'dir';
      if (algorithm !== 'dir') fail(id, 'jwe_config.algorithm', `must be "dir" (got ${JSON.stringify(algorithm)})`);
      const encryption: ClientEncryptionConfig = { alg: 'dir' };
      const key = str(jwe, 'encryption_key', id, 'jwe_config.encryption_key');
      if (key !== undefined) encryption.key = key;
      const enc = str(jwe, 'encryption', id, 'jwe_config.encryption');
      if (enc !== undefined) encryption.enc = enc as ClientEncryptionConfig['enc'];
      const zip = compression(jwe.compression, id, 'jwe_config.compression');
      if (zip !== undefined) encryption.zip = zip;
      config.format = 'jwe-dir';
      config.encryption = encryption;
      Object.assign(fieldNames, {
        'encryption.key': 'jwe_config.encryption_key',
        'encryption.enc': 'jwe_config.encryption',
        'encryption.zip': 'jwe_config.compression',
        'encryption.alg': 'jwe_config.algorithm',
        encryption: 'jwe_config',
        format: 'jwe_config.enabled',
      });
    }
  }

  const claims = doc.claims;
  if (claims !== undefined && claims !== null) {
    if (!isDoc(claims)) fail(id, 'claims', 'must be a mapping');
    const statics = claims.static;
    if (statics !== undefined && statics !== null) {
      if (!isDoc(statics)) fail(id, 'claims.static', 'must be a mapping');
      const { exp_hours: expHours, ...rest } = statics;
      const ttl = hoursOrMinutes(expHours, 3600, id, 'claims.static.exp_hours');
      if (ttl !== undefined) config.accessTokenTtl = ttl;
      config.claims = rest as JwtClaims;
      fieldNames.claims = 'claims.static';
      fieldNames.accessTokenTtl = 'claims.static.exp_hours';
    }
  }
  for (const [key, value] of Object.entries(doc)) {
    if (!['id', 'owner', 'jwe_config', 'claims'].includes(key)) metadata[key] = value;
  }
  if (Object.keys(metadata).length > 0) config.metadata = metadata;
  return { config, fieldNames };
}

/**
 * Reads the JWE service's manifest block `{ name, type: "jwt_config", config: { secret_key, algorithm,
 * expiration_minutes, jwe_enabled, jwe_encryption_key, jwe_algorithm, jwe_encryption, jwe_compression } }`: `name`
 * is the client id, `secret_key` the client's own HS* signing key, and with `jwe_enabled` tokens are `jwe-dir`.
 *
 * @param doc - the interpolated block
 * @returns the client and the file's field names
 * @throws {IssuerConfigError} naming the field when one has the wrong type
 */
export function fromJwtConfigManifest(doc: Doc): SourcedClient {
  const id = str(doc, 'name', undefined, 'name');
  if (id === undefined || id.length === 0) fail(undefined, 'name', 'is required');
  const c = doc.config as Doc;
  const fieldNames: Record<string, string> = {
    id: 'name',
    signingKey: 'config.secret_key',
    signingKeyAlg: 'config.algorithm',
    accessTokenTtl: 'config.expiration_minutes',
    format: 'config.jwe_enabled',
    encryption: 'config',
    'encryption.key': 'config.jwe_encryption_key',
    'encryption.alg': 'config.jwe_algorithm',
    'encryption.enc': 'config.jwe_encryption',
    'encryption.zip': 'config.jwe_compression',
  };
  const config: ClientConfig = { id, compat: 'jwe-service', public: true, grants: ['password', 'refresh_token'] };
  const secret = str(c, 'secret_key', id, 'config.secret_key');
  if (secret !== undefined) config.signingKey = secret;
  const alg = str(c, 'algorithm', id, 'config.algorithm');
  if (alg !== undefined) config.signingKeyAlg = alg as ClientConfig['signingKeyAlg'];
  const ttl = hoursOrMinutes(c.expiration_minutes, 60, id, 'config.expiration_minutes');
  if (ttl !== undefined) config.accessTokenTtl = ttl;
  if (boolish(c.jwe_enabled, id, 'config.jwe_enabled')) {
    const encryption: ClientEncryptionConfig = {};
    const key = str(c, 'jwe_encryption_key', id, 'config.jwe_encryption_key');
    if (key !== undefined) encryption.key = key;
    const algorithm = str(c, 'jwe_algorithm', id, 'config.jwe_algorithm') ?? 'dir';
    if (algorithm !== 'dir') fail(id, 'config.jwe_algorithm', `must be "dir" (got ${JSON.stringify(algorithm)})`);
    encryption.alg = 'dir';
    const enc = str(c, 'jwe_encryption', id, 'config.jwe_encryption');
    if (enc !== undefined) encryption.enc = enc as ClientEncryptionConfig['enc'];
    const zip = compression(c.jwe_compression, id, 'config.jwe_compression');
    if (zip !== undefined) encryption.zip = zip;
    config.format = 'jwe-dir';
    config.encryption = encryption;
  }
  return { config, fieldNames };
}
