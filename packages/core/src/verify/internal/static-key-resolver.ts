import type { JoseHeader, KeyResolver, TesseraKey } from '../../types.js';

const NONE: readonly TesseraKey[] = Object.freeze([]);

interface AlgKeys {
  /** Every key of the alg, in the order given. */
  readonly all: readonly TesseraKey[];
  /** Keys by `kid`. */
  readonly byKid: ReadonlyMap<string, readonly TesseraKey[]>;
  /** Keys without a `kid`: the caller did not name them, so they stand for any `kid`. */
  readonly unnamed: readonly TesseraKey[];
}

/**
 * A {@link KeyResolver} over a fixed list of keys, indexed once so `resolve` is two map look-ups and no allocation.
 *
 * A token with a `kid` gets the keys with that `kid`, or, when none has it, the keys that have no `kid` at all (a
 * secret configured without a name still checks tokens from an issuer that names its keys). A token without `kid`
 * gets every key of its `alg`.
 */
export function createStaticKeyResolver(keys: readonly TesseraKey[]): KeyResolver {
  const grouped = new Map<string, TesseraKey[]>();
  for (const key of keys) {
    const list = grouped.get(key.alg);
    if (list === undefined) grouped.set(key.alg, [key]);
    else list.push(key);
  }
  const index = new Map<string, AlgKeys>();
  for (const [alg, list] of grouped) {
    const byKid = new Map<string, TesseraKey[]>();
    const unnamed: TesseraKey[] = [];
    for (const key of list) {
      if (key.kid === undefined) {
        unnamed.push(key);
        continue;
      }
      const named = byKid.get(key.kid);
      if (named === undefined) byKid.set(key.kid, [key]);
      else named.push(key);
    }
    index.set(alg, Object.freeze({ all: Object.freeze(list), byKid, unnamed: Object.freeze(unnamed) }));
  }
  const listed = Object.freeze([...keys]);
  return Object.freeze({
    resolve(header: JoseHeader): readonly TesseraKey[] {
      const forAlg = index.get(header.alg);
      if (forAlg === undefined) return NONE;
      const kid = header.kid;
      if (kid === undefined) return forAlg.all;
      return forAlg.byKid.get(kid) ?? forAlg.unnamed;
    },
    list(): readonly TesseraKey[] {
      return listed;
    },
  });
}
