import {
  TesseraArgumentError,
  TesseraError,
  TokenTimeError,
  TtlCache,
  createSingleFlight,
  parseDuration,
} from '@tessera/core';
import { base64url } from 'jose';
import { buildResult } from '../lib/build-result.js';
import { checkKnownOptions } from '../lib/known-options.js';
import { createHttpClient } from '../lib/http-client.js';
import type { Strategy, TokenShape, Verdict } from '../strategies/strategy.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { withDeadline } from './deadline.js';
import { introspectionLookup } from './introspection-lookup.js';
import type { RemoteOptions } from './remote-options.js';
import { verifyTokenLookup, type Lookup } from './verify-token-lookup.js';

const decoder = new TextDecoder();

/** The `exp` of a compact JWS, read without verification — only ever used to shorten a cache lifetime. */
function peekExp(token: string, shape: TokenShape): number | undefined {
  if (shape !== 'jws') return undefined;
  try {
    const start = token.indexOf('.') + 1;
    const claims: unknown = JSON.parse(decoder.decode(base64url.decode(token.slice(start, token.indexOf('.', start)))));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

function checkUrl(value: unknown): void {
  let url: URL;
  try {
    url = new URL(value as string);
  } catch (cause) {
    throw new TesseraArgumentError('"remote.url" must be an absolute http(s) URL', { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TesseraArgumentError('"remote.url" must be an absolute http(s) URL');
}

function nonNegativeInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new TesseraArgumentError(`"${name}" must be a non-negative integer`);
  return value;
}

/**
 * The remote strategy: verify-token delegation or RFC 7662 introspection, with a deadline per look-up, ky's retries
 * on network errors and 5xx, one upstream call for concurrent look-ups of one token, negative answers cached
 * briefly, positive ones handed to the verifier's cache for no longer than the token lives, and a circuit breaker.
 */
export function createRemoteStrategy(options: RemoteOptions, now: () => Date): Strategy {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('"remote" must be an object');
  const common = ['kind', 'url', 'timeout', 'retries', 'cacheTtl', 'negativeCacheTtl', 'breaker', 'retryAfter', 'headers'];
  checkKnownOptions(options, options.kind === 'verify-token' ? [...common, 'method', 'fields'] : [...common, 'issuer', 'clientId', 'clientAuth', 'clientSecret', 'audience'], 'remote');
  if (options.kind === 'verify-token') checkKnownOptions(options.fields, ['valid', 'subject', 'message', 'expiresAt'], 'remote.fields');
  checkKnownOptions(options.breaker === false ? undefined : options.breaker, ['failureThreshold', 'resetTimeout'], 'remote.breaker');
  checkUrl(options.url);
  const timeout = nonNegativeInt(options.timeout, 3000, 'remote.timeout');
  if (timeout === 0) throw new TesseraArgumentError('"remote.timeout" must be positive');
  const retries = nonNegativeInt(options.retries, 1, 'remote.retries');
  const cacheTtlMs = parseDuration(options.cacheTtl ?? '5m', 'remote.cacheTtl', { wholeSeconds: false }) * 1000;
  const negativeTtlMs = parseDuration(options.negativeCacheTtl ?? '5s', 'remote.negativeCacheTtl', { wholeSeconds: false }) * 1000;
  nonNegativeInt(options.retryAfter, 5, 'remote.retryAfter');
  const breakerOptions = options.breaker === false ? undefined : (options.breaker ?? {});
  const breaker = breakerOptions === undefined
    ? undefined
    : new CircuitBreaker(
        nonNegativeInt(breakerOptions.failureThreshold, 5, 'remote.breaker.failureThreshold') || 1,
        parseDuration(breakerOptions.resetTimeout ?? '10s', 'remote.breaker.resetTimeout', { wholeSeconds: false }) * 1000,
      );
  const http = createHttpClient({ timeout, retries, backoffLimit: Math.max(50, Math.floor(timeout / 4)), ...(options.headers === undefined ? {} : { headers: options.headers }) });
  let lookup: Lookup;
  if (options.kind === 'verify-token') {
    if (options.method !== undefined && options.method !== 'GET' && options.method !== 'POST') throw new TesseraArgumentError('"remote.method" must be GET or POST');
    lookup = verifyTokenLookup(options, http);
  } else if (options.kind === 'introspection') {
    lookup = introspectionLookup(options, http);
  } else {
    throw new TesseraArgumentError('"remote.kind" must be "verify-token" or "introspection"');
  }
  const what = options.kind === 'verify-token' ? 'the verify-token endpoint' : 'the introspection endpoint';
  const flights = createSingleFlight<string, Verdict>();
  const negative = negativeTtlMs > 0 ? new TtlCache<string, TesseraError<string>>({ max: 10_000, ttl: negativeTtlMs }) : undefined;

  async function ask(token: string, fingerprint: string, shape: TokenShape): Promise<Verdict> {
    const call = (): Promise<Awaited<ReturnType<Lookup>>> => withDeadline(timeout, what, (signal) => lookup(token, signal));
    let answer: Awaited<ReturnType<Lookup>>;
    try {
      answer = await (breaker === undefined ? call() : breaker.run(call));
    } catch (err) {
      if (negative !== undefined && err instanceof TesseraError && err.status === 401) negative.set(fingerprint, err);
      throw err;
    }
    const nowMs = now().getTime();
    const exp = answer.expiresAt ?? peekExp(token, shape);
    if (exp !== undefined && exp * 1000 <= nowMs) throw new TokenTimeError('exp', 'token has expired', 'token_expired');
    const result = buildResult('remote', token, answer.claims, undefined, answer.subject);
    return { result, cacheUntil: Math.min(nowMs + cacheTtlMs, exp === undefined ? Infinity : exp * 1000) };
  }

  return Object.freeze({
    name: 'remote' as const,
    accepts: () => true,
    verify(token: string, fingerprint: string, shape: TokenShape): Promise<Verdict> {
      const refused = negative?.get(fingerprint);
      if (refused !== undefined) return Promise.reject(refused);
      return flights.run(fingerprint, () => ask(token, fingerprint, shape));
    },
    ready: async () => undefined,
    close: async () => undefined,
  });
}
