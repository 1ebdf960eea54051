import {
  KeySet,
  UnavailableError,
  importJwk,
  type JoseHeader,
  type Jwk,
  type JwsAlgorithm,
  type KeyResolver,
  type KeyUse,
  type TesseraKey,
} from '@tessera/core';
import type { HttpClient } from './http-client.js';

/** Settings of a remote JWKS key source (the `jwks` option of a local issuer). */
export interface RemoteJwksSettings {
  /** How long a fetched set is used before it is fetched again (ms). */
  cacheMaxAge: number;
  /** After a fetch, how long before an unknown `kid` may trigger another (ms). */
  cooldown: number;
  /** How long keys are kept after `cacheMaxAge` while the JWKS endpoint fails (ms); then `jwks_unavailable`. */
  keepKeysFor: number;
  /** JWS algorithms allowed; keys without `alg` are bound to those their type allows. */
  algorithms: readonly JwsAlgorithm[] | undefined;
}

const EMPTY: readonly TesseraKey[] = Object.freeze([]);
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const RSA_ALGS: readonly JwsAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_ALG: Record<string, JwsAlgorithm> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/** The algorithms a JWK may verify: its own `alg`, else what its key type allows within the allowlist. */
function algorithmsFor(jwk: Jwk, allowed: readonly JwsAlgorithm[] | undefined): JwsAlgorithm[] {
  if (typeof jwk.alg === 'string') return [jwk.alg as JwsAlgorithm];
  let candidates: readonly JwsAlgorithm[];
  if (jwk.kty === 'EC' && typeof jwk.crv === 'string' && EC_ALG[jwk.crv] !== undefined) candidates = [EC_ALG[jwk.crv] as JwsAlgorithm];
  else if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') candidates = ['EdDSA'];
  else if (jwk.kty === 'RSA') candidates = allowed === undefined ? ['RS256'] : RSA_ALGS;
  else return [];
  return allowed === undefined ? [...candidates] : candidates.filter((alg) => allowed.includes(alg));
}

/**
 * A {@link KeyResolver} over a remote JWKS that survives outages: the set is fetched on first use (one fetch for any
 * number of concurrent callers), refreshed in the background after `cacheMaxAge` while the old keys keep serving,
 * refetched once on an unknown `kid` (at most once per `cooldown`), and kept through a failing endpoint for
 * `keepKeysFor` past `cacheMaxAge` — only then does verification fail with `jwks_unavailable` (503, never a 401).
 * Keys without `alg` are bound to the algorithms their type allows within the allowlist (never to an HMAC).
 */
export function createRemoteJwksResolver(url: string, http: HttpClient, settings: RemoteJwksSettings): KeyResolver {
  let keys: KeySet | undefined;
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;
  let failedAt = -Infinity;
  // After a failed fetch, requests that have no usable keys fail fast for a moment instead of each waiting on the
  // endpoint again.
  const failureBackoff = Math.min(settings.cooldown, 5000);
  let flight: Promise<void> | undefined;

  async function load(): Promise<void> {
    const response = await http(url, { method: 'GET', headers: { accept: 'application/jwk-set+json, application/json' } });
    if (response.status !== 200) throw new Error(`the JWKS endpoint answered ${response.status}`);
    const body: unknown = await response.json();
    const list = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) throw new Error('the JWKS endpoint did not return a key set');
    const imported: TesseraKey[] = [];
    const seen = new Set<string>();
    for (const jwk of list as Jwk[]) {
      if (typeof jwk !== 'object' || jwk === null || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      if (PRIVATE_MEMBERS.some((m) => m in jwk)) continue;
      for (const alg of algorithmsFor(jwk, settings.algorithms)) {
        try {
          const key = await importJwk(jwk, { alg, use: 'sig' });
          const id = `${key.kid ?? ''} ${alg}`;
          if (seen.has(id)) continue;
          seen.add(id);
          imported.push(key);
        } catch {
          // A key this verifier cannot use (weak, wrong curve, unknown alg) is skipped, as jose skips it.
        }
      }
    }
    if (imported.length === 0 && list.length > 0) throw new Error('the JWKS holds no usable signing key');
    keys = new KeySet(imported);
    fetchedAt = Date.now();
  }

  function refresh(): Promise<void> {
    if (flight === undefined) {
      attemptedAt = Date.now();
      flight = load()
        .catch((err: unknown) => {
          failedAt = Date.now();
          throw err;
        })
        .finally(() => {
          flight = undefined;
        });
    }
    return flight;
  }

  function unavailable(cause: unknown): UnavailableError {
    return new UnavailableError('jwks_unavailable', 'the JWKS could not be fetched', { cause });
  }

  function fromKeys(header: JoseHeader): readonly TesseraKey[] {
    return keys === undefined ? EMPTY : keys.resolve(header, 'sig');
  }

  return Object.freeze({
    resolve(header: JoseHeader, use: KeyUse): readonly TesseraKey[] | Promise<readonly TesseraKey[]> {
      if (use !== 'sig') return EMPTY;
      const now = Date.now();
      const age = now - fetchedAt;
      if (keys === undefined || age >= settings.cacheMaxAge + settings.keepKeysFor) {
        // Nothing usable held: this request waits for the fetch; a failure is an outage (503).
        if (flight === undefined && now - failedAt < failureBackoff) {
          return Promise.reject(unavailable(new Error('the JWKS endpoint failed recently')));
        }
        return refresh().then(() => fromKeys(header), (err: unknown) => {
          throw unavailable(err);
        });
      }
      if (age >= settings.cacheMaxAge && now - attemptedAt >= settings.cooldown) {
        // Stale: refresh in the background and keep serving the held keys (through an outage, for keepKeysFor).
        refresh().catch(() => undefined);
      }
      const found = fromKeys(header);
      if (found.length > 0 || typeof header.kid !== 'string') return found;
      // A refetch under way (another request's unknown kid) may bring this kid too: wait for it.
      if (flight !== undefined) return flight.then(() => fromKeys(header), () => found);
      if (now - attemptedAt < settings.cooldown) return found;
      // An unknown kid: the issuer may have rotated. One refetch (shared by concurrent misses), then answer.
      return refresh().then(() => fromKeys(header), () => found);
    },
  });
}
