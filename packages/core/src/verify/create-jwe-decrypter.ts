import { TokenHeaderError } from '../errors.js';
import type { JoseHeader, TesseraKey } from '../types.js';
import { HeaderCache } from './internal/header-cache.js';
import { openJwe } from './internal/open-compact.js';
import { parseCompact } from './internal/parse-compact.js';
import { JWE_SHAPE, resolvePolicy, type Policy } from './internal/policy.js';
import type { JweDecryptOptions } from './raw-options.js';

/**
 * What {@link JweDecrypter.decrypt} returns: the plaintext, exactly as encrypted (inflated when `zip: DEF`), and how
 * it was opened.
 *
 * @example
 * ```ts
 * const { plaintext, header } = await decrypter.decrypt(jwe)
 * ```
 */
export interface DecryptedJwe {
  /** The plaintext: any bytes (JSON, text, a compact JWS), not parsed and never unwrapped. */
  plaintext: Uint8Array;
  /** The JWE protected header. Deeply frozen (shared between tokens). */
  header: JoseHeader;
  /** The key that decrypted the token. */
  key: TesseraKey;
}

/** A configured JWE decrypter: one policy, validated once, applied to every token. */
export interface JweDecrypter {
  /**
   * Decrypts a compact JWE under the decrypter's policy and returns its plaintext bytes, whatever they hold.
   *
   * @param token The compact JWE, as received.
   * @returns The plaintext bytes, the header and the key that decrypted them.
   * @throws {TesseraError} `token_too_large` (also when `zip: DEF` inflates past `maxInflatedSize`),
   *   `token_malformed`, `alg_not_allowed` (a JWS is one too), `header_invalid`, `key_not_found`,
   *   `decryption_failed`; `jwks_unavailable` when a key source is down.
   */
  decrypt(token: string): Promise<DecryptedJwe>;
}

async function decryptJwe(policy: Policy, headers: HeaderCache, token: unknown): Promise<DecryptedJwe> {
  const jwe = parseCompact(token, policy.maxTokenSize, headers);
  if (jwe.kind !== 'jwe') {
    throw new TokenHeaderError('alg', 'signed tokens are not accepted by a JWE decrypter', 'alg_not_allowed');
  }
  const { bytes, key } = await openJwe(policy, jwe);
  if (!jwe.cached) headers.remember('jwe', jwe.protectedB64, jwe.header);
  // The engine's bytes are lent (they may sit in Node's shared Buffer pool): the caller gets a copy of its own.
  return { plaintext: new Uint8Array(bytes), header: jwe.header, key };
}

/**
 * Builds a decrypter for JWE whose plaintext is not a JWT claims set (text, a document, binary data, or a nested
 * JWS to hand on as a string): the same policy as {@link createTokenVerifier} — size cap, strict base64url and
 * header JSON, `alg`/`enc` allowlists, `zip` (inflation capped), `crit`, `typ` (of the JWE header), key selection by
 * `kid`/`alg`/`enc` only, the engine's decryption — and then the plaintext bytes are returned, with no claims stage
 * and no nested-token rules: a plaintext that is a JWS (`cty: JWT` or not) comes back as its compact text,
 * unverified.
 *
 * Security: under `RSA-OAEP*` or `ECDH-ES*` anyone holding the public key can produce a ciphertext, so a decrypted
 * plaintext proves nothing about who wrote it; only a shared secret (`dir`, `A*KW`, `A*GCMKW`) authenticates the
 * sender. Restrict `keyManagementAlgorithms` to those, or check a signature inside the plaintext, when that matters.
 *
 * @param options The header, key and decryption policy; see {@link JweDecryptOptions}.
 * @returns A frozen {@link JweDecrypter}.
 * @throws {TesseraArgumentError} `invalid_argument` naming the bad or unknown option (claims options included).
 * @see https://www.rfc-editor.org/rfc/rfc7516#section-5.2 (JWE decryption)
 * @example
 * ```ts
 * const decrypter = createJweDecrypter({ decryptionKeys: [dirKey], keyManagementAlgorithms: ['dir'] })
 * const { plaintext } = await decrypter.decrypt(jwe)
 * const innerJws = new TextDecoder().decode(plaintext)
 * ```
 */
export function createJweDecrypter(options: JweDecryptOptions): JweDecrypter {
  const policy = resolvePolicy(options, JWE_SHAPE);
  const headers = new HeaderCache();
  return Object.freeze({
    decrypt(token: string): Promise<DecryptedJwe> {
      return decryptJwe(policy, headers, token);
    },
  });
}
