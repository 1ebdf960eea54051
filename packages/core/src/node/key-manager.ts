import type { JweContentAlgorithm } from '../algorithms.js';
import { hasOnlyTokenCharacters, isCanonicalSegment } from '../lib/base64url.js';
import type { CompactJwe } from '../lib/engine.js';

/** What a {@link KeyManager} answers to hand a token to the jose engine instead: its reading is then the verdict. */
export const DELEGATE: unique symbol = Symbol('delegate to jose');

/**
 * Recovers the content-encryption key of one JWE under one prepared key (RFC 7516 §5.2 steps 6–10): RSA-OAEP
 * decryption, ECDH-ES key agreement (with or without AES key wrap), AES key unwrap, AES-GCM key unwrap. Built once per
 * key by `prepareNodeKey`; one call per token.
 */
export interface KeyManager {
  /**
   * @param jwe - The token, its header checked by the policy.
   * @param enc - Its content encryption (supported: the policy checked it).
   * @param cekBytes - The content-key size `enc` needs.
   * @returns The content key (exactly `cekBytes` long); `undefined` when the key management fails — a wrong key, a
   *   tampered encrypted key, an `epk` off the curve — which makes the token fail as jose's would; or
   *   {@link DELEGATE} for a header this engine leaves to jose (an unusual `epk`, a non-canonical `iv`), so that both
   *   engines give jose's verdict on it.
   */
  contentKey(jwe: CompactJwe, enc: JweContentAlgorithm, cekBytes: number): Buffer | undefined | typeof DELEGATE;
}

/**
 * A header member jose decodes (`apu`, `apv`, `iv`, `tag`, `epk` coordinates) when it is a string of canonical
 * base64url; `undefined` when absent; {@link DELEGATE} otherwise. jose's own decoder is lenient (padding, whitespace,
 * non-zero trailing bits); on canonical text every decoder agrees, and the rest goes to jose to keep its verdict.
 */
export function canonicalMember(value: unknown): Buffer | undefined | typeof DELEGATE {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !hasOnlyTokenCharacters(value) || value.includes('.') || !isCanonicalSegment(value)) {
    return DELEGATE;
  }
  return Buffer.from(value, 'base64url');
}
