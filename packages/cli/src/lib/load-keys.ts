import {
  createRemoteJwks,
  importJwk,
  importJwks,
  importPem,
  importSecret,
  InvalidKeyError,
  isJweContentAlgorithm,
  isJweKeyAlgorithm,
  isKeyWrapAlgorithm,
  isJwsAlgorithm,
  isTesseraError,
  publicKeyOf,
  TesseraError,
  type JweContentAlgorithm,
  type Jwk,
  type Jwks,
  type KeyAlgorithm,
  type KeyUse,
  type RemoteJwks,
  type SecretEncoding,
  type TesseraKey,
} from '@tessera/core';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { readKeySource, type KeySource } from './key-source.js';

/** What a key is needed for. */
export type KeyRole = 'sign' | 'verify' | 'encrypt' | 'decrypt';

/** How to read the keys of one flag. */
export interface KeyRequest {
  /** The flag the keys came from (`--key`, `--decryption-key`, `--sign-key`), for messages. */
  flag: string;
  /** The flag that binds an algorithm to keys that name none (`--alg`, `--sign-alg`), for messages. */
  algFlag: string;
  role: KeyRole;
  /** Algorithms to bind PEM keys, secrets and alg-less JWKs to; those not of the role's use are ignored. */
  algs: readonly KeyAlgorithm[];
  /** Content encryptions a `dir` secret may be sized for. @default ['A256GCM'] */
  encs?: readonly JweContentAlgorithm[];
  /** How secret text is decoded. @default core's: base64 for dir, utf8 for HS* */
  encoding?: SecretEncoding | undefined;
  /** Picks the key with this kid when a file holds several (sign, encrypt). */
  kid?: string | undefined;
  /** Core's compatibility import options (verify only). */
  allowShortKey?: boolean;
  allowWeakRsa?: boolean;
  /** The token's header, to suggest the algorithm when one is missing. Untrusted: only known names are shown. */
  header?: { alg?: unknown; enc?: unknown } | undefined;
  /** Where a key of the other use belongs, for the message (`pass it as --decryption-key`). */
  otherUseHint?: string;
  /** JWKS URL fetch timeout in milliseconds. @default core's (5000) */
  jwksTimeout?: number | undefined;
}

/** Keys read from the flags: local keys, or one remote JWKS (verify only). */
export type LoadedKeys =
  | { kind: 'keys'; keys: TesseraKey[] }
  | { kind: 'remote'; jwks: RemoteJwks; label: string };

const USE: Record<KeyRole, KeyUse> = { sign: 'sig', verify: 'sig', encrypt: 'enc', decrypt: 'enc' };
const HMAC = new Set(['HS256', 'HS384', 'HS512']);
const RSA_SIG = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);

function useOfAlg(alg: KeyAlgorithm): KeyUse {
  return isJwsAlgorithm(alg) ? 'sig' : 'enc';
}

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

/** A dir key sized for another enc than the token's: say which --enc the token asks for. */
function encHint(err: TesseraError<string>, req: KeyRequest): string {
  const enc = req.header?.enc;
  if (err.code !== 'invalid_key' || req.header?.alg !== 'dir' || !isJweContentAlgorithm(enc) || encsOf(req).includes(enc)) return '';
  return ` (the token's header says "enc": "${enc}": pass --enc ${enc})`;
}

function tokenHint(req: KeyRequest, use: KeyUse): string {
  const alg = req.header?.alg;
  if (typeof alg !== 'string') return '';
  const known = use === 'sig' ? isJwsAlgorithm(alg) : isJweKeyAlgorithm(alg);
  return known ? ` (the token's header says "${alg}")` : '';
}

function missingAlg(req: KeyRequest, source: KeySource, what: string, examples: string): UsageError {
  const use = USE[req.role];
  return new UsageError(
    `${req.flag}: ${source.label} holds ${what}, which names no algorithm: pass ${req.algFlag} (${examples})${tokenHint(req, use)}`,
  );
}

/** Imports with each candidate; the keys that import, or the first error when none does. */
async function bindEach<T>(candidates: readonly T[], importOne: (candidate: T) => Promise<TesseraKey>): Promise<TesseraKey[]> {
  const keys: TesseraKey[] = [];
  let first: unknown;
  for (const candidate of candidates) {
    try {
      keys.push(await importOne(candidate));
    } catch (err) {
      first ??= err;
    }
  }
  if (keys.length === 0) throw first;
  return keys;
}

function isSymmetric(alg: KeyAlgorithm): boolean {
  return HMAC.has(alg) || alg === 'dir' || isKeyWrapAlgorithm(alg);
}

function candidates(req: KeyRequest, symmetric: boolean): KeyAlgorithm[] {
  const use = USE[req.role];
  const ofUse = req.algs.filter((alg) => useOfAlg(alg) === use);
  if (!symmetric) return ofUse.filter((alg) => !isSymmetric(alg));
  // A secret for encryption without an --alg is a "dir" key (the JWE service's kind); key wrapping is asked for.
  if (use === 'enc' && ofUse.length === 0) return ['dir'];
  return ofUse.filter(isSymmetric);
}

