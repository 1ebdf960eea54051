import { TesseraArgumentError } from '../../errors.js';
import type { TesseraKey } from '../../types.js';
import { utf8 } from './encode.js';
import { encryptCompact } from './jose-ops.js';
import type { EncryptionTarget } from './keys.js';
import type { SignedClaims } from './sign-claims.js';

/** Reads a required key option, naming it when absent. */
export function requiredKey(value: TesseraKey | undefined, name: string, why: string): TesseraKey {
  if (value === undefined) throw new TesseraArgumentError(`"${name}" is required ${why}`);
  return value;
}

/** Wraps a signed JWT in a JWE with `cty: 'JWT'` (RFC 7519 §5.2) and the encryption key's `kid`. */
export function encryptSigned(signed: SignedClaims, target: EncryptionTarget, zip: 'DEF' | undefined,
  encryptionKey: TesseraKey): Promise<string> {
  return encryptCompact(utf8(signed.token), target, zip, { cty: 'JWT', kid: encryptionKey.kid }, 'encryptionKey');
}
