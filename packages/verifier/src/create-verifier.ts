import {
  TesseraArgumentError,
  TesseraError,
  TokenFormatError,
  parseDuration,
  type JoseHeader,
  type JwtClaims,
  type TokenStore,
} from '@tessera/core';
import { createDpopBinding } from './dpop/dpop-binding.js';
import { DpopError, InvalidRequestError, InvalidTokenError } from './errors.js';
import { assertTokenSyntax, findToken, isB64Token, plainBearer, type ExtractOptions } from './extract-token.js';
import { buildResult } from './lib/build-result.js';
import { withChallenge, type ChallengeContext } from './lib/challenge.js';
import { ClaimsCache } from './lib/claims-cache.js';
import { checkKnownOptions } from './lib/known-options.js';
import { createRateLimiter } from './lib/rate-limiter.js';
import { sha256Base64url } from './lib/sha256.js';
import { storeFailure } from './lib/store-failure.js';
import { createRemoteStrategy } from './remote/create-remote-strategy.js';
import { createLocalStrategy } from './strategies/local-strategy.js';
import { createOpaqueStrategy } from './strategies/opaque-strategy.js';
import { shapeOf, type Strategy, type TokenShape } from './strategies/strategy.js';
import type { AuthResult, FailureEvent, StrategyName, SuccessEvent } from './types.js';
import type { Verifier } from './verifier.js';
import type { VerifierOptions } from './verifier-options.js';

const STRATEGIES: readonly StrategyName[] = ['local', 'opaque', 'remote'];
const OPTION_NAMES = [
  'local', 'remote', 'opaque', 'store', 'strategies', 'cache', 'revocation', 'session', 'rateLimit', 'dpop', 'extract',
  'realm', 'credentialsRequired', 'maxTokenSize', 'currentDate', 'onSuccess', 'onFailure',
] as const;

interface Outcome {
  strategy: StrategyName | undefined;
  issuer: string | undefined;
  cacheHit: boolean;
}

function seconds(value: number | string | undefined, fallback: number | string, name: string): number {
  return parseDuration(value ?? fallback, name, { wholeSeconds: false });
}

function positiveInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new TesseraArgumentError(`"${name}" must be a positive integer`);
  return value;
}

