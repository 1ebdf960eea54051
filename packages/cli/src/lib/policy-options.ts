import type { KeyAlgorithm, JweContentAlgorithm, VerifyOptions } from '@tessera/core';
import { onlyJwe, onlyJws } from './algorithms.js';
import type { Args, OptionSpecs } from './args.js';
import { UsageError } from './errors.js';
import { verifyCompatOf } from './key-options.js';

/** Core's verification policy as flags (everything of `VerifyOptions` but the keys). */
export const POLICY_OPTIONS: OptionSpecs = {
  iss: { type: 'string', multiple: true, value: 'issuer', description: 'expected "iss" (one of these)' },
  aud: { type: 'string', multiple: true, value: 'audience', description: 'expected audience: "aud" must contain one of these' },
  sub: { type: 'string', value: 'subject', description: 'expected subject (a mismatch is wrong_token_subject)' },
  'subject-claim': { type: 'string', value: 'claim', description: 'claim holding the subject (default sub)' },
  typ: { type: 'string', multiple: true, value: 'typ', description: 'expected "typ" header (at+jwt, JWT…; case-insensitive, application/ optional)' },
  'clock-tolerance': { type: 'string', value: 'duration', description: 'leeway on exp, nbf, iat: seconds or 30s/2m (default 0)' },
  'max-token-age': { type: 'string', value: 'duration', description: 'maximum age from "iat" (needs iat)' },
  'require-claim': { type: 'string', list: true, value: 'claim', description: 'claims that must be present' },
  'allow-no-exp': { type: 'boolean', description: 'accept a token without "exp" (default: rejected, claim_missing)' },
  'require-signed-jwe': { type: 'boolean', description: 'every JWE must contain a signed JWT (no unsigned dir claims)' },
  'no-compression': { type: 'boolean', description: 'reject zip: DEF tokens' },
  'max-token-size': { type: 'string', value: 'bytes', description: 'largest token accepted (default 8192)' },
  'max-inflated-size': { type: 'string', value: 'bytes', description: 'largest zip: DEF plaintext after inflation (default 262144)' },
  crit: { type: 'string', list: true, value: 'name', description: '"crit" header parameters you process yourself' },
  compat: { type: 'string', list: true, value: 'name', description: 'read a peer\'s departures from the RFCs: gcmIv128, zlibDeflate, jwtEnvelope, nestedWithoutCty' },
  at: { type: 'string', value: 'time', description: 'verify as of this time (NumericDate or ISO date) instead of now' },
};

/**
 * Reads `--at` (a NumericDate or an ISO date).
 * @throws {UsageError} `usage` for anything else
 */
export function atOf(args: Args): Date | undefined {
  const at = args.string('at');
  if (at === undefined) return undefined;
  const date = /^\d+(\.\d+)?$/.test(at) ? new Date(Number(at) * 1000) : /^\d{4}-\d{2}-\d{2}/.test(at) ? new Date(at) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw new UsageError('--at must be a NumericDate (seconds) or an ISO date');
  return date;
}

function oneOrMany(values: string[]): string | string[] | undefined {
  return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
}

/**
 * Core's `VerifyOptions` from the policy flags (keys are added by the caller). `--alg` values split into the JWS
 * allowlist and the JWE key-management allowlist; either left out means core's default.
 * @throws {UsageError} `usage` for a bad duration, size or compatibility name
 */
export function policyOf(args: Args, algs: readonly KeyAlgorithm[], encs: readonly JweContentAlgorithm[]): Omit<VerifyOptions, 'keys' | 'decryptionKeys'> {
  const options: Omit<VerifyOptions, 'keys' | 'decryptionKeys'> = {};
  const jws = onlyJws(algs);
  const jwe = onlyJwe(algs);
  if (jws.length > 0) options.algorithms = jws;
  if (jwe.length > 0) options.keyManagementAlgorithms = jwe;
  if (encs.length > 0) options.contentEncryptionAlgorithms = encs;
  const issuer = oneOrMany(args.strings('iss'));
  const audience = oneOrMany(args.strings('aud'));
  const typ = oneOrMany(args.strings('typ'));
  if (issuer !== undefined) options.issuer = issuer;
  if (audience !== undefined) options.audience = audience;
  if (typ !== undefined) options.typ = typ;
  const subject = args.string('sub');
  const subjectClaim = args.string('subject-claim');
  if (subject !== undefined) options.subject = subject;
  if (subjectClaim !== undefined) options.subjectClaim = subjectClaim;
  const clockTolerance = args.duration('clock-tolerance');
  const maxTokenAge = args.duration('max-token-age');
  if (clockTolerance !== undefined) options.clockTolerance = clockTolerance;
  if (maxTokenAge !== undefined) options.maxTokenAge = maxTokenAge;
  const required = args.strings('require-claim');
  if (required.length > 0) options.requiredClaims = required;
  if (args.flag('allow-no-exp')) options.requireExp = false;
  if (args.flag('require-signed-jwe')) options.requireSignedJwe = true;
  if (args.flag('no-compression')) options.allowCompression = false;
  const maxTokenSize = args.integer('max-token-size');
  const maxInflatedSize = args.integer('max-inflated-size');
  if (maxTokenSize !== undefined) options.maxTokenSize = maxTokenSize;
  if (maxInflatedSize !== undefined) options.maxInflatedSize = maxInflatedSize;
  const crit = args.strings('crit');
  if (crit.length > 0) options.critical = crit;
  Object.assign(options, verifyCompatOf(args));
  const at = atOf(args);
  if (at !== undefined) options.currentDate = () => at;
  return options;
}
