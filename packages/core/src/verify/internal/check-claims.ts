import { ClaimError, TokenTimeError } from '../../errors.js';
import type { JwtClaims } from '../../types.js';
import type { Policy } from './policy.js';

/** Reads a NumericDate claim: absent, or a finite number (python-jose writes floats such as `1729803600.0`). */
function numericDate(payload: JwtClaims, claim: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  // JSON.parse turns 1e400 into Infinity, so "is a number" is not enough.
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ClaimError(claim, `"${claim}" claim must be a number`);
  }
  return value;
}

function checkTimes(payload: JwtClaims, policy: Policy): void {
  // Exact seconds, not floored: a fractional `exp` ends when it says, and integer claims compare as with jose.
  const now = (policy.currentDate === undefined ? Date.now() : policy.currentDate().getTime()) / 1000;
  const tolerance = policy.clockTolerance;
  const exp = numericDate(payload, 'exp');
  if (exp === undefined) {
    if (policy.requireExp) throw new ClaimError('exp', '"exp" claim is missing', 'claim_missing');
  } else if (exp <= now - tolerance) {
    throw new TokenTimeError('exp', 'token has expired', 'token_expired');
  }
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) {
    throw new TokenTimeError('nbf', 'token is not valid yet ("nbf" is in the future)', 'token_not_yet_valid');
  }
  const iat = numericDate(payload, 'iat');
  if (iat !== undefined && iat > now + tolerance) {
    throw new TokenTimeError('iat', 'token is not valid yet ("iat" is in the future)', 'token_not_yet_valid');
  }
  if (policy.maxTokenAge !== undefined) {
    if (iat === undefined) throw new ClaimError('iat', '"iat" claim is missing', 'claim_missing');
    if (now - iat - tolerance > policy.maxTokenAge) throw new ClaimError('iat', 'token is older than maxTokenAge');
  }
}

function checkAudience(aud: unknown, expected: readonly string[]): void {
  if (aud === undefined) throw new ClaimError('aud', '"aud" claim is missing', 'claim_missing');
  if (typeof aud === 'string') {
    if (expected.includes(aud)) return;
  } else if (Array.isArray(aud)) {
    for (const value of aud) if (typeof value === 'string' && expected.includes(value)) return;
  }
  throw new ClaimError('aud', '"aud" claim does not contain an expected audience');
}

/**
 * Applies the claims policy (RFC 7519 §4.1, RFC 8725 §3.8–3.9): NumericDate types, `exp` (required by default),
 * `nbf` and `iat` not in the future, `maxTokenAge`, `iss`, `aud`, the expected subject, and required claims. Errors
 * name the claim and never echo its value.
 *
 * @throws {TokenTimeError} `token_expired` / `token_not_yet_valid`.
 * @throws {ClaimError} `claim_invalid`, `claim_missing` or `wrong_token_subject`.
 */
export function checkClaims(payload: JwtClaims, policy: Policy): void {
  checkTimes(payload, policy);
  if (policy.issuer !== undefined) {
    const iss = payload.iss;
    if (iss === undefined) throw new ClaimError('iss', '"iss" claim is missing', 'claim_missing');
    if (typeof iss !== 'string' || !policy.issuer.includes(iss)) {
      throw new ClaimError('iss', '"iss" claim has an unexpected value');
    }
  }
  if (policy.audience !== undefined) checkAudience(payload.aud, policy.audience);
  if (policy.subject !== undefined) {
    const name = policy.subjectClaim;
    // The jwt_decrypt module raises "wrong_token_subject" for a missing subject as well as a different one.
    if (!Object.hasOwn(payload, name) || payload[name] !== policy.subject) {
      throw new ClaimError(name, `"${name}" claim does not match the expected subject`, 'wrong_token_subject');
    }
  }
  for (const name of policy.requiredClaims) {
    if (!Object.hasOwn(payload, name)) throw new ClaimError(name, `"${name}" claim is missing`, 'claim_missing');
  }
}
