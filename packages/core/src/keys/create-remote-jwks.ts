import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  exportJWK,
  errors as joseErrors,
  type RemoteJWKSetOptions,
} from 'jose';
import type { JwsAlgorithm } from '../algorithms.js';
import { KeyNotFoundError, TesseraArgumentError, UnavailableError } from '../errors.js';
import { createKey } from '../lib/key.js';
import type { JoseHeader, Jwk, KeyResolver, KeyUse, TesseraKey } from '../types.js';
import { publicMembers } from './asymmetric.js';
import { assertJwkFitsAlg } from './validate-key.js';

/** Options of {@link createRemoteJwks} (jose's `createRemoteJWKSet` options). */
export interface RemoteJwksOptions {
  /** After a fetch, how long (ms) an unknown `kid` waits before it may trigger another fetch. @default 30000 */
  cooldownDuration?: number;
  /** How long (ms) a fetched set is used before it is fetched again. @default 600000 */
  cacheMaxAge?: number;
  /** How long (ms) a fetch may take before it fails with `jwks_unavailable`. @default 5000 */
  timeoutDuration?: number;
  /** Extra request headers. @default none */
  headers?: Record<string, string>;
}

/** A {@link KeyResolver} over a remote JWKS. */
export interface RemoteJwks extends KeyResolver {
  resolve(header: JoseHeader, use: KeyUse): Promise<readonly TesseraKey[]>;
  /** Fetches the set now, ignoring the cooldown. @throws {UnavailableError} `jwks_unavailable` */
  reload(): Promise<void>;
}

// HMAC algorithms are absent on purpose: a JWKS publishes public keys, never shared secrets.
const REMOTE_ALGS: ReadonlySet<string> = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
]);
const EMPTY: readonly TesseraKey[] = Object.freeze([]);

function checkDuration(value: unknown, name: string, integer = false): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && value >= 0 && (integer ? Number.isInteger(value) : !Number.isNaN(value));
  if (!ok) throw new TesseraArgumentError(`options.${name} must be a ${integer ? 'non-negative integer' : 'non-negative number'} of milliseconds`);
}

function toTesseraError(err: unknown): Error {
  if (err instanceof joseErrors.JWKSNoMatchingKey) return new KeyNotFoundError('no key in the remote JWKS matches the token', { cause: err });
  if (err instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new KeyNotFoundError('several keys in the remote JWKS match the token; it needs a kid that selects one', { cause: err });
  }
  const timedOut = err instanceof joseErrors.JWKSTimeout || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'));
  if (timedOut) return new UnavailableError('jwks_unavailable', 'the JWKS endpoint did not answer in time', { cause: err });
  if (err instanceof joseErrors.JWKSInvalid) return new UnavailableError('jwks_unavailable', 'the JWKS endpoint returned an invalid key set', { cause: err });
  return new UnavailableError('jwks_unavailable', 'the JWKS could not be fetched', { cause: err });
}

function samePublicKey(a: Jwk, b: Jwk): boolean {
  return a.kty === b.kty && a.n === b.n && a.e === b.e && a.crv === b.crv && a.x === b.x && a.y === b.y;
}

/**
 * A key resolver over a remote JSON Web Key Set, on jose's `createRemoteJWKSet`: the set is fetched on first use,
 * cached for `cacheMaxAge`, concurrent fetches are shared, and an unknown `kid` triggers one refetch once the
 * cooldown has passed.
 *
 * Each key jose selects (by the header's `alg` and `kid`; the JWK's `use`/`key_ops`/`alg` respected) passes the same
 * validation as local keys (RSA ≥ 2048 bits with an odd exponent ≥ 3, curve matching the alg), once per fetched
 * key, and is wrapped in a {@link TesseraKey} bound to the header's `alg` — the same object every time, so an engine
 * can prepare it once. HMAC algorithms never resolve (a JWKS holds no secrets), nor does `use` `enc` (public keys
 * cannot decrypt).
 *
 * @param url - the `jwks_uri`
 * @param options - see {@link RemoteJwksOptions}
 * @returns a resolver whose `resolve` throws {@link KeyNotFoundError} `key_not_found` (no key, or several keys
 * without a kid to choose), {@link UnavailableError} `jwks_unavailable` (timeout, non-200, invalid JSON/JWKS,
 * network error) and {@link InvalidKeyError} `invalid_key` (a weak or mismatched key in the set)
 * @throws {TesseraArgumentError} `invalid_argument`: not an http(s) URL, bad options
 * @see RFC 7517 §5, RFC 8414 §2 (`jwks_uri`)
 * @example
 * ```ts
 * const keys = createRemoteJwks('https://issuer.example/.well-known/jwks.json', { cacheMaxAge: 600_000 });
 * const [key] = await keys.resolve({ alg: 'RS256', kid: 'k1' }, 'sig');
 * ```
 */
