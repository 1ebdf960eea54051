import type { TesseraKey } from '../types.js';
import { isNamedKey } from './key.js';

const NONE: readonly TesseraKey[] = Object.freeze([]);

/**
 * The keys of one algorithm (one `alg`, or for `dir` one `enc`), indexed for the key-selection rule every local key
 * source follows (a fixed key list, a {@link KeySet}):
 *
 * - a token with a `kid` gets the keys with exactly that `kid`, then the keys the caller did not name — a secret
 *   imported without `kid`, an asymmetric key imported without one (its `kid` is then its RFC 7638 thumbprint) — so a
 *   key named `"k1"` never checks a token that says `"k2"`, and an issuer's `kid` never locks out a key configured
 *   without one (a PEM handed out by an issuer has no `kid`);
 * - a token without `kid` gets every key of its `alg`.
 *
 * Built once per change of the key set, so a look-up allocates nothing.
 */
export interface KeyCandidates {
  /** Every key, in order: the candidates for a token without `kid`. */
  readonly all: readonly TesseraKey[];
  /** Per `kid` some key has: the keys with exactly that `kid`, then the unnamed keys. */
  readonly byKid: ReadonlyMap<string, readonly TesseraKey[]>;
  /** The keys the caller did not name (see {@link isNamedKey}): the candidates for any other `kid`. */
  readonly unnamed: readonly TesseraKey[];
}

/**
 * Indexes `keys` (all of one algorithm, in the order they are to be tried) for {@link candidatesFor}.
 *
 * @param keys The keys, best candidate first.
 * @returns The frozen index.
 */
export function indexCandidates(keys: readonly TesseraKey[]): KeyCandidates {
  const all = Object.freeze([...keys]);
  const unnamed = Object.freeze(all.filter((key) => !isNamedKey(key)));
  const exact = new Map<string, TesseraKey[]>();
  for (const key of all) {
    if (key.kid === undefined) continue;
    const named = exact.get(key.kid);
    if (named === undefined) exact.set(key.kid, [key]);
    else named.push(key);
  }
  const byKid = new Map<string, readonly TesseraKey[]>();
  for (const [kid, matches] of exact) {
    byKid.set(kid, Object.freeze([...matches, ...unnamed.filter((key) => !matches.includes(key))]));
  }
  return Object.freeze({ all, byKid, unnamed });
}

/**
 * The candidate keys for a token's `kid` header value.
 *
 * @param keys The index of the token's algorithm, or undefined when no key has it.
 * @param kid The header's `kid`: absent, a string, or (in a token the header rules have not seen) anything else.
 * @returns The keys to try, best first; empty when none fits.
 */
export function candidatesFor(keys: KeyCandidates | undefined, kid: unknown): readonly TesseraKey[] {
  if (keys === undefined) return NONE;
  if (kid === undefined) return keys.all;
  if (typeof kid !== 'string') return NONE;
  return keys.byKid.get(kid) ?? keys.unnamed;
}
