import {
  importJwk,
  importJwks,
  importPem,
  importSecret,
  InvalidKeyError,
  isJweContentAlgorithm,
  isJweKeyAlgorithm,
  isJwsAlgorithm,
  isKeyWrapAlgorithm,
  type JweContentAlgorithm,
  type Jwk,
  type Jwks,
  type KeyAlgorithm,
  type KeyUse,
  type TesseraError,
  type TesseraKey,
} from '@tessera/core';
import { UsageError } from './errors.js';
import type { KeySource } from './key-source.js';
import { type KeyRequest, ROLE_USE as USE } from './key-request.js';

// Key text → TesseraKeys, through core's importers only. Keys that name no algorithm (PEM, secrets, alg-less JWKs)
// are bound to each algorithm of the request that fits them — never to the token's header, which only feeds hints.

const HMAC = new Set(['HS256', 'HS384', 'HS512']);
const RSA_SIG = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);

function useOfAlg(alg: KeyAlgorithm): KeyUse {
  return isJwsAlgorithm(alg) ? 'sig' : 'enc';
}

/** A dir key sized for another enc than the token's: the hint naming the `--enc` the token asks for, else ''. */
export function encHint(err: TesseraError<string>, req: KeyRequest): string {
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

/** Keys imported from one source. */
export interface Imported {
  keys: TesseraKey[];
  /** Whether they came from a JWKS (which may mix keys for several purposes). */
  fromSet: boolean;
}

/**
 * Imports key text by its shape: a JWKS (`"keys"`), a JWK (`"kty"`), a PEM key (`-----BEGIN`) or a secret.
 * @throws {UsageError} `usage` when an algorithm must be named
 * @throws {TesseraError} core's `invalid_key` / `unsupported_algorithm`
 */
export async function importText(source: KeySource & { kind: 'text' }, req: KeyRequest): Promise<Imported> {
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

