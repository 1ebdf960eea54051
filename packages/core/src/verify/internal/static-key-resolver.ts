import { candidatesFor, indexCandidates, type KeyCandidates } from '../../lib/key-candidates.js';
import type { JoseHeader, KeyResolver, TesseraKey } from '../../types.js';

/**
 * A {@link KeyResolver} over a fixed list of keys, indexed once per alg so `resolve` is two map look-ups and no
 * allocation. Selection follows {@link KeyCandidates}: a token's `kid` gets the keys with that `kid`, then the keys
 * given without one; a token without `kid` gets every key of its `alg`.
 */
export function createStaticKeyResolver(keys: readonly TesseraKey[]): KeyResolver {
  const grouped = new Map<string, TesseraKey[]>();
  for (const key of keys) {
    const list = grouped.get(key.alg);
    if (list === undefined) grouped.set(key.alg, [key]);
    else list.push(key);
  }
  const index = new Map<string, KeyCandidates>();
  for (const [alg, list] of grouped) index.set(alg, indexCandidates(list));
  const listed = Object.freeze([...keys]);
  return Object.freeze({
    resolve(header: JoseHeader): readonly TesseraKey[] {
      return candidatesFor(index.get(header.alg), header.kid);
    },
    list(): readonly TesseraKey[] {
      return listed;
    },
  });
}