/**
 * Builds a framework-neutral request authenticator: extraction (`Authorization: Bearer|DPoP`, a configured header,
 * a cookie), strategies (local JWS/JWE verification, remote verify-token or RFC 7662 introspection, opaque look-up)
 * chosen by route or token shape, a verified-claims cache (memory keyed by the token, optionally the
 * store), revocation and session checks, DPoP (RFC 9449), rate limiting, RFC 6750 answers and hooks.
 *
 * @param options - see {@link VerifierOptions}; validated and frozen here
 * @returns a {@link Verifier}
 * @throws {TesseraArgumentError} `invalid_argument` naming the bad option
 * @see https://www.rfc-editor.org/rfc/rfc6750 , https://www.rfc-editor.org/rfc/rfc7662 , https://www.rfc-editor.org/rfc/rfc9449
 * @example
 * ```ts
 * const verifier = createVerifier({ local: { jwksUri: 'https://issuer.example/jwks', issuer: 'https://issuer.example', audience: 'api' } });
 * const auth = await verifier.authenticate({ method: 'GET', url: 'https://api.example/orders', headers });
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('"options" must be an object');
  checkKnownOptions(options, OPTION_NAMES, '');
  checkKnownOptions(options.cache === false ? undefined : options.cache, ['max', 'maxTtl', 'store'], 'cache');
  checkKnownOptions(options.dpop, ['mode', 'algorithms', 'maxAge', 'clockTolerance', 'nonce', 'publicOrigin'], 'dpop');
  checkKnownOptions(options.extract, ['authorization', 'header', 'cookie'], 'extract');
  checkKnownOptions(options.rateLimit, ['limit', 'window', 'by'], 'rateLimit');
  checkKnownOptions(typeof options.opaque === 'object' ? options.opaque : undefined, ['cacheTtl'], 'opaque');
  const now = options.currentDate ?? (() => new Date());
  if (typeof now !== 'function') throw new TesseraArgumentError('"currentDate" must be a function');
  const store: TokenStore | undefined = options.store;
  const needStore = (name: string): TokenStore => {
    if (store === undefined) throw new TesseraArgumentError(`"${name}" needs "store"`);
    return store;
  };

  // Cache.
  const cacheOptions = options.cache === false ? undefined : (options.cache ?? {});
  const maxTtlMs = seconds(cacheOptions?.maxTtl, '5m', 'cache.maxTtl') * 1000;
  // Date.now() unless a clock was injected: no Date allocated on the hot path.
  const nowMs: () => number = options.currentDate === undefined ? Date.now : () => now().getTime();
  const cache = cacheOptions === undefined ? undefined : new ClaimsCache(positiveInt(cacheOptions.max, 10_000, 'cache.max'), nowMs, store !== undefined);
  const l2 = cacheOptions?.store === true ? needStore('cache.store') : undefined;

  // Strategies.
  const strategies = new Map<StrategyName, Strategy>();
  if (options.local !== undefined) strategies.set('local', createLocalStrategy(options.local, cache === undefined ? 0 : maxTtlMs, options.currentDate));
  if (options.opaque !== undefined && options.opaque !== false) {
    strategies.set('opaque', createOpaqueStrategy(needStore('opaque'), options.opaque === true ? {} : options.opaque, now));
  }
  if (options.remote !== undefined) strategies.set('remote', createRemoteStrategy(options.remote, now));
  if (strategies.size === 0) throw new TesseraArgumentError('at least one of "local", "remote", "opaque" is required');
  const order = options.strategies ?? STRATEGIES;
  if (!Array.isArray(order) || order.some((s) => !STRATEGIES.includes(s))) {
    throw new TesseraArgumentError(`"strategies" must list ${STRATEGIES.join(', ')}`);
  }
  const ordered = order.map((s) => strategies.get(s)).filter((s): s is Strategy => s !== undefined);

  // Request-level settings.
  const revocation = options.revocation === true ? needStore('revocation') : undefined;
  const session = options.session === true ? needStore('session') : undefined;
  const rateLimit = options.rateLimit === undefined ? undefined : createRateLimiter(options.rateLimit, needStore('rateLimit'));
  const dpop = createDpopBinding(options.dpop ?? {}, store, now);
  const { algs, mode: defaultMode } = dpop;
  const extract: ExtractOptions = {
    authorization: options.extract?.authorization ?? true,
    ...(options.extract?.header === undefined ? {} : { header: options.extract.header.toLowerCase() }),
    ...(options.extract?.cookie === undefined ? {} : { cookie: options.extract.cookie }),
  };
  const realm = options.realm;
  if (realm !== undefined && typeof realm !== 'string') throw new TesseraArgumentError('"realm" must be a string');
  const credentialsRequired = options.credentialsRequired ?? true;
  const maxTokenSize = positiveInt(options.maxTokenSize, 8192, 'maxTokenSize');
  const { onSuccess, onFailure } = options;
  if (onSuccess !== undefined && typeof onSuccess !== 'function') throw new TesseraArgumentError('"onSuccess" must be a function');
  if (onFailure !== undefined && typeof onFailure !== 'function') throw new TesseraArgumentError('"onFailure" must be a function');
  const timed = onSuccess !== undefined || onFailure !== undefined;
  const retryAfter = options.remote?.retryAfter ?? 5;

  // Revocations published by the store evict cached verdicts at once.
  const subscription = store !== undefined && cache !== undefined
    ? store.subscribeRevocations((event) => {
        if (event.type === 'jti' || event.type === 'session') cache.deleteJti(event.jti);
        else if (event.type === 'opaque') cache.deleteFingerprint(event.hash);
      }).catch(() => undefined)
    : undefined;
  const ready = Promise.all(ordered.map((s) => s.ready())).then(() => undefined);
  ready.catch(() => undefined);

  function choose(shape: TokenShape, wanted: StrategyName | undefined): Strategy {
    if (wanted !== undefined) {
      const strategy = strategies.get(wanted);
      if (strategy === undefined) throw new TesseraArgumentError(`strategy "${wanted}" is not configured`);
      if (!strategy.accepts(shape) && wanted !== 'remote') throw new InvalidTokenError(`the ${wanted} strategy cannot accept this kind of token`);
      return strategy;
    }
    for (const strategy of ordered) if (strategy.accepts(shape)) return strategy;
    throw new InvalidTokenError('no configured strategy accepts this kind of token');
  }

  async function afterChecks(result: AuthResult): Promise<AuthResult> {
    const jti = result.claims.jti;
    if (revocation !== undefined && typeof jti === 'string') {
      const revoked = await revocation.isRevoked(jti).catch(storeFailure);
      if (revoked) throw new InvalidTokenError('the token has been revoked', 'token_revoked');
    }
    if (session !== undefined) {
      if (typeof jti !== 'string') throw new InvalidTokenError('the token has no "jti", so it has no session', 'session_ended');
      const live = await session.hasSession(jti).catch(storeFailure);
      if (!live) throw new InvalidTokenError('the token\'s session has ended', 'session_ended');
    }
    return result;
  }

  async function fromStore(fingerprint: string, token: string, strategy: Strategy, cacheable: boolean): Promise<AuthResult | undefined> {
    if (l2 === undefined || strategy.name === 'opaque') return undefined;
    const entry = (await l2.getCachedClaims(fingerprint).catch(storeFailure)) as
      | { strategy?: unknown; claims?: JwtClaims; header?: JoseHeader; subject?: string; until?: number }
      | undefined;
    if (entry === undefined || entry.strategy !== strategy.name || typeof entry.claims !== 'object' || typeof entry.until !== 'number') return undefined;
    if (entry.until <= nowMs()) return undefined;
    const result = buildResult(strategy.name, token, entry.claims, entry.header, entry.subject);
    if (cacheable) cache?.set(token, fingerprint, result, entry.until);
    return result;
  }

  /** The memory cache's verdict for `token`, when it holds one for the wanted strategy. */
  function cached(token: string, wanted: StrategyName | undefined): AuthResult | undefined {
    const hit = cache?.get(token);
    return hit !== undefined && (wanted === undefined || hit.strategy === wanted) ? hit : undefined;
  }

  /** A cache hit's answer: itself without store checks (no promise on the hot path), else after them. */
  function fromCache(hit: AuthResult, outcome: Outcome): AuthResult | Promise<AuthResult> {
    outcome.cacheHit = true;
    outcome.strategy = hit.strategy;
    outcome.issuer = hit.issuer;
    return revocation === undefined && session === undefined ? hit : afterChecks(hit);
  }

  /**
   * Judges a token past the memory cache: its fingerprint, then the store level or a strategy. `cacheable`: the token
   * has the b64token syntax, so its verdict may enter the memory cache (a hit in `authenticate` skips that check).
   */
  function judgeUncached(token: string, wanted: StrategyName | undefined, outcome: Outcome, cacheable: boolean): Promise<AuthResult> {
    const shape = shapeOf(token);
    const strategy = choose(shape, wanted);
    outcome.strategy = strategy.name;
    // Only the store (its level, its revocation events) and the remote and opaque strategies name tokens by fingerprint.
    if (store === undefined && strategy.name === 'local') return judgeMiss(token, '', strategy, shape, outcome, cacheable);
    const hashed = sha256Base64url(token);
    return typeof hashed === 'string'
      ? judgeMiss(token, hashed, strategy, shape, outcome, cacheable)
      : hashed.then((fingerprint) => judgeMiss(token, fingerprint, strategy, shape, outcome, cacheable));
  }

  /**
   * Judges a token: the answer itself on a memory-cache hit without store checks (no hashing, no promise on the hot
   * path), a promise otherwise. Throws (or rejects) TesseraErrors.
   */
  function judge(token: string, wanted: StrategyName | undefined, outcome: Outcome): AuthResult | Promise<AuthResult> {
    if (typeof token !== 'string' || token.length === 0) throw new InvalidTokenError('the token is empty');
    if (token.length > maxTokenSize) throw new TokenFormatError(`token is larger than ${maxTokenSize} bytes`, 'token_too_large');
    const hit = cached(token, wanted);
    return hit !== undefined ? fromCache(hit, outcome) : judgeUncached(token, wanted, outcome, isB64Token(token));
  }

  /** Judges a token the memory cache does not hold; `fingerprint` is empty when nothing needs it (see judgeUncached). */
  async function judgeMiss(token: string, fingerprint: string, strategy: Strategy, shape: TokenShape, outcome: Outcome, cacheable: boolean): Promise<AuthResult> {
    const shared = l2 === undefined ? undefined : await fromStore(fingerprint, token, strategy, cacheable);
    if (shared !== undefined) {
      outcome.cacheHit = true;
      outcome.issuer = shared.issuer;
      return afterChecks(shared);
    }
    const { result, cacheUntil } = await strategy.verify(token, fingerprint, shape);
    outcome.issuer = result.issuer;
    if (cache !== undefined) {
      if (cacheable) cache.set(token, fingerprint, result, cacheUntil);
      const ttl = (cacheUntil - nowMs()) / 1000;
      if (l2 !== undefined && strategy.name !== 'opaque' && ttl >= 1) {
        const entry = { strategy: strategy.name, claims: result.claims, header: result.header, subject: result.subject, until: cacheUntil };
        l2.cacheClaims(fingerprint, JSON.parse(JSON.stringify(entry)) as JwtClaims, ttl).catch(() => undefined);
      }
    }
    return revocation === undefined && session === undefined ? result : afterChecks(result);
  }

  function succeed(result: AuthResult, outcome: Outcome, started: number): void {
    if (onSuccess === undefined) return;
    try {
      onSuccess({ auth: result, strategy: result.strategy, issuer: result.issuer, cacheHit: outcome.cacheHit, latencyMs: performance.now() - started } satisfies SuccessEvent);
    } catch {
      // Hooks observe; they never change the answer.
    }
  }

  function failed(err: unknown, outcome: Outcome, started: number, ctx: ChallengeContext): never {
    if (!(err instanceof TesseraError)) throw err;
    const error = withChallenge(err, ctx);
    if (onFailure !== undefined) {
      try {
        onFailure({
          error, code: error.code, status: error.status, strategy: outcome.strategy, issuer: outcome.issuer,
          cacheHit: outcome.cacheHit, latencyMs: performance.now() - started,
        } satisfies FailureEvent);
      } catch {
        // Hooks observe; they never change the answer.
      }
    }
    throw error;
  }

  // Hooks read the outcome; without hooks one shared scratch object takes the writes.
  const scratch: Outcome = { strategy: undefined, issuer: undefined, cacheHit: false };
  const errorOf = (fail: (err: unknown) => never, err: unknown): unknown => {
    try {
      return fail(err);
    } catch (mapped) {
      return mapped;
    }
  };

  // A cache hit can be answered synchronously only when nothing after the cache needs the store.
  const syncHits = cache !== undefined && revocation === undefined && session === undefined && rateLimit === undefined;
  // With no other place configured, a well-formed `Authorization: Bearer` header is read without the general search.
  const authorizationOnly = extract.authorization !== false && extract.header === undefined && extract.cookie === undefined;

  const verifier: Verifier = {
    verify(token, context) {
      const started = timed ? performance.now() : 0;
      const outcome: Outcome = timed ? { strategy: undefined, issuer: undefined, cacheHit: false } : scratch;
      const fail = (err: unknown): never => failed(err, outcome, started, { realm, mode: 'bearer', scheme: undefined, algs, retryAfter });
      let judged: AuthResult | Promise<AuthResult>;
      try {
        judged = judge(token, context?.strategy, outcome);
      } catch (err) {
        return Promise.reject(errorOf(fail, err));
      }
      if (!timed) return judged instanceof Promise ? judged.catch(fail) : Promise.resolve(judged);
      return Promise.resolve(judged).then((result) => {
        succeed(result, outcome, started);
        return result;
      }, fail);
    },
    // One async function for the whole request (no nested async layers on the hot path).
    async authenticate(request, route) {
      const started = timed ? performance.now() : 0;
      const outcome: Outcome = timed ? { strategy: undefined, issuer: undefined, cacheHit: false } : scratch;
      const mode = route?.dpop ?? defaultMode;
      let scheme: 'Bearer' | 'DPoP' | undefined;
      try {
        const found = findToken(request, extract, maxTokenSize);
        if (found === undefined) {
          if (route?.credentialsRequired ?? credentialsRequired) throw new InvalidTokenError('no access token was sent', 'missing_token');
          return undefined;
        }
        // Only verified b64token-shaped tokens are cached, so a hit skips the syntax check (a scan of the token).
        const hit = cached(found.token, route?.strategy);
        if (hit === undefined) assertTokenSyntax(found);
        scheme = found.scheme;
        if (scheme === 'DPoP' && mode === 'bearer') throw new InvalidRequestError('this resource accepts only Bearer tokens');
        if (scheme === 'Bearer' && mode === 'dpop') throw new DpopError('this resource requires a DPoP-bound token and proof', 'dpop_required');
        // The syntax was checked just above, so the verdict may be cached.
        const judged = hit !== undefined ? fromCache(hit, outcome) : judgeUncached(found.token, route?.strategy, outcome, true);
        let result = judged instanceof Promise ? await judged : judged;
        const bound = dpop.check(request, scheme, found.token, result);
        result = bound instanceof Promise ? await bound : bound;
        if (rateLimit !== undefined) await rateLimit(result);
        if (timed) succeed(result, outcome, started);
        return result;
      } catch (err) {
        return failed(err, outcome, started, { realm, mode, scheme, algs, retryAfter });
      }
    },
    authenticateCached(request, route) {
      if (!syncHits || (route?.dpop ?? defaultMode) === 'dpop') return undefined;
      const started = timed ? performance.now() : 0;
      try {
        let token = authorizationOnly ? plainBearer(request.headers) : undefined;
        if (token === undefined) {
          const found = findToken(request, extract, maxTokenSize);
          if (found === undefined || found.scheme !== 'Bearer') return undefined;
          token = found.token;
        }
        const hit = cached(token, route?.strategy);
        // A Bearer check is synchronous: it only refuses DPoP-bound tokens (which `authenticate` then answers).
        const result = hit === undefined ? undefined : (dpop.check(request, 'Bearer', token, hit) as AuthResult);
        if (result !== undefined && timed) succeed(result, { strategy: result.strategy, issuer: result.issuer, cacheHit: true }, started);
        return result;
      } catch {
        return undefined;
      }
    },
    authenticateRequest(request, route) {
      return verifier.authenticate({ method: request.method, url: request.url, headers: request.headers }, route);
    },
    ready: () => ready,
    async close() {
      const unsubscribe = await subscription;
      await unsubscribe?.().catch(() => undefined);
      await Promise.all(ordered.map((s) => s.close()));
      await dpop.close();
    },
  };
  return Object.freeze(verifier);
}
