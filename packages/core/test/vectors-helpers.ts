/**
 * Shared machinery of the standard-vector suites (`vectors-*.test.ts`): loading the published JSON from the repo's
 * `test/vectors/`, binding a vector's key the way the suites document, and running a token through core's policy.
 *
 * RFC 7520 and Wycheproof sign and encrypt arbitrary bytes ("foo", "It’s a dangerous business, Frodo…"), not JWT
 * claims, so a run goes through the raw entry points: `createJwsVerifier` for a run whose keys are `keys`,
 * `createJweDecrypter` for one whose keys are `decryptionKeys`. They apply exactly the token verifier's policy up to
 * the cryptographic check (size cap, strict base64url and JSON, header allowlists, `crit`, key selection by
 * `kid`/`alg`, the engine) and return the bytes the signature or ciphertext proved. So "accepted" means the raw call
 * resolved, and its bytes are compared with the vector's payload or plaintext.
 */
import { readFileSync } from 'node:fs';
import { base64url } from 'jose';
import { expect } from 'vitest';
import type { JweContentAlgorithm, KeyAlgorithm } from '../src/algorithms.js';
import { isJweKeyAlgorithm, isJwsAlgorithm } from '../src/algorithms.js';
import { TesseraError, type TesseraErrorCode } from '../src/errors.js';
import { importJwk, importJwks } from '../src/keys/index.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { nodeEngine } from '../src/node.js';
import type { JoseHeader, Jwk, Jwks, TesseraKey } from '../src/types.js';
import {
  createJweDecrypter,
  createJwsVerifier,
  type JweDecrypter,
  type JwsVerifier,
  type VerifyOptions,
} from '../src/verify/index.js';

/** The repo's copy of the published vectors, found from this file (no absolute path: the suite runs in any clone). */
const VECTORS = new URL('../../../test/vectors/', import.meta.url);

/** Reads and parses one JSON file under `test/vectors/`. */
export function readVectors<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, VECTORS), 'utf8')) as T;
}

/** Both engines every vector runs through: the isomorphic jose one and the node:crypto one. */
export const ENGINES: readonly VerificationEngine[] = [joseEngine, nodeEngine];

/** The fixed clock of the vector suites that build JWTs: 2024-01-01T00:00:00Z. */
export const NOW = new Date('2024-01-01T00:00:00Z');

/** One Wycheproof JOSE test (JWS, JWE or JWK file). */
export interface WycheproofTest {
  tcId: number;
  comment: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
  jws?: unknown;
  jwe?: unknown;
  /** Expected plaintext (hex) of a JWE test. */
  pt?: string;
}

/** One Wycheproof JOSE test group: the key (or key set) its tests are checked with. */
export interface WycheproofGroup {
  comment: string;
  private: Jwk | Jwks;
  public?: Jwk | Jwks;
  tests: WycheproofTest[];
}

/** A Wycheproof JOSE file. */
export interface WycheproofFile {
  numberOfTests: number;
  testGroups: WycheproofGroup[];
}

/** Reads a file of `test/vectors/wycheproof/testvectors_v1/`. */
export function readWycheproof<T = WycheproofFile>(name: string): T {
  return readVectors<T>(`wycheproof/testvectors_v1/${name}`);
}

const utf8 = new TextEncoder();

/** UTF-8 bytes of `text`. */
export function bytesOf(text: string): Uint8Array<ArrayBuffer> {
  return utf8.encode(text);
}

/** Bytes of a hex string. */
export function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

/** The compact token a test carries; a JSON serialization object is sent as its JSON text (what a server receives). */
export function tokenOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The protected header of a token, read leniently (for setting a test up, never for a verdict); undefined if none. */
export function peekHeader(token: string): JoseHeader | undefined {
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[0] ?? '')));
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? (header as JoseHeader) : undefined;
  } catch {
    return undefined;
  }
}

/** The bytes a JWS vector signed: its payload segment, decoded leniently (only valid vectors are compared). */
export function jwsPayloadOf(token: string): Uint8Array {
  return base64url.decode(token.split('.')[1] ?? '');
}

