import { createTokenVerifier } from './create-token-verifier.js';
import type { VerifiedToken } from './verified-token.js';
import type { VerifyOptions } from './verify-options.js';

/**
 * Verifies one token with a one-off policy. Convenient for scripts and tests; a server should build one verifier
 * with {@link createTokenVerifier} and reuse it, so options are validated and keys prepared once.
 *
 * @param token The compact JWS, JWE or nested token.
 * @param options The policy; see {@link VerifyOptions}.
 * @returns The verified claims, headers and keys.
 * @throws {TesseraArgumentError} `invalid_argument` for bad options (as a rejected promise, like token errors).
 * @throws {TesseraError} every code {@link TokenVerifier.verify} documents.
 * @example
 * ```ts
 * const { payload } = await verifyToken(token, { keys: secret, subject: 'user_12345', subjectClaim: 'subject' })
 * ```
 */
export async function verifyToken(token: string, options: VerifyOptions): Promise<VerifiedToken> {
  return createTokenVerifier(options).verify(token);
}
