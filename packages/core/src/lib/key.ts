import type { JweContentAlgorithm, KeyAlgorithm } from '../algorithms.js';
import type { Jwk, KeyUse, TesseraKey, VerifyOnlyReason } from '../types.js';

/** Fields of a {@link TesseraKey}; only the key importers and generators call {@link createKey}. */
export interface KeyFields {
  kid?: string | undefined;
  alg: KeyAlgorithm;
  enc?: JweContentAlgorithm | undefined;
  use: KeyUse;
  type: 'secret' | 'public' | 'private';
  key: CryptoKey | Uint8Array;
  publicJwk?: Jwk | undefined;
  /** Set only by an import compatibility option: the key may verify, never sign or encrypt. */
  verifyOnly?: VerifyOnlyReason | undefined;
}

/** Freezes the fields into a {@link TesseraKey}. Internal: validation happens in the importers. */
export function createKey(fields: KeyFields): TesseraKey {
  const key = {
    kid: fields.kid,
    alg: fields.alg,
    enc: fields.enc,
    use: fields.use,
    type: fields.type,
    key: fields.key,
    publicJwk: fields.publicJwk === undefined ? undefined : Object.freeze({ ...fields.publicJwk }),
  };
  // Only weak keys carry the marker, so ordinary keys keep exactly the shape they always had.
  return Object.freeze(fields.verifyOnly === undefined ? key : { ...key, verifyOnly: fields.verifyOnly });
}
