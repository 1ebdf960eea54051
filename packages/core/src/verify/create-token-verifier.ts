import { HeaderCache } from './internal/header-cache.js';
import { resolvePolicy } from './internal/policy.js';
import { verifyCompact } from './internal/verify-compact.js';
import type { VerifiedToken } from './verified-token.js';
import type { VerifyOptions } from './verify-options.js';

/** A configured verifier: one policy, validated once, applied to every token. */
export interface TokenVerifier {
  /**
   * Verifies a compact JWS, JWE or nested (JWS inside JWE) token under the verifier's policy.
   *
   * @param token The compact token, as received.
   * @returns The claims, the headers and the keys that proved them.
   * @throws {TesseraError} `token_too_large`, `token_malformed`, `alg_not_allowed`, `header_invalid`,
   *   `key_not_found`, `signature_invalid`, `decryption_failed`, `token_expired`, `token_not_yet_valid`,
   *   `claim_invalid`, `claim_missing`, `wrong_token_subject`; `jwks_unavailable` when a key source is down.
   */
  verify(token: string): Promise<VerifiedToken>;
}

/**
 * Builds a token verifier: validates and freezes `options`, lets the engine prepare every key it can list, and
 * returns a `verify` that applies the whole policy — size cap, strict base64url and JSON, header allowlists (never
 * `alg: none`), `crit`, `typ`, key selection by `kid`/`alg` only, signature or decryption, nested JWS, and claims.
 *
 * @param options The policy; see {@link VerifyOptions}.
 * @returns A frozen {@link TokenVerifier}.
 * @throws {TesseraArgumentError} `invalid_argument` naming the bad or unknown option.
 * @see https://www.rfc-editor.org/rfc/rfc8725 (JWT Best Current Practices)
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2 and https://www.rfc-editor.org/rfc/rfc7516#section-5.2
 * @example
 * ```ts
 * const verifier = createTokenVerifier({ keys: [publicKey], issuer: 'https://issuer.example', audience: 'api' })
 * const { payload } = await verifier.verify(token)
 * ```
 */
export function createTokenVerifier(options: VerifyOptions): TokenVerifier {
  const policy = resolvePolicy(options);
  const headers = new HeaderCache();
  return Object.freeze({
    verify(token: string): Promise<VerifiedToken> {
      return verifyCompact(policy, headers, token);
    },
  });
}