/** `jwk` without the members a public key must not carry. */
export function publicPart(jwk: Jwk): Jwk {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return rest;
}

/** `jwk` without `alg`: for published keys whose `alg` does not describe how the token uses them. */
export function withoutAlg(jwk: Jwk): Jwk {
  const { alg: _alg, ...rest } = jwk;
  return rest;
}

/** Imports `jwk` bound to `alg` (and `enc` for `dir`), ignoring the JWK's own `alg`. */
export function importAs(jwk: Jwk, alg: KeyAlgorithm, enc?: JweContentAlgorithm): Promise<TesseraKey> {
  return importJwk(withoutAlg(jwk), alg === 'dir' ? { alg, enc } : { alg });
}

/** What a vector run ended with. */
export type Verdict =
  | { readonly accepted: true; readonly opened: Uint8Array; readonly header: JoseHeader }
  | { readonly accepted: false; readonly stage: 'import' | 'verify'; readonly error: unknown };

/** Where a run's keys come from: `sig` keys for a JWS, `enc` keys for a JWE. Throwing means "rejected at import". */
export type KeySetup = () => Promise<Pick<VerifyOptions, 'keys' | 'decryptionKeys'>>;

/**
 * Runs `token` through core's policy with the keys `setup` builds, on `engine`: a JWS verifier when they are `keys`,
 * a JWE decrypter when they are `decryptionKeys` (see the top of this file). Default policy otherwise.
 */
export async function runVector(token: string, setup: KeySetup, engine: VerificationEngine): Promise<Verdict> {
  let keys: Pick<VerifyOptions, 'keys' | 'decryptionKeys'>;
  try {
    keys = await setup();
  } catch (error) {
    return { accepted: false, stage: 'import', error };
  }
  const open = keys.decryptionKeys !== undefined
    ? decrypterOf(createJweDecrypter({ decryptionKeys: keys.decryptionKeys, engine }))
    : verifierOf(createJwsVerifier({ keys: required(keys.keys), engine }));
  try {
    const { bytes, header } = await open(token);
    return { accepted: true, opened: bytes, header };
  } catch (error) {
    return { accepted: false, stage: 'verify', error };
  }
}

type Open = (token: string) => Promise<{ bytes: Uint8Array; header: JoseHeader }>;

function decrypterOf(decrypter: JweDecrypter): Open {
  return async (token) => {
    const { plaintext, header } = await decrypter.decrypt(token);
    return { bytes: plaintext, header };
  };
}

function verifierOf(verifier: JwsVerifier): Open {
  return async (token) => {
    const { payload, header } = await verifier.verify(token);
    return { bytes: payload, header };
  };
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the key setup returned neither keys nor decryptionKeys');
  return value;
}

/** Asserts that the run accepted the token and proved exactly `expected`. */
export function expectAccepted(verdict: Verdict, expected: Uint8Array): void {
  expect(verdict.accepted ? 'accepted' : describeRejection(verdict)).toBe('accepted');
  if (verdict.accepted) expect(new Uint8Array(verdict.opened)).toEqual(new Uint8Array(expected));
}

/** An expected rejection: its code, a message pattern, and (optionally) the stage it happens at. */
export interface Rejection {
  readonly code: TesseraErrorCode;
  readonly message: RegExp;
  readonly stage?: 'import' | 'verify';
}

/** Asserts that the run rejected the token with a {@link TesseraError} of this code and message. */
export function expectRejected(verdict: Verdict, rejection: Rejection): void {
  expect(verdict.accepted ? 'accepted' : 'rejected').toBe('rejected');
  if (verdict.accepted) return;
  expect(verdict.error).toBeInstanceOf(TesseraError);
  expect(verdict.error).toMatchObject({ code: rejection.code, message: expect.stringMatching(rejection.message) });
  if (rejection.stage !== undefined) expect(verdict.stage).toBe(rejection.stage);
}

/** A one-line account of a rejection, for failure output. */
function describeRejection(verdict: Verdict): string {
  if (verdict.accepted) return 'accepted';
  const error = verdict.error;
  return error instanceof TesseraError
    ? `rejected at ${verdict.stage}: ${error.code}: ${error.message}`
    : `rejected at ${verdict.stage} by a non-Tessera error: ${String(error)}`;
}

