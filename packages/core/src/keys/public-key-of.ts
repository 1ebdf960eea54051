import { InvalidKeyError } from '../errors.js';
import type { TesseraKey } from '../types.js';
import { publicTwinOf } from './asymmetric.js';

/**
 * The key that checks what `key` produces: the public half of a private key (to verify its signatures or encrypt
 * to it), and the key itself for public and secret keys. No import happens here — the public half was imported
 * with the private key.
 *
 * @param key - a key from `importPem`, `importJwk`, `importJwks`, `importSecret` or `generateKeyPair`
 * @returns the public (or secret) key to verify with or encrypt to
 * @throws {InvalidKeyError} `invalid_key` for a private key not created by Tessera's importers
 * @see RFC 7517 §4 (a private JWK carries its public members)
 * @example
 * ```ts
 * const signingKey = await importPem(privatePem, { alg: 'ES256' });
 * const verifyKey = publicKeyOf(signingKey); // type 'public', same kid and alg
 * ```
 */
export function publicKeyOf(key: TesseraKey): TesseraKey {
  if (key.type !== 'private') return key;
  const twin = publicTwinOf(key);
  if (twin === undefined) throw new InvalidKeyError('private key has no public counterpart (import it with importPem or importJwk)');
  return twin;
}
