import { calculateJwkThumbprint, importJWK } from 'jose';
import type { KeyAlgorithm } from '../algorithms.js';
import { InvalidKeyError } from '../errors.js';
import { createKey } from '../lib/key.js';
import type { Jwk, KeyUse, TesseraKey } from '../types.js';
import { assertPrivateMatchesPublic } from './private-key-match.js';
import { assertJwkFitsAlg } from './validate-key.js';

// Internal: turns a validated asymmetric JWK into TesseraKeys. Every asymmetric importer and the generator end
// here, so kid defaults, public-JWK shape and extractability are decided once.

const twins = new WeakMap<TesseraKey, TesseraKey>();

/** The public key imported alongside a private key by this module, if any. */
export function publicTwinOf(key: TesseraKey): TesseraKey | undefined {
  return twins.get(key);
}

/** The public members of a JWK — the RFC 7638 required members, and nothing that could be private. */
export function publicMembers(jwk: Jwk): Jwk {
  switch (jwk.kty) {
    case 'RSA':
      return { kty: 'RSA', n: jwk.n, e: jwk.e };
    case 'EC':
      return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
    default:
      return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  }
}

function privateMembers(jwk: Jwk): Jwk {
  if (jwk.kty === 'RSA') {
    const { n, e, d, p, q, dp, dq, qi } = jwk;
    return { kty: 'RSA', n, e, d, p, q, dp, dq, qi };
  }
  return { ...publicMembers(jwk), d: jwk.d };
}

/** What {@link finishAsymmetric} builds. */
export interface AsymmetricKeys {
  /** The private key when the JWK had `d`, else the public key. */
  key: TesseraKey;
  /** The public key (the same object as `key` for a public JWK). */
  publicKey: TesseraKey;
  /** The public JWK with kid/alg/use. */
  publicJwk: Jwk;
  /** The kid given, or the RFC 7638 thumbprint. */
  kid: string;
}

/**
 * Validates `jwk` for `alg` — type, curve, strength, ROCA, and for a private key that its private members belong to
 * its public ones — and imports it (a 1024–2047-bit RSA public key only with `allowWeakRsa`, marked verify-only). Private keys end up non-extractable (their public half was read from the JWK, so nothing needs to
 * export them later); the public twin is imported too, so a key set can verify with (or encrypt to) the public half
 * of a private key without another import.
 */
export async function finishAsymmetric(jwk: Jwk, alg: KeyAlgorithm, use: KeyUse, kid: string | undefined,
  allowWeakRsa = false): Promise<AsymmetricKeys> {
  const { weakRsa } = assertJwkFitsAlg(jwk, alg, allowWeakRsa);
  const pub = publicMembers(jwk);
  const isPrivate = jwk.d !== undefined;
  if (weakRsa && isPrivate) {
    // Nothing of Tessera's may sign with a weak key, so a private one has no use: take the peer's public key.
    throw new InvalidKeyError('allowWeakRsa imports public keys only: a key under 2048 bits may verify, never sign');
  }
  if (isPrivate) await assertPrivateMatchesPublic(jwk);
  const verifyOnly = weakRsa ? 'allowWeakRsa' : undefined;
  let publicCrypto: CryptoKey;
  let privateCrypto: CryptoKey | undefined;
  let keyId: string;
  try {
    [publicCrypto, privateCrypto, keyId] = await Promise.all([
      importJWK(pub, alg) as Promise<CryptoKey>,
      isPrivate ? (importJWK(privateMembers(jwk), alg, { extractable: false }) as Promise<CryptoKey>) : undefined,
      kid === undefined ? calculateJwkThumbprint(pub) : kid,
    ]);
  } catch (cause) {
    throw new InvalidKeyError(`${isPrivate ? 'private' : 'public'} key could not be imported for ${alg}`, { cause });
  }
  const publicJwk: Jwk = { ...pub, kid: keyId, alg, use };
  const kidIsThumbprint = kid === undefined;
  const publicKey = createKey({ kid: keyId, alg, use, type: 'public', key: publicCrypto, publicJwk, verifyOnly, kidIsThumbprint });
  if (privateCrypto === undefined) return { key: publicKey, publicKey, publicJwk, kid: keyId };
  const key = createKey({ kid: keyId, alg, use, type: 'private', key: privateCrypto, publicJwk, kidIsThumbprint });
  twins.set(key, publicKey);
  return { key, publicKey, publicJwk, kid: keyId };
}
