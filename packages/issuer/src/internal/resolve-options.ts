import { isJwsAlgorithm, parseDuration, type JwsAlgorithm } from '@tessera/core';
import type { DpopAlgorithm } from '@tessera/verifier';
import { IssuerConfigError } from '../errors.js';
import type { IssuerOptions, RateLimitOptions, RateLimitRule } from '../options.js';
import type { IssuerUrls } from './state.js';

const KNOWN = new Set<string>([
  'issuer', 'signingKeys', 'encryptionKeys', 'clients', 'store', 'audience', 'accessTokenTtl', 'refreshTokenTtl',
  'refreshTokenFamilyTtl', 'authorizationCodeTtl', 'refreshGraceSeconds', 'rateLimit', 'dpop', 'authenticateUser',
  'authorize', 'onAudit', 'devTools', 'maxBodyBytes', 'now',
]);

const DEFAULT_RATE_LIMIT = {
  token: { max: 600, windowSeconds: 60 },
  introspect: { max: 6000, windowSeconds: 60 },
  failedAuth: { max: 20, windowSeconds: 300 },
} as const;

const DEFAULT_DPOP_ALGORITHMS: readonly DpopAlgorithm[] = ['ES256', 'ES384', 'EdDSA', 'PS256', 'RS256'];
const ASYMMETRIC: ReadonlySet<string> = new Set(['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512']);

/** Issuer options after validation, with defaults. */
export interface ResolvedIssuerOptions {
  readonly issuer: string;
  readonly basePath: string;
  readonly urls: IssuerUrls;
  readonly audience: string | string[];
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly refreshTokenFamilyTtl: number;
  readonly authorizationCodeTtl: number;
  readonly graceSeconds: number;
  readonly rateLimit: {
    readonly token: RateLimitRule | undefined;
    readonly introspect: RateLimitRule | undefined;
    readonly failedAuth: RateLimitRule | undefined;
  };
  readonly counter: RateLimitOptions['counter'] & {};
  readonly dpop: {
    readonly algorithms: readonly DpopAlgorithm[] | undefined;
    readonly maxAge: number | string | undefined;
    readonly clockTolerance: number | string | undefined;
  };
  readonly devTools: boolean;
  readonly maxBodyBytes: number;
  readonly now: () => number;
}

function fail(option: string, message: string, cause?: unknown): never {
  throw new IssuerConfigError(`"${option}" ${message}`, {}, cause === undefined ? {} : { cause });
}

function duration(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  let seconds: number;
  try {
    seconds = parseDuration(value, option);
  } catch (cause) {
    return fail(option, 'must be a whole number of seconds or a duration such as "60s", "10m", "14d"', cause);
  }
  if (seconds <= 0) fail(option, 'must be greater than zero');
  return seconds;
}

function rule(value: unknown, option: string, fallback: RateLimitRule): RateLimitRule | undefined {
  if (value === false) return undefined;
  if (value === undefined) return fallback;
  const r = value as Partial<RateLimitRule>;
  if (typeof value !== 'object' || value === null || !Number.isSafeInteger(r.max) || (r.max as number) < 1
    || typeof r.windowSeconds !== 'number' || !Number.isFinite(r.windowSeconds) || r.windowSeconds <= 0) {
    fail(option, 'must be false or { max: positive integer, windowSeconds: positive number }');
  }
  return { max: r.max as number, windowSeconds: r.windowSeconds };
}

function issuerUrl(value: unknown): URL {
  if (typeof value !== 'string') fail('issuer', 'is required and must be a URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    return fail('issuer', 'must be an absolute URL', cause);
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    fail('issuer', 'must be an https URL (http only on localhost / loopback), RFC 8414 §2');
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    fail('issuer', 'must not have a query or fragment (RFC 8414 §2)');
  }
  return url;
}

/**
 * Validates the issuer-wide options once, naming the option at fault, and fills in defaults.
 * @throws {IssuerConfigError} `invalid_issuer_config`
 */