export function createRemoteJwks(url: string | URL, options: RemoteJwksOptions = {}): RemoteJwks {
  let href: URL;
  try {
    href = new URL(url);
  } catch (cause) {
    throw new TesseraArgumentError('url must be an absolute http(s) URL', { cause });
  }
  if (href.protocol !== 'https:' && href.protocol !== 'http:') throw new TesseraArgumentError('url must be an absolute http(s) URL');
  const { cooldownDuration, cacheMaxAge, timeoutDuration, headers } = options ?? {};
  checkDuration(cooldownDuration, 'cooldownDuration');
  checkDuration(cacheMaxAge, 'cacheMaxAge');
  checkDuration(timeoutDuration, 'timeoutDuration', true);
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Object.values(headers).some((v) => typeof v !== 'string'))) {
    throw new TesseraArgumentError('options.headers must map header names to strings');
  }
  const joseOptions: RemoteJWKSetOptions = {};
  if (cooldownDuration !== undefined) joseOptions.cooldownDuration = cooldownDuration;
  if (cacheMaxAge !== undefined) joseOptions.cacheMaxAge = cacheMaxAge;
  if (timeoutDuration !== undefined) joseOptions.timeoutDuration = timeoutDuration;
  if (headers !== undefined) joseOptions.headers = { ...headers };
  const remote = createRemoteJWKSet(href, joseOptions);

  // jose imports each fetched JWK once per alg; keying on its CryptoKey gives one wrapper (and one validation) per
  // fetched key and alg. A refetch yields new CryptoKeys, so replaced keys are validated again.
  const wrappers = new WeakMap<CryptoKey, Promise<readonly TesseraKey[]>>();

  async function wrap(cryptoKey: CryptoKey, alg: JwsAlgorithm): Promise<readonly TesseraKey[]> {
    const pub = publicMembers(await exportJWK(cryptoKey));
    assertJwkFitsAlg(pub, alg);
    const source = remote.jwks()?.keys.find((k) => samePublicKey(publicMembers(k), pub));
    const kid = typeof source?.kid === 'string' && source.kid !== '' ? source.kid : await calculateJwkThumbprint(pub);
    const publicJwk: Jwk = { ...pub, kid, alg, use: 'sig' };
    return Object.freeze([createKey({ kid, alg, use: 'sig', type: 'public', key: cryptoKey, publicJwk })]);
  }

  return Object.freeze({
    async resolve(header: JoseHeader, use: KeyUse): Promise<readonly TesseraKey[]> {
      const { alg, kid } = header;
      if (use !== 'sig' || typeof alg !== 'string' || !REMOTE_ALGS.has(alg)) return EMPTY;
      if (kid !== undefined && typeof kid !== 'string') return EMPTY;
      let cryptoKey: CryptoKey;
      try {
        cryptoKey = await remote(kid === undefined ? { alg } : { alg, kid });
      } catch (err) {
        throw toTesseraError(err);
      }
      let wrapped = wrappers.get(cryptoKey);
      if (wrapped === undefined) {
        wrapped = wrap(cryptoKey, alg as JwsAlgorithm);
        wrappers.set(cryptoKey, wrapped);
      }
      return wrapped;
    },
    async reload(): Promise<void> {
      try {
        await remote.reload();
      } catch (err) {
        throw toTesseraError(err);
      }
    },
  });
}
