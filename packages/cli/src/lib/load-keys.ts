import {
  createRemoteJwks,
  InvalidKeyError,
  isTesseraError,
  publicKeyOf,
  TesseraError,
  type KeyUse,
  type RemoteJwks,
  type TesseraKey,
} from '@tessera/core';
import { UsageError } from './errors.js';
import { encHint, type Imported, importText } from './import-key-text.js';
import type { CliIo } from './io.js';
import { type KeyRequest, ROLE_USE as USE } from './key-request.js';
import { readKeySource, type KeySource } from './key-source.js';

export type { KeyRequest, KeyRole } from './key-request.js';

/** Keys read from the flags: local keys, or one remote JWKS (verify only). */
export type LoadedKeys =
  | { kind: 'keys'; keys: TesseraKey[] }
  | { kind: 'remote'; jwks: RemoteJwks; label: string };

function purpose(use: KeyUse): string {
  return use === 'sig' ? 'signing' : 'encryption';
}

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

/** Re-issues a core error with the flag and the source in front, keeping its code. */
function withSource(err: unknown, req: KeyRequest, source: KeySource): unknown {
  const prefix = `${req.flag} (${source.label})`;
  if (err instanceof UsageError) return err;
  if (isTesseraError(err)) return new TesseraError(err.code, `${prefix}: ${err.message}${encHint(err, req)}`, { cause: err, status: err.status });
  if (err instanceof TypeError && (err as { code?: unknown }).code === 'invalid_argument') return new UsageError(`${prefix}: ${err.message}`);
  return err;
}

/** Checks a key against what the command does with it; a private key that verifies becomes its public half. */
function fitRole(key: TesseraKey, req: KeyRequest, source: KeySource): TesseraKey {
  const use = USE[req.role];
  if (key.use !== use) {
    const hint = req.otherUseHint === undefined ? '' : `; ${req.otherUseHint}`;
    throw new InvalidKeyError(`${req.flag}: ${source.label} holds ${article(purpose(key.use))} key (${key.alg}), not ${article(purpose(use))} key${hint}`);
  }
  if (req.role === 'verify') return publicKeyOf(key);
  if (key.type === 'public' && (req.role === 'sign' || req.role === 'decrypt')) {
    throw new InvalidKeyError(`${req.flag}: ${source.label} holds a public ${key.alg} key; ${req.role === 'sign' ? 'signing' : 'decrypting'} needs the private key`);
  }
  return key;
}

async function loadOne(source: KeySource & { kind: 'text' }, req: KeyRequest): Promise<TesseraKey[]> {
  let imported: Imported;
  try {
    imported = await importText(source, req);
  } catch (err) {
    throw withSource(err, req, source);
  }
  const { keys, fromSet } = imported;
  if (!fromSet) return keys.map((key) => fitRole(key, req, source));
  // A JWKS may mix keys; keep those this command can use.
  const usable = keys.filter((key) => key.use === USE[req.role] && !(key.type === 'public' && (req.role === 'sign' || req.role === 'decrypt')));
  if (usable.length === 0) {
    throw new InvalidKeyError(`${req.flag}: ${source.label} has no ${req.role === 'sign' || req.role === 'decrypt' ? 'private ' : ''}key to ${req.role} with`);
  }
  return usable.map((key) => (req.role === 'verify' ? publicKeyOf(key) : key));
}

/**
 * Reads and imports the keys given to one flag (repeatable), through core's importers only: `importSecret`,
 * `importPem`, `importJwk`, `importJwks`, `createRemoteJwks`. Keys that name no algorithm (PEM, secrets, alg-less
 * JWKs) are bound to each algorithm of `req.algs` that fits them — never to the token's header.
 * @param specs - the flag's values (see `readKeySource`)
 * @param req - what the keys are for
 * @param io - files, environment
 * @returns local keys, or a remote JWKS
 * @throws {UsageError} `usage`: no key, an algorithm is needed, a URL where it cannot serve
 * @throws {TesseraError} core's `invalid_key` / `unsupported_algorithm`, prefixed with the flag and the source
 */
export async function loadKeys(specs: readonly string[], req: KeyRequest, io: CliIo): Promise<LoadedKeys> {
  const sources = await Promise.all(specs.map((spec) => readKeySource(spec, req.flag, io)));
  const urls = sources.filter((s): s is KeySource & { kind: 'url' } => s.kind === 'url');
  if (urls.length > 0) {
    if (req.role !== 'verify') throw new UsageError(`${req.flag}: a JWKS URL serves public signing keys; it can only verify`);
    if (sources.length > 1) throw new UsageError(`${req.flag}: a JWKS URL cannot be combined with other keys`);
    const [only] = urls as [KeySource & { kind: 'url' }];
    return {
      kind: 'remote',
      jwks: createRemoteJwks(only.url, req.jwksTimeout === undefined ? {} : { timeoutDuration: req.jwksTimeout }),
      label: only.label,
    };
  }
  const keys: TesseraKey[] = [];
  for (const source of sources as (KeySource & { kind: 'text' })[]) keys.push(...(await loadOne(source, req)));
  return { kind: 'keys', keys };
}

/**
 * The one key a command writes with (sign, encrypt): the only key given, or the one whose kid is `req.kid`.
 * @throws {UsageError} `usage` when there is none, or several and no kid picks one
 */
export function onlyKey(loaded: LoadedKeys, req: KeyRequest): TesseraKey {
  if (loaded.kind !== 'keys') throw new UsageError(`${req.flag}: a JWKS URL cannot ${req.role}`);
  let keys = loaded.keys;
  if (req.kid !== undefined && keys.length > 1) keys = keys.filter((key) => key.kid === req.kid);
  if (keys.length === 1) return keys[0]!;
  if (keys.length === 0) throw new UsageError(`${req.flag}: no key with that --kid`);
  throw new UsageError(`${req.flag}: ${keys.length} keys can ${req.role}; pick one with --kid`);
}
