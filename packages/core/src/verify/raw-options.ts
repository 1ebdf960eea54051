import type { VerifyCompatOptions, VerifyKeys, VerifyOptions } from './verify-options.js';

/**
 * Options of {@link createJwsVerifier}: the header and key part of {@link VerifyOptions}, with the same meaning and
 * defaults. Claims options are not taken (a raw payload has no claims): any other name is rejected as an unknown
 * option.
 *
 * @example
 * ```ts
 * const options: JwsVerifyOptions = { keys: [publicKey], algorithms: ['ES256'], typ: 'example+jws' }
 * ```
 */
export interface JwsVerifyOptions
  extends Pick<VerifyOptions, 'algorithms' | 'critical' | 'maxTokenSize' | 'maxKeyTries' | 'engine'> {
  /**
   * Keys that check the signature, chosen only by the token's `kid` and `alg` (a key named in the token — `jwk`,
   * `jku`, `x5u`, `x5c` — is never used). Listed keys must be `use: 'sig'` public or secret keys.
   */
  keys: VerifyKeys;
  /**
   * Expected `typ` of the JWS header, compared as RFC 7515 §4.1.9 says: case-insensitively, with the
   * `application/` prefix optional.
   * @default undefined (any or no `typ`)
   */
  typ?: string | readonly string[];
}

/**
 * The compatibility settings a {@link createJweDecrypter} takes: the two that change how a ciphertext is opened.
 * (`jwtEnvelope` and `nestedWithoutCty` are about nested tokens, which a decrypter does not unwrap.)
 *
 * @example
 * ```ts
 * const compat: DecryptCompatOptions = { gcmIv128: true, zlibDeflate: true } // python-jose 3.3 JWEs
 * ```
 */
export type DecryptCompatOptions = Pick<VerifyCompatOptions, 'gcmIv128' | 'zlibDeflate'>;

/**
 * Options of {@link createJweDecrypter}: the header, key and decryption part of {@link VerifyOptions}, with the same
 * meaning and defaults. Claims and nested-token options are not taken: any other name is rejected as an unknown
 * option.
 *
 * @example
 * ```ts
 * const options: JweDecryptOptions = { decryptionKeys: [dirKey], keyManagementAlgorithms: ['dir'] }
 * ```
 */
export interface JweDecryptOptions
  extends Pick<
    VerifyOptions,
    | 'keyManagementAlgorithms'
    | 'contentEncryptionAlgorithms'
    | 'allowCompression'
    | 'critical'
    | 'maxTokenSize'
    | 'maxKeyTries'
    | 'maxInflatedSize'
    | 'engine'
  > {
  /**
   * Keys that decrypt (`dir` and `A*KW`/`A*GCMKW` secrets, RSA-OAEP* / ECDH-ES* private keys), chosen only by the token's `kid`, `alg`
   * and, for `dir`, `enc`. Listed keys must be `use: 'enc'` secret or private keys.
   */
  decryptionKeys: VerifyKeys;
  /**
   * Expected `typ` of the JWE header, compared as RFC 7515 §4.1.9 says (case-insensitive, `application/` optional);
   * checked with the other header rules, before decryption.
   * @default undefined (any or no `typ`)
   */
  typ?: string | readonly string[];
  /**
   * Compatibility settings for ciphertexts of peers that depart from the RFCs (see {@link DecryptCompatOptions}).
   * Unknown names, `jwtEnvelope` and `nestedWithoutCty` included, are rejected.
   * @default {} (every setting off)
   */
  compat?: DecryptCompatOptions;
}
