import { parseDuration, type JwtClaims, type SignJwtOptions } from '@tessera/core';
import type { Args, OptionSpecs } from './args.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { parseJsonObject, readData, utf8OrUndefined } from './input.js';

/** The default lifetime of a signed token when neither `exp`, `--expires-in` nor `--no-expiry` says otherwise. */
export const DEFAULT_EXPIRES_IN = 900;

/** The options that write claims (`sign`, and `encrypt --sign-key`). */
export const CLAIM_OPTIONS: OptionSpecs = {
  iss: { type: 'string', value: 'issuer', description: 'the "iss" claim' },
  sub: { type: 'string', value: 'subject', description: 'the "sub" claim' },
  aud: { type: 'string', multiple: true, value: 'audience', description: 'the "aud" claim (several make an array)' },
  'expires-in': { type: 'string', value: 'duration', description: `lifetime: seconds or 30s/15m/2h/7d (default ${DEFAULT_EXPIRES_IN / 60}m unless the claims have "exp")` },
  'no-expiry': { type: 'boolean', description: 'write no "exp" (a token that never expires; discouraged)' },
  'not-before': { type: 'string', value: 'time', description: 'the "nbf" claim: a duration from now (5m), a NumericDate or an ISO date' },
  jti: { type: 'string', value: 'id', description: 'the "jti" claim; the word random for a random 128-bit id' },
  claim: { type: 'string', multiple: true, value: 'name=value', description: 'add a claim; the value is parsed as JSON when it is JSON (42, true, ["a"]), else taken as a string' },
};

/**
 * The claims to sign: the JSON object of the positional argument (`-` stdin, `@file`, or the JSON itself) with every
 * `--claim` added.
 * @throws {UsageError} `usage` for input that is not a JSON object, or a malformed `--claim`
 */
export async function claimsOf(arg: string | undefined, args: Args, io: CliIo): Promise<JwtClaims> {
  let claims: Record<string, unknown> = {};
  if (arg !== undefined) {
    const text = utf8OrUndefined(await readData(arg, io, 'claims'));
    if (text === undefined) throw new UsageError('the claims are not UTF-8 text');
    claims = parseJsonObject(text, 'the claims');
  }
  for (const pair of args.strings('claim')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError('--claim takes name=value');
    const name = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: the text itself
    }
    claims[name] = value;
  }
  return claims as JwtClaims;
}

function notBeforeOf(value: string): number | string | Date {
  if (/^\d+$/.test(value)) return Number(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new UsageError('--not-before is not a valid date');
    return date;
  }
  try {
    parseDuration(value, '--not-before');
  } catch {
    throw new UsageError('--not-before must be a duration from now (5m), a NumericDate or an ISO date');
  }
  return value;
}

/**
 * Core's `SignJwtOptions` from the claim flags. Lifetime: `--expires-in`, else none with `--no-expiry`, else the
 * claims' own `exp`, else {@link DEFAULT_EXPIRES_IN}.
 * @throws {UsageError} `usage` for a bad duration or contradicting flags
 */
export function signOptionsOf(args: Args, claims: JwtClaims): SignJwtOptions {
  const options: SignJwtOptions = {};
  const iss = args.string('iss');
  const sub = args.string('sub');
  const aud = args.strings('aud');
  if (iss !== undefined) options.issuer = iss;
  if (sub !== undefined) options.subject = sub;
  if (aud.length > 0) options.audience = aud.length === 1 ? aud[0]! : aud;
  const expiresIn = args.string('expires-in');
  if (expiresIn !== undefined) {
    if (args.flag('no-expiry')) throw new UsageError('--expires-in and --no-expiry exclude each other');
    try {
      options.expiresIn = parseDuration(/^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn, '--expires-in');
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : '--expires-in is not a duration');
    }
  } else if (args.flag('no-expiry')) {
    if (claims.exp !== undefined) throw new UsageError('--no-expiry, but the claims have "exp"');
    options.allowNoExpiry = true;
  } else if (claims.exp === undefined) {
    options.expiresIn = DEFAULT_EXPIRES_IN;
  }
  const nbf = args.string('not-before');
  if (nbf !== undefined) options.notBefore = notBeforeOf(nbf);
  const jti = args.string('jti');
  if (jti !== undefined) options.jti = jti === 'random' ? true : jti;
  return options;
}
