import type { JweContentAlgorithm } from '../algorithms.js';
import { InvalidKeyError } from '../errors.js';
import { createKey } from '../lib/key.js';
import type { TesseraKey } from '../types.js';
import {
  assertSecretSize,
  isHmacAlgorithm,
  isShortHmacSecret,
  refuseAsymmetricKeyText,
  type SymmetricAlgorithm,
  useOf,
} from './validate-key.js';

// Internal: the one constructor of secret keys, shared by importSecret, importJwk (oct) and importJwks, so the
// size rules and the algorithm-confusion refusal cannot be skipped by choosing another importer.

/**
 * Validates `bytes` for `alg` (and `enc` for dir) and freezes a copy into a secret TesseraKey. With `allowShortKey`
 * (HS* only, checked by the caller) an HMAC secret below the hash size is let in, marked verify-only.
 */
export function createSecretKey(
  bytes: Uint8Array,
  alg: SymmetricAlgorithm,
  enc: JweContentAlgorithm | undefined,
  kid: string | undefined,
  allowShortKey = false,
): TesseraKey {
  if (bytes.length === 0) throw new InvalidKeyError('key is empty');
  // Refuse key text before sizing it: "this is a public key" is the message that helps, not "too short".
  refuseAsymmetricKeyText(bytes, alg);
  const short = allowShortKey && isHmacAlgorithm(alg) && isShortHmacSecret(bytes, alg);
  if (!short) assertSecretSize(bytes, alg, enc);
  return createKey({
    verifyOnly: short ? 'allowShortKey' : undefined,
    kid,
    alg,
    enc: alg === 'dir' ? enc : undefined,
    use: useOf(alg),
    type: 'secret',
    // A copy: the caller's buffer may be reused or zeroed after import.
    key: bytes.slice(),
  });
}
