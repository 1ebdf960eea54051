import { TesseraArgumentError, parseDuration, type Jwk, type TokenStore } from '@tessera/core';
import { base64url, calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import { DpopError } from '../errors.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { sha256Base64url } from '../lib/sha256.js';
import type { DpopNonceSource } from './create-dpop-nonce-source.js';
import { normalizeHtu } from './normalize-htu.js';

/** The asymmetric JWS algorithms a DPoP proof may use (RFC 9449 §4.2: never `none`, never a MAC). */
export type DpopAlgorithm =
  | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'PS256' | 'PS384' | 'PS512' | 'RS256' | 'RS384' | 'RS512';

/** Every {@link DpopAlgorithm}, in the order servers advertise them (`algs`). */
export const DPOP_ALGORITHMS: readonly DpopAlgorithm[] = Object.freeze([
  'ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512',
]);

/** Options of {@link createDpopProofVerifier}; validated once. */
export interface DpopProofVerifierOptions {
  /**
   * Where proof `jti`s are remembered so a proof is accepted once (RFC 9449 §11.1). Use a shared store
   * (`@tessera/redis`) when several instances serve the same URLs: a replay to another instance is caught too.
   */
  store: Pick<TokenStore, 'markUsed'>;
  /**
   * Proof algorithms accepted; each must be asymmetric.
   * @default every {@link DpopAlgorithm}
   */
  algorithms?: readonly DpopAlgorithm[];
  /**
   * How old a proof may be (from its `iat`), in seconds or as a duration (`'1m'`).
   * @default 60
   */
  maxAge?: number | string;
  /**
   * Clock skew allowed on `iat` (both ways), in seconds or as a duration.
   * @default 10
   */
  clockTolerance?: number | string;
  /**
   * Server nonces (RFC 9449 §8/§9): when set, a proof must carry a `nonce` the source accepts, else the answer is
   * `use_dpop_nonce` with a fresh `DPoP-Nonce` header.
   * @default undefined (no nonce required)
   */
  nonce?: DpopNonceSource;
  /**
   * Largest proof accepted, in bytes, checked before anything is parsed.
   * @default 8192
   */
  maxProofSize?: number;
  /** The clock. @default () => new Date() */
  currentDate?: () => Date;
}

/** The request a proof must match. */
export interface DpopRequest {
  /** The HTTP method, as received (`GET`, `POST`); compared exactly with `htm`. */
  method: string;
  /** The absolute URL of the request as the client addressed it (public origin + path); query and fragment ignored. */
  url: string;
  /** The access token sent with the proof: `ath` must be its SHA-256 (RFC 9449 §4.3 step 11). Absent at /token. */
  accessToken?: string;
}

/** A proof that passed every check. */
export interface DpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof key: what `cnf.jkt` of a bound token must equal. */
  readonly jkt: string;
  /** The proof's public key (public members only). */
  readonly jwk: Readonly<Jwk>;
  /** The proof's `alg`. */
  readonly alg: DpopAlgorithm;
  /** The proof's `jti` (now marked as used). */
  readonly jti: string;
  /** The proof's `iat`, seconds since the epoch. */
  readonly iat: number;
  /** The proof's `htm`. */
  readonly htm: string;
  /** The proof's `htu` as sent. */
  readonly htu: string;
  /** The proof's `nonce`, when it had one. */
  readonly nonce: string | undefined;
  /** The proof's `ath`, when it had one. */
  readonly ath: string | undefined;
  /** Every claim of the proof. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Checks DPoP proofs against requests. */
export interface DpopProofVerifier {
  /**
   * Checks one proof (the value of the request's single `DPoP` header) against the request.
   * @param proof - the `DPoP` header value
   * @param request - method, URL and (at a resource server) the access token
   * @returns the checked proof, with the key thumbprint to compare with the token's `cnf.jkt`
   * @throws {DpopError} `invalid_dpop_proof` (any failed check, a replayed `jti`), `use_dpop_nonce` (nonce missing
   *   or stale; `headers['DPoP-Nonce']` carries a fresh one)
   * @throws {TesseraError} `store_unavailable` when the replay store does not answer (fail closed)
   */
  verify(proof: string, request: DpopRequest): Promise<DpopProof>;
  /** The accepted algorithms, for the `algs` challenge parameter. */
  readonly algorithms: readonly DpopAlgorithm[];
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
const CURVE: Partial<Record<DpopAlgorithm, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521', EdDSA: 'Ed25519' };
const MAX_JTI_LENGTH = 256;
const decoder = new TextDecoder();

function fail(message: string): never {
  throw new DpopError(`DPoP proof ${message}`);
}

function decodeJson(segment: string | Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(typeof segment === 'string' ? base64url.decode(segment) : segment));
  } catch {
    fail(`${what} is not base64url-encoded JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function checkJwk(value: unknown, alg: DpopAlgorithm): Jwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('header has no "jwk" object');
  const jwk = value as Jwk;
  for (const member of PRIVATE_MEMBERS) {
    if (member in jwk) fail(`"jwk" must be a public key (it has the private member "${member}")`);
  }
  const kty = alg.startsWith('ES') ? 'EC' : alg === 'EdDSA' ? 'OKP' : 'RSA';
  if (jwk.kty !== kty) fail(`"jwk" must be a ${kty} key for ${alg}`);
  const crv = CURVE[alg];
  if (crv !== undefined && jwk.crv !== crv) fail(`"jwk" must be on curve ${crv} for ${alg}`);
  if (jwk.alg !== undefined && jwk.alg !== alg) fail('"jwk" alg contradicts the header alg');
  if (jwk.use !== undefined && jwk.use !== 'sig') fail('"jwk" use must be "sig"');
  return jwk;
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TesseraArgumentError(`"${name}" must be a positive integer`);
  }
  return value;
}

/**
 * Builds a DPoP proof verifier (RFC 9449 §4.3): the issuer checks proofs at its token endpoint with it, the resource
 * verifier at every `Authorization: DPoP` request. Each proof must be a JWS with `typ: dpop+jwt`, an asymmetric `alg`
 * from the allowlist and a public `jwk` (no private members) matching that `alg`, signed by that key; `htm` equal to
 * the request method and `htu` to the request URL (normalised, without query and fragment); `iat` within `maxAge`
 * (± `clockTolerance`); `ath` equal to the SHA-256 of the access token when one is given; a `nonce` the source
 * accepts when nonces are on; and a `jti` never seen before for that key (remembered in the store for as long as
 * the proof could be accepted). The returned `jkt` is the RFC 7638 thumbprint the token's `cnf.jkt` must equal.
 *
 * @param options - see {@link DpopProofVerifierOptions}
 * @returns a frozen {@link DpopProofVerifier}
 * @throws {TesseraArgumentError} `invalid_argument` naming a bad option (no store, a symmetric algorithm, …)
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 * @example
 * ```ts
 * const proofs = createDpopProofVerifier({ store });
 * const proof = await proofs.verify(req.headers.dpop, { method: 'POST', url: 'https://as.example/token' });
 * // bind the issued token: cnf: { jkt: proof.jkt }
 * ```
 */
export function createDpopProofVerifier(options: DpopProofVerifierOptions): DpopProofVerifier {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('"options" must be an object');
  const { store, nonce } = options;
  if (typeof store?.markUsed !== 'function') throw new TesseraArgumentError('"store" must have a markUsed method (a TokenStore)');
  const algorithms = options.algorithms ?? DPOP_ALGORITHMS;
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every((a) => DPOP_ALGORITHMS.includes(a))) {
    throw new TesseraArgumentError(`"algorithms" must be a non-empty list of ${DPOP_ALGORITHMS.join(', ')}`);
  }
  const allowed: ReadonlySet<string> = new Set(algorithms);
  const maxAge = parseDuration(options.maxAge ?? 60, 'maxAge', { wholeSeconds: false });
  const tolerance = parseDuration(options.clockTolerance ?? 10, 'clockTolerance', { wholeSeconds: false });
  const maxProofSize = positiveInteger(options.maxProofSize, 'maxProofSize', 8192);
  const now = options.currentDate ?? (() => new Date());
  if (typeof now !== 'function') throw new TesseraArgumentError('"currentDate" must be a function');
  if (nonce !== undefined && (typeof nonce?.current !== 'function' || typeof nonce.isValid !== 'function')) {
    throw new TesseraArgumentError('"nonce" must be a DpopNonceSource (current and isValid)');
  }
  const replayTtl = maxAge + 2 * tolerance + 1;

  async function useNonce(message: string): Promise<never> {
    const fresh = await (nonce as DpopNonceSource).current();
    throw new DpopError(message, 'use_dpop_nonce', { headers: { 'DPoP-Nonce': fresh } });
  }

  async function verify(proof: string, request: DpopRequest): Promise<DpopProof> {
    if (typeof proof !== 'string' || proof.length === 0) fail('is missing');
    if (proof.length > maxProofSize) fail(`is larger than ${maxProofSize} bytes`);
    const parts = proof.split('.');
    if (parts.length !== 3 || !/^[A-Za-z0-9_.-]+$/.test(proof)) fail('is not a compact JWS');
    const header = decodeJson(parts[0] as string, 'header');
    if (typeof header.typ !== 'string' || header.typ.toLowerCase() !== 'dpop+jwt') fail('must have typ "dpop+jwt"');
    const alg = header.alg;
    if (typeof alg !== 'string' || !allowed.has(alg)) fail(`alg must be one of ${algorithms.join(', ')}`);
    const jwk = checkJwk(header.jwk, alg as DpopAlgorithm);

    let verified: Awaited<ReturnType<typeof compactVerify>>;
    let jkt: string;
    try {
      jkt = await calculateJwkThumbprint(jwk, 'sha256');
      const key = await importJWK(jwk, alg);
      verified = await compactVerify(proof, key, { algorithms: [alg] });
    } catch (cause) {
      throw new DpopError('DPoP proof signature or key is invalid', 'invalid_dpop_proof', { cause });
    }
    const claims = decodeJson(verified.payload, 'payload');

    const { jti, htm, htu, iat, ath } = claims;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) fail(`"jti" must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
    if (typeof htm !== 'string' || htm !== request.method) fail('"htm" does not match the request method');
    if (typeof htu !== 'string') fail('"htu" is missing');
    const expected = normalizeHtu(request.url);
    if (expected === undefined) throw new TesseraArgumentError('request.url must be an absolute http(s) URL');
    const actual = normalizeHtu(htu);
    if (actual === undefined || actual !== expected) fail('"htu" does not match the request URL');
    if (typeof iat !== 'number' || !Number.isFinite(iat)) fail('"iat" must be a NumericDate');
    const nowSeconds = now().getTime() / 1000;
    if (iat > nowSeconds + tolerance) fail('"iat" is in the future');
    if (iat < nowSeconds - maxAge - tolerance) fail('is too old ("iat")');
    if (request.accessToken !== undefined) {
      if (typeof ath !== 'string') fail('"ath" is missing (required with an access token)');
      if (!constantTimeEqual(ath, await sha256Base64url(request.accessToken))) fail('"ath" does not match the access token');
    } else if (ath !== undefined && typeof ath !== 'string') {
      fail('"ath" must be a string');
    }
    const proofNonce = claims.nonce;
    if (proofNonce !== undefined && typeof proofNonce !== 'string') fail('"nonce" must be a string');
    if (nonce !== undefined) {
      if (proofNonce === undefined) await useNonce('a DPoP nonce is required');
      else if (!(await nonce.isValid(proofNonce))) await useNonce('the DPoP nonce is invalid or stale');
    }
    if (!(await store.markUsed(`dpop:${jkt}:${jti}`, replayTtl))) fail('was already used ("jti" replay)');

    return Object.freeze({
      jkt,
      jwk: Object.freeze({ ...jwk }),
      alg: alg as DpopAlgorithm,
      jti,
      iat,
      htm,
      htu,
      nonce: proofNonce as string | undefined,
      ath: ath as string | undefined,
      claims: Object.freeze(claims),
    });
  }

  return Object.freeze({ verify, algorithms: Object.freeze([...algorithms]) });
}