/** One way to bind a key: an algorithm, and for dir the content encryption it is sized for. */
interface Attempt {
  alg: KeyAlgorithm;
  enc: JweContentAlgorithm | undefined;
}

function attemptsOf(req: KeyRequest, algs: readonly KeyAlgorithm[]): Attempt[] {
  return algs.flatMap((alg): Attempt[] => (alg === 'dir' ? encsOf(req).map((enc) => ({ alg, enc })) : [{ alg, enc: undefined }]));
}

function encsOf(req: KeyRequest): readonly JweContentAlgorithm[] {
  return req.encs !== undefined && req.encs.length > 0 ? req.encs : ['A256GCM'];
}

async function importSecretText(text: string, req: KeyRequest, source: KeySource): Promise<TesseraKey[]> {
  const algs = candidates(req, true);
  if (algs.length === 0) {
    if (USE[req.role] === 'sig') throw missingAlg(req, source, 'a secret', 'HS256, HS384 or HS512');
    throw new UsageError(`${req.flag}: ${source.label} holds a secret, but ${req.algFlag} names no algorithm for one (dir, A128KW…A256GCMKW)`);
  }
  return bindEach(attemptsOf(req, algs), ({ alg, enc }) =>
    importSecret(text, {
      alg: alg as Parameters<typeof importSecret>[1]['alg'],
      ...(enc === undefined ? {} : { enc }),
      ...(req.encoding === undefined ? {} : { encoding: req.encoding }),
      ...(req.allowShortKey === true && HMAC.has(alg) ? { allowShortKey: true } : {}),
    }),
  );
}

function weakRsa(req: KeyRequest, alg: KeyAlgorithm): { allowWeakRsa?: true } {
  return req.allowWeakRsa === true && RSA_SIG.has(alg) ? { allowWeakRsa: true } : {};
}

async function importPemText(text: string, req: KeyRequest, source: KeySource): Promise<TesseraKey[]> {
  const algs = candidates(req, false);
  if (algs.length === 0) {
    throw missingAlg(req, source, 'a PEM key', USE[req.role] === 'sig' ? 'e.g. ES256, RS256, EdDSA' : 'e.g. RSA-OAEP-256, ECDH-ES+A256KW');
  }
  return bindEach(algs, (alg) => importPem(text, { alg: alg as Exclude<KeyAlgorithm, 'dir'>, ...weakRsa(req, alg) }));
}

async function importJwkObject(jwk: Jwk, req: KeyRequest, source: KeySource): Promise<TesseraKey[]> {
  const oct = jwk.kty === 'oct';
  if (typeof jwk.alg === 'string') {
    const needsEnc = jwk.alg === 'dir' && (jwk as Record<string, unknown>)['enc'] === undefined;
    if (needsEnc) return bindEach(encsOf(req), (enc) => importJwk(jwk, { enc }));
    return [await importJwk(jwk, weakRsa(req, jwk.alg as KeyAlgorithm))];
  }
  const algs = candidates(req, oct);
  if (algs.length === 0) {
    if (oct && USE[req.role] === 'enc') throw new UsageError(`${req.flag}: ${source.label} holds a secret JWK, but ${req.algFlag} names no algorithm for one (dir, A128KW…A256GCMKW)`);
    throw missingAlg(req, source, 'a JWK without "alg"', oct ? 'HS256, HS384 or HS512' : 'e.g. ES256, RS256, ECDH-ES+A256KW');
  }
  return bindEach(attemptsOf(req, algs), ({ alg, enc }) => importJwk(jwk, { alg, ...(enc === undefined ? {} : { enc }), ...weakRsa(req, alg) }));
}

function parseKeyJson(source: KeySource & { kind: 'text' }): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(source.text);
  } catch {
    // JSON.parse's message quotes the text: a key. Say only where it came from.
    throw new InvalidKeyError('starts with "{" but is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidKeyError('is not a JSON object');
  return value as Record<string, unknown>;
}

interface Imported {
  keys: TesseraKey[];
  /** Whether they came from a JWKS (which may mix keys for several purposes). */
  fromSet: boolean;
}

async function importText(source: KeySource & { kind: 'text' }, req: KeyRequest): Promise<Imported> {
  const { text } = source;
  if (text.startsWith('{')) {
    const json = parseKeyJson(source);
    if (Array.isArray(json['keys'])) {
      return { keys: [...(await importJwks(json as unknown as Jwks, { use: USE[req.role] })).list()], fromSet: true };
    }
    if (typeof json['kty'] === 'string') return { keys: await importJwkObject(json as Jwk, req, source), fromSet: false };
    throw new InvalidKeyError('is JSON but neither a JWK (no "kty") nor a JWKS (no "keys")');
  }
  const keys = text.includes('-----BEGIN') ? await importPemText(text, req, source) : await importSecretText(text, req, source);
  return { keys, fromSet: false };
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
