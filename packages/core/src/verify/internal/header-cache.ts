import type { JoseHeader } from '../../types.js';

/** Distinct headers kept per kind; an issuer uses a handful (one per key and `typ`), so this is plenty. */
const LIMIT = 32;
/** Longer protected headers (an embedded `jwk`, an `x5c` chain) are not worth keeping: real ones are ~100 bytes. */
const MAX_LENGTH = 1024;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/**
 * One kind's headers by protected segment. The entry found last is compared before the map is searched: most traffic
 * repeats one header, and comparing strings is cheaper than hashing a freshly sliced segment for the lookup.
 */
class HeaderMap {
  readonly #map = new Map<string, JoseHeader>();
  #lastB64 = '';
  #last: JoseHeader | undefined;

  get(protectedB64: string): JoseHeader | undefined {
    if (protectedB64 === this.#lastB64) return this.#last;
    const header = this.#map.get(protectedB64);
    if (header !== undefined) {
      this.#lastB64 = protectedB64;
      this.#last = header;
    }
    return header;
  }

  set(protectedB64: string, header: JoseHeader): void {
    if (protectedB64.length > MAX_LENGTH || this.#map.has(protectedB64)) return;
    if (this.#map.size >= LIMIT) this.#map.clear();
    this.#map.set(protectedB64, header);
  }
}

/**
 * Protected headers that already passed this verifier's header rules on a token that then verified, by their exact
 * base64url text. Tokens from one issuer repeat the same header, so decoding, strict parsing and checking it again
 * is pure overhead on the hot path. Only verified tokens add entries, so a stream of forged headers cannot churn
 * it; remembered headers are deeply frozen because every later result shares them (so every header a verifier
 * returns is frozen, cached or not).
 */
export class HeaderCache {
  readonly #jws = new HeaderMap();
  readonly #jwe = new HeaderMap();

  /** The checked header for this exact protected segment, if a verified token had it. */
  get(kind: 'jws' | 'jwe', protectedB64: string): JoseHeader | undefined {
    return (kind === 'jws' ? this.#jws : this.#jwe).get(protectedB64);
  }

  /**
   * Remembers (and freezes) a header after a token carrying it verified. A header with an `epk` (ECDH-ES) is frozen
   * but not kept: its ephemeral key makes it unique to one token, so it would only push out headers that do repeat.
   */
  remember(kind: 'jws' | 'jwe', protectedB64: string, header: JoseHeader): void {
    deepFreeze(header);
    if (header.epk !== undefined) return;
    (kind === 'jws' ? this.#jws : this.#jwe).set(protectedB64, header);
  }
}
