/** An entry that lives until `expiresAt` (the store clock's milliseconds). */
export interface Expiring {
  expiresAt: number;
}

/** Returns the live entry under `key`, dropping it when expired. */
export function live<T extends Expiring>(map: Map<string, T>, key: string, now: number): T | undefined {
  const entry = map.get(key);
  if (entry === undefined) return undefined;
  if (now >= entry.expiresAt) {
    map.delete(key);
    return undefined;
  }
  return entry;
}

/** Removes every expired entry of `map`; returns how many. */
export function purge(map: Map<string, Expiring>, now: number): number {
  let removed = 0;
  for (const [key, entry] of map) {
    if (now >= entry.expiresAt) {
      map.delete(key);
      removed++;
    }
  }
  return removed;
}