/** Wycheproof groups that reuse RFC 7520 keys with an `alg` the RFC never gave them (`ES521`, PS256 for PS384). */
function isPublishedKeyGroup(group: WycheproofGroup): boolean {
  return /^rfc_?7520/.test(group.comment);
}

function isJwks(material: Jwk | Jwks): material is Jwks {
  return Array.isArray((material as Jwks).keys);
}

const DIR_ENC_BY_SIZE: Readonly<Record<number, JweContentAlgorithm>> = { 16: 'A128GCM', 24: 'A192GCM', 32: 'A256GCM', 64: 'A256CBC-HS512' };

/** The in-set algorithm an out-of-set encryption key's material is bound to, so the verifier really holds it. */
function standIn(jwk: Jwk): { alg: KeyAlgorithm; enc?: JweContentAlgorithm } {
  if (jwk.kty === 'RSA') return { alg: 'RSA-OAEP-256' };
  if (jwk.kty === 'oct') return { alg: 'dir', enc: DIR_ENC_BY_SIZE[base64url.decode(jwk.k ?? '').byteLength] };
  throw new Error(`no stand-in algorithm for a ${String(jwk.kty)} key`);
}

/** How one Wycheproof test's group key is bound for its token. */
export interface GroupBinding {
  /** The algorithm the vector means the key for, or undefined for a key set. */
  readonly alg: string | undefined;
  /** True when that algorithm is outside Tessera's set (the key material is then bound to a stand-in). */
  readonly outOfSet: boolean;
  readonly setup: KeySetup;
}

/**
 * Binds a Wycheproof group's key for `token`, as the suites document: a key set is imported whole; a key keeps its
 * JWK `alg`, except in the RFC 7520 groups (and for keys without one), where the key is selected by `kid`/`kty` and
 * bound to the token's `alg`. A key for an algorithm Tessera does not support is bound to a stand-in of its type
 * (`dir`, `RSA-OAEP-256`), so a rejection cannot be blamed on a missing key.
 */
export function bindGroupKey(group: WycheproofGroup, token: string, use: 'sig' | 'enc'): GroupBinding {
  const material = use === 'sig' ? (group.public ?? group.private) : group.private;
  const option = use === 'sig' ? 'keys' : 'decryptionKeys';
  if (isJwks(material)) {
    return { alg: undefined, outOfSet: false, setup: async () => ({ [option]: await importJwks(material) }) };
  }
  const header = peekHeader(token);
  const fromToken = isPublishedKeyGroup(group) || material.alg === undefined;
  const alg = fromToken ? (header?.alg ?? material.alg) : material.alg;
  const target = (use === 'sig' ? isJwsAlgorithm(alg) : isJweKeyAlgorithm(alg)) ? (alg as KeyAlgorithm) : undefined;
  if (target === undefined) {
    if (use === 'sig') return { alg, outOfSet: true, setup: () => importJwk(material).then((key) => ({ keys: [key] })) };
    const stand = standIn(material);
    return { alg, outOfSet: true, setup: async () => ({ decryptionKeys: [await importAs(material, stand.alg, stand.enc)] }) };
  }
  const enc = target === 'dir' ? (header?.enc as JweContentAlgorithm | undefined) : undefined;
  const load = fromToken ? () => importAs(material, target, enc) : () => importJwk(material);
  return { alg: target, outOfSet: false, setup: async () => ({ [option]: [await load()] }) };
}

/** Rejections several vector suites expect, with core's exact messages. */
export const SEGMENTS: Rejection = { code: 'token_malformed', message: /^token must have 3 \(JWS\) or 5 \(JWE\) base64url segments$/ };
export const NOT_CANONICAL: Rejection = { code: 'token_malformed', message: /^token segment is not canonical base64url$/ };
export const HEADER_NOT_JSON: Rejection = { code: 'token_malformed', message: /^token header is not valid JSON$/ };
export const DECRYPTION: Rejection = { code: 'decryption_failed', message: /^decryption failed$/, stage: 'verify' };
