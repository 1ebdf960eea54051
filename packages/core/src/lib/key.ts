import type { JweContentAlgorithm, KeyAlgorithm } from '../algorithms.js';
import type { Jwk, KeyUse, TesseraKey } from '../types.js';

/** Fields of a {@link TesseraKey}; only the key importers and generators call {@link createKey}. */
export interface KeyFields {
  kid?: string | undefined;
  alg: KeyAlgorithm;
  enc?: JweContentAlgorithm | undefined;
  use: KeyUse;
  type: 'secret' | 'public' | 'private';
  key: CryptoKey | Uint8Array;
  publicJwk?: Jwk | undefined;
}

/** Freezes the fields into a {@link TesseraKey}. Internal: validation happens in the importers. */
export function createKey(fields: KeyFields): TesseraKey {
  return Object.freeze({
    kid: fields.kid,
    alg: fields.alg,
    enc: fields.enc,
    use: fields.use,
    type: fields.type,
    key: fields.key,
    publicJwk: fields.publicJwk === undefined ? undefined : Object.freeze({ ...fields.publicJwk }),
  });
}
