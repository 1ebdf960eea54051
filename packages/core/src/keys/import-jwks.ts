import { InvalidKeyError, TesseraArgumentError, UnsupportedAlgorithmError } from '../errors.js';
import type { Jwk, Jwks, KeyUse, TesseraKey } from '../types.js';
import { importJwk } from './import-jwk.js';
import { KeySet } from './key-set.js';
import { isKeyAlgorithm, quote, useOf } from './validate-key.js';

/** Options of {@link importJwks}. */
export interface ImportJwksOptions {
  /** Keep only keys for this use (by the JWK's `use`, else by its algorithm). @default both uses */
  use?: KeyUse;
  /** Clock for the returned {@link KeySet}, in milliseconds. @default Date.now */
  now?: () => number;
}

function label(index: number, jwk: Jwk): string {
  return `JWKS key #${index}${typeof jwk.kid === 'string' ? ` (kid ${quote(jwk.kid)})` : ''}`;
}

/**
 * Imports a JSON Web Key Set into a {@link KeySet}, strictly.
 *
 * Rules, in order, for each member:
 * 1. a key whose `use` differs from `options.use` is skipped (a set may hold signing and encryption keys);
 * 2. a key without `alg` is skipped — every Tessera key is bound to one algorithm, and guessing one (RS256 or
 *    PS256? ES256 or ECDH-ES?) is how keys end up used with algorithms nobody intended; import such a key with
 *    `importJwk(jwk, { alg })`;
 * 3. a key whose `alg` Tessera does not support (RSA1_5, A256KW, …) fails the whole import;
 * 4. a key whose algorithm is for the other use than `options.use` is skipped;
 * 5. every other key is imported with {@link importJwk}'s checks, and any failure (weak RSA, wrong curve, short
 *    secret, `dir` key without `enc`) fails the whole import, naming the member.
 * Two members with the same `kid` and `alg` fail the import (the set would be ambiguous), and so does a set from
 * which no key was imported.
 *
 * @param jwks - `{ keys: [...] }`
 * @param options - see {@link ImportJwksOptions}
 * @returns a KeySet holding the imported keys, all active now
 * @throws {InvalidKeyError} `invalid_key`: not a JWKS, a bad member, duplicate kid, nothing usable
 * @throws {UnsupportedAlgorithmError} `unsupported_algorithm`: a member with an `alg` Tessera does not support
 * @see RFC 7517 §5 (JWK Set)
 * @example
 * ```ts
 * const keys = await importJwks(JSON.parse(fs.readFileSync('jwks.json', 'utf8')), { use: 'sig' });
 * keys.resolve({ alg: 'RS256', kid: 'k1' }, 'sig');
 * ```
 */
export async function importJwks(jwks: Jwks, options: ImportJwksOptions = {}): Promise<KeySet> {
  const { use } = options;
  if (use !== undefined && use !== 'sig' && use !== 'enc') throw new TesseraArgumentError('options.use must be "sig" or "enc"');
  const members: unknown = typeof jwks === 'object' && jwks !== null ? (jwks as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(members)) throw new InvalidKeyError('JWKS must be an object with a "keys" array');

  const keys: TesseraKey[] = [];
  const seen = new Set<string>();
  for (const [index, jwk] of (members as unknown[]).entries()) {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new InvalidKeyError(`JWKS key #${index} is not an object`);
    const member = jwk as Jwk;
    if (use !== undefined && member.use !== undefined && member.use !== use) continue;
    if (member.alg === undefined) continue;
    if (!isKeyAlgorithm(member.alg)) {
      throw new UnsupportedAlgorithmError(`${label(index, member)}: alg ${quote(member.alg)} is not supported`);
    }
    if (use !== undefined && useOf(member.alg) !== use) continue;
    let key: TesseraKey;
    try {
      key = await importJwk(member);
    } catch (err) {
      // Re-issue with the member named; a missing "enc" is a property of the data here, not of a call site.
      const message = `${label(index, member)}: ${err instanceof Error ? err.message : 'cannot be imported'}`;
      if (err instanceof UnsupportedAlgorithmError) throw new UnsupportedAlgorithmError(message, { cause: err });
      throw new InvalidKeyError(message, { cause: err });
    }
    if (key.kid !== undefined) {
      const id = `${key.kid}\u0000${key.alg}`;
      if (seen.has(id)) throw new InvalidKeyError(`${label(index, member)}: another key has the same kid and alg`);
      seen.add(id);
    }
    keys.push(key);
  }
  if (keys.length === 0) {
    throw new InvalidKeyError(`JWKS has no key Tessera can use${use === undefined ? '' : ` for "${use}"`} (keys without "alg" are skipped)`);
  }
  return new KeySet(keys, options.now === undefined ? undefined : { now: options.now });
}
