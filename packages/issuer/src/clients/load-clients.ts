import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parse } from 'yaml';
import { IssuerConfigError } from '../errors.js';
import type { ClientConfig } from './client-config.js';
import { interpolateEnv, MissingEnvError, type ConfigValue } from './interpolate-env.js';
import { fromApiKeyFile, fromJwtConfigManifest, isApiKeyFile, isJwtConfigManifest, type SourcedClient } from './reference-shapes.js';

/** Options of {@link loadClients}. */
export interface LoadClientsOptions {
  /**
   * Where `${NAME}` references are looked up.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Where a loaded client came from: errors at start-up name the file and the field as written there. */
export interface ClientSource {
  readonly file: string;
  readonly fieldNames: Readonly<Record<string, string>>;
}

const sources = new WeakMap<ClientConfig, ClientSource>();

/** The file a client was loaded from (undefined for clients configured in code). */
export function clientSource(config: ClientConfig): ClientSource | undefined {
  return sources.get(config);
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

type Doc = { [key: string]: ConfigValue };

function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rawId(doc: Doc): string | undefined {
  const id = doc.id ?? doc.name;
  return typeof id === 'string' && !id.includes('${') ? id : undefined;
}

function readOne(doc: ConfigValue, file: string, env: LoadClientsOptions['env'] & object, index: string): SourcedClient {
  if (!isDoc(doc)) throw new IssuerConfigError(`entry ${index} must be a mapping`, { file });
  const client = rawId(doc);
  let resolved: ConfigValue;
  try {
    resolved = interpolateEnv(doc, env);
  } catch (err) {
    if (err instanceof MissingEnvError) throw new IssuerConfigError(err.message, { file, client, field: err.path });
    throw err;
  }
  const interpolated = resolved as Doc;
  try {
    if (isJwtConfigManifest(interpolated)) return fromJwtConfigManifest(interpolated);
    if (isApiKeyFile(interpolated)) return fromApiKeyFile(interpolated);
  } catch (err) {
    if (err instanceof IssuerConfigError) {
      throw new IssuerConfigError(err.reason, { file, client: err.client ?? client, field: err.field }, { cause: err.cause });
    }
    throw err;
  }
  const fieldNames: Record<string, string> = {};
  return { config: interpolated as unknown as ClientConfig, fieldNames };
}

async function loadFile(file: string, env: LoadClientsOptions['env'] & object): Promise<ClientConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new IssuerConfigError('cannot be read', { file }, { cause });
  }
  let parsed: unknown;
  try {
    // JSON is YAML 1.2; `uniqueKeys` refuses a key written twice (which one would win is a guess).
    parsed = parse(text, { uniqueKeys: true, prettyErrors: false, maxAliasCount: 100 });
  } catch (cause) {
    throw new IssuerConfigError(`is not valid YAML/JSON: ${(cause as Error).message.split('\n')[0]}`, { file }, { cause });
  }
  let entries: ConfigValue[];
  if (Array.isArray(parsed)) entries = parsed as ConfigValue[];
  else if (isDoc(parsed) && Array.isArray(parsed.clients)) entries = parsed.clients;
  else if (isDoc(parsed)) entries = [parsed];
  else throw new IssuerConfigError('must hold a client, a list of clients or { clients: [...] }', { file });
  return entries.map((entry, i) => {
    const { config, fieldNames } = readOne(entry, file, env, `#${i + 1}`);
    sources.set(config, { file, fieldNames });
    return config;
  });
}

/**
 * Loads clients from YAML or JSON files, or from every `.yaml`/`.yml`/`.json` file of a directory (sorted by name).
 * A file holds one client, a list, or `{ clients: [...] }`, with the fields of {@link ClientConfig}; the reference
 * JWE service's API-key files (`id`, `owner`, `jwe_config`, `claims.static`) and `jwt_config` manifest blocks are
 * recognised and translated. `${NAME}`, `${NAME:-default}` and `${NAME:default}` in string values are replaced from
 * the environment (after parsing, so a value can never change the file's structure; `$${` writes a literal `${`).
 *
 * @param paths - files or directories
 * @param options - the environment to interpolate from
 * @returns the clients, for `createIssuer({ clients })`; their key and secret fields are checked there
 * @throws {IssuerConfigError} `invalid_issuer_config` naming the file, client and field: unreadable or invalid file,
 *   duplicate key, unset environment variable, wrong type
 * @example
 * ```ts
 * const issuer = await createIssuer({ issuer, signingKeys, clients: await loadClients(['config/api_keys']) });
 * ```
 */
export async function loadClients(paths: string | readonly string[],
  options: LoadClientsOptions = {}): Promise<ClientConfig[]> {
  const env = options.env ?? process.env;
  const list = typeof paths === 'string' ? [paths] : paths;
  const out: ClientConfig[] = [];
  for (const path of list) {
    let info;
    try {
      info = await stat(path);
    } catch (cause) {
      throw new IssuerConfigError('does not exist', { file: path }, { cause });
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => EXTENSIONS.has(extname(n).toLowerCase())).sort();
      for (const name of names) out.push(...await loadFile(join(path, name), env));
    } else {
      out.push(...await loadFile(path, env));
    }
  }
  return out;
}