export function resolveIssuerOptions(options: IssuerOptions): ResolvedIssuerOptions {
  if (typeof options !== 'object' || options === null) throw new IssuerConfigError('options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) fail(key, 'is not an issuer option');
  const url = issuerUrl(options.issuer);
  const basePath = url.pathname.replace(/\/+$/, '');
  const issuer = `${url.origin}${basePath}`;
  const at = (path: string): string => `${issuer}${path}`;

  const audience = options.audience ?? issuer;
  if (!(typeof audience === 'string' && audience.length > 0)
    && !(Array.isArray(audience) && audience.length > 0 && audience.every((a) => typeof a === 'string' && a.length > 0))) {
    fail('audience', 'must be a non-empty string or list of strings');
  }
  const grace = options.refreshGraceSeconds ?? 0;
  if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0 || grace > 300) {
    fail('refreshGraceSeconds', 'must be a number of seconds from 0 to 300');
  }
  const rl = options.rateLimit;
  if (rl !== undefined && rl !== false && (typeof rl !== 'object' || rl === null)) fail('rateLimit', 'must be an object or false');
  const limits: RateLimitOptions = rl === false ? { token: false, introspect: false, failedAuth: false } : rl ?? {};
  const counter = limits.counter ?? 'store';
  if (counter !== 'store' && counter !== 'memory' && typeof counter !== 'function') {
    fail('rateLimit.counter', 'must be "store", "memory" or a function (key, windowSeconds) => Promise<{ count, resetSeconds }>');
  }

  const dpop = options.dpop ?? {};
  if (typeof dpop !== 'object' || dpop === null) fail('dpop', 'must be an object');
  let algorithms: DpopAlgorithm[] | undefined;
  if (dpop.algorithms !== undefined) {
    if (!Array.isArray(dpop.algorithms) || dpop.algorithms.length === 0
      || !dpop.algorithms.every((a: JwsAlgorithm) => isJwsAlgorithm(a) && ASYMMETRIC.has(a))) {
      fail('dpop.algorithms', 'must be a non-empty list of asymmetric JWS algorithms (ES256, EdDSA, PS256, RS256…)');
    }
    algorithms = [...dpop.algorithms] as DpopAlgorithm[];
  }
  const maxBodyBytes = options.maxBodyBytes ?? 16_384;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1024 || maxBodyBytes > 1_048_576) {
    fail('maxBodyBytes', 'must be an integer from 1024 to 1048576');
  }
  if (options.devTools !== undefined && typeof options.devTools !== 'boolean') fail('devTools', 'must be true or false');
  for (const hook of ['authenticateUser', 'authorize', 'onAudit', 'now'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') fail(hook, 'must be a function');
  }

  return Object.freeze({
    issuer,
    basePath,
    urls: Object.freeze({
      token: at('/token'),
      authorize: at('/authorize'),
      revoke: at('/revoke'),
      introspect: at('/introspect'),
      verifyToken: at('/verify-token'),
      jwks: at('/jwks.json'),
    }),
    audience,
    accessTokenTtl: duration(options.accessTokenTtl, 'accessTokenTtl', 600),
    refreshTokenTtl: duration(options.refreshTokenTtl, 'refreshTokenTtl', 14 * 86_400),
    refreshTokenFamilyTtl: duration(options.refreshTokenFamilyTtl, 'refreshTokenFamilyTtl', 30 * 86_400),
    authorizationCodeTtl: duration(options.authorizationCodeTtl, 'authorizationCodeTtl', 60),
    graceSeconds: grace,
    rateLimit: Object.freeze({
      token: rule(limits.token, 'rateLimit.token', DEFAULT_RATE_LIMIT.token),
      introspect: rule(limits.introspect, 'rateLimit.introspect', DEFAULT_RATE_LIMIT.introspect),
      failedAuth: rule(limits.failedAuth, 'rateLimit.failedAuth', DEFAULT_RATE_LIMIT.failedAuth),
    }),
    counter,
    dpop: { algorithms: algorithms ?? DEFAULT_DPOP_ALGORITHMS, maxAge: dpop.maxAge, clockTolerance: dpop.clockTolerance },
    devTools: options.devTools ?? false,
    maxBodyBytes,
    now: options.now ?? Date.now,
  });
}
