import { TesseraArgumentError } from '../../errors.js';
import type { JwtClaims } from '../../types.js';
import { parseDuration } from '../../lib/duration.js';
import { randomBase64url } from '../../lib/random-id.js';
import type { SignJwtOptions } from '../sign-jwt.js';
import { isPlainObject } from './encode.js';

/** The claim-related options of {@link SignJwtOptions}. */
export type ClaimOptions = Pick<
  SignJwtOptions,
  'issuer' | 'subject' | 'audience' | 'expiresIn' | 'notBefore' | 'issuedAt' | 'jti' | 'now' | 'allowNoExpiry'
>;

const REGISTERED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti']);

/** A random 128-bit `jti`, base64url without padding (22 characters). */
export function randomJti(): string {
  return randomBase64url(16);
}

function fail(message: string): never {
  throw new TesseraArgumentError(message);
}

function checkString(value: unknown, label: string, nonEmpty: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    fail(`${label} must be a ${nonEmpty ? 'non-empty ' : ''}string`);
  }
  return value;
}

function checkAudience(value: unknown, label: string): string | string[] | undefined {
  if (value === undefined || typeof value === 'string') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    return [...(value as string[])];
  }
  return fail(`${label} must be a string or a non-empty array of strings`);
}

function checkNumericDate(value: unknown, label: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    fail(`${label} must be an integer NumericDate (seconds since the epoch)`);
  }
  return value;
}

/** An absolute time given as a NumericDate or a `Date`. */
function absoluteTime(value: unknown, label: string): number | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (!Number.isFinite(ms)) fail(`${label} must be a valid Date`);
    return Math.floor(ms / 1000);
  }
  return checkNumericDate(value, label);
}

function currentSeconds(now: unknown): number {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  if (typeof now !== 'function') fail('"now" must be a function returning milliseconds since the epoch');
  const ms: unknown = now();
  if (typeof ms !== 'number' || !Number.isFinite(ms)) fail('"now" must return a finite number of milliseconds');
  return Math.floor(ms / 1000);
}

function sameAudience(a: string | string[], b: string | string[]): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Takes the option's value when the claim is absent; refuses two different values for one claim. */
function pick<T>(fromClaims: T | undefined, fromOption: T | undefined, claim: string, option: string,
  same: (a: T, b: T) => boolean = Object.is): T | undefined {
  if (fromOption === undefined) return fromClaims;
  if (fromClaims !== undefined && !same(fromClaims, fromOption)) {
    fail(`"${option}" conflicts with claims.${claim}; set one of them`);
  }
  return fromOption;
}

/**
 * Builds the claims set a token carries, from the caller's claims and the claim options, with registered claims first
 * (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`) and every time as an integer NumericDate.
 *
 * Refuses (TesseraArgumentError) a claims value that is not a plain object, a registered claim of the wrong type, an
 * option that contradicts a claim, and a token without `exp` unless `allowNoExpiry` is true.
 */
export function buildClaims(claims: unknown, options: ClaimOptions): JwtClaims {
  if (!isPlainObject(claims)) fail('"claims" must be a plain object');
  if (options.allowNoExpiry !== undefined && typeof options.allowNoExpiry !== 'boolean') {
    fail('"allowNoExpiry" must be a boolean');
  }
  const now = currentSeconds(options.now);

  const iss = pick(checkString(claims.iss, 'claims.iss', false), checkString(options.issuer, '"issuer"', true),
    'iss', 'issuer');
  const sub = pick(checkString(claims.sub, 'claims.sub', false), checkString(options.subject, '"subject"', true),
    'sub', 'subject');
  const aud = pick(checkAudience(claims.aud, 'claims.aud'), checkAudience(options.audience, '"audience"'),
    'aud', 'audience', sameAudience);

  const iat = pick(checkNumericDate(claims.iat, 'claims.iat'), absoluteTime(options.issuedAt, '"issuedAt"'),
    'iat', 'issuedAt') ?? now;

  const notBefore = typeof options.notBefore === 'string'
    ? now + parseDuration(options.notBefore, 'notBefore')
    : absoluteTime(options.notBefore, '"notBefore"');
  const nbf = pick(checkNumericDate(claims.nbf, 'claims.nbf'), notBefore, 'nbf', 'notBefore');

  let exp = checkNumericDate(claims.exp, 'claims.exp');
  if (options.expiresIn !== undefined) {
    if (exp !== undefined) fail('"expiresIn" conflicts with claims.exp; set one of them');
    const seconds = parseDuration(options.expiresIn, 'expiresIn');
    if (seconds === 0) fail('"expiresIn" must be greater than zero');
    exp = now + seconds;
  }
  if (exp === undefined && options.allowNoExpiry !== true) {
    fail('refusing to issue a token without "exp": set "expiresIn" or claims.exp, or allowNoExpiry: true');
  }

  const claimJti = checkString(claims.jti, 'claims.jti', false);
  let jti: string | undefined;
  if (options.jti === true) {
    if (claimJti !== undefined) fail('"jti" conflicts with claims.jti; set one of them');
    jti = randomJti();
  } else if (options.jti === undefined || options.jti === false) {
    jti = claimJti;
  } else {
    jti = pick(claimJti, checkString(options.jti, '"jti"', true), 'jti', 'jti');
  }

  const out: JwtClaims = {};
  if (iss !== undefined) out.iss = iss;
  if (sub !== undefined) out.sub = sub;
  if (aud !== undefined) out.aud = aud;
  if (exp !== undefined) out.exp = exp;
  if (nbf !== undefined) out.nbf = nbf;
  out.iat = iat;
  if (jti !== undefined) out.jti = jti;
  for (const name of Object.keys(claims)) {
    const value = claims[name];
    if (REGISTERED.has(name) || value === undefined) continue;
    // defineProperty, not assignment: a claim named "__proto__" (e.g. from JSON.parse) must stay a claim.
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
