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
  /**
   * True when `kid` is the RFC 7638 thumbprint the importer computed because none was given: the key is then
   * "unnamed" for key selection (see {@link isNamedKey}).
   */
  kidIsThumbprint?: boolean | undefined;
}

/** Keys whose `kid` was computed (a thumbprint), not given by the caller or the JWK. */
const thumbprintKids = new WeakSet<TesseraKey>();

/**
 * Whether the caller named this key: a `kid` given at import (an option, or the JWK's own `kid`). A key imported
 * without one — a secret without `kid`, or an asymmetric key whose `kid` is the thumbprint Tessera computed — is
 * unnamed: it is a candidate for any token of its `alg`, after the keys whose `kid` equals the token's.
 */
export function isNamedKey(key: TesseraKey): boolean {
  return key.kid !== undefined && !thumbprintKids.has(key);
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
  const created: TesseraKey = Object.freeze(fields.verifyOnly === undefined ? key : { ...key, verifyOnly: fields.verifyOnly });
  if (fields.kidIsThumbprint === true && created.kid !== undefined) thumbprintKids.add(created);
  return created;
}
