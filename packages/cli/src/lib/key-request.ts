import type { JweContentAlgorithm, KeyAlgorithm, KeyUse, SecretEncoding } from '@tessera/core';

/** What a key is needed for. */
export type KeyRole = 'sign' | 'verify' | 'encrypt' | 'decrypt';

/** How to read the keys of one flag. */
export interface KeyRequest {
  /** The flag the keys came from (`--key`, `--decryption-key`, `--sign-key`), for messages. */
  flag: string;
  /** The flag that binds an algorithm to keys that name none (`--alg`, `--sign-alg`), for messages. */
  algFlag: string;
  role: KeyRole;
  /** Algorithms to bind PEM keys, secrets and alg-less JWKs to; those not of the role's use are ignored. */
  algs: readonly KeyAlgorithm[];
  /** Content encryptions a `dir` secret may be sized for. @default ['A256GCM'] */
  encs?: readonly JweContentAlgorithm[];
  /** How secret text is decoded. @default core's: base64 for dir, utf8 for HS* */
  encoding?: SecretEncoding | undefined;
  /** Picks the key with this kid when a file holds several (sign, encrypt). */
  kid?: string | undefined;
  /** Core's compatibility import options (verify only). */
  allowShortKey?: boolean;
  allowWeakRsa?: boolean;
  /** The token's header, to suggest the algorithm when one is missing. Untrusted: only known names are shown. */
  header?: { alg?: unknown; enc?: unknown } | undefined;
  /** Where a key of the other use belongs, for the message (`pass it as --decryption-key`). */
  otherUseHint?: string;
  /** JWKS URL fetch timeout in milliseconds. @default core's (5000) */
  jwksTimeout?: number | undefined;
}

/** The key use each role needs: `sig` to sign and verify, `enc` to encrypt and decrypt. */
export const ROLE_USE: Readonly<Record<KeyRole, KeyUse>> = { sign: 'sig', verify: 'sig', encrypt: 'enc', decrypt: 'enc' };
