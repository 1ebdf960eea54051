import { isTesseraError } from '@tessera/core';
import type { DpopProofVerifier } from '@tessera/verifier';
import type { Context } from 'koa';
import { OAuthError } from '../errors.js';

/** Checks the `DPoP` header of a `/token` request (RFC 9449 §5). */
export interface DpopCheck {
  /** Algorithms advertised as `dpop_signing_alg_values_supported`. */
  readonly algorithms: readonly string[];
  /**
   * The key thumbprint (`jkt`) of a valid proof, or undefined when the request has none.
   * @throws {OAuthError} `invalid_dpop_proof` for a bad, replayed or repeated proof, or none when `required`
   * @throws {TesseraError} `store_unavailable` when the replay store does not answer (503)
   */
  check(ctx: Context, url: string, required: boolean): Promise<string | undefined>;
}

/**
 * Wraps `@tessera/verifier`'s proof verifier (the one DPoP proof checker of the project: signature, `typ`, `jwk`,
 * `htm`/`htu`, `iat` window, `jti` replay through the store) for the token endpoint.
 * @param verifier - from `createDpopProofVerifier`
 * @returns the check
 */
export function createDpopCheck(verifier: DpopProofVerifier): DpopCheck {
  return {
    algorithms: verifier.algorithms,
    async check(ctx, url, required) {
      const header = ctx.req.headers.dpop;
      if (header === undefined) {
        if (required) throw new OAuthError('invalid_dpop_proof', 'a DPoP proof is required for this client');
        return undefined;
      }
      if (Array.isArray(header) || header.includes(',')) {
        throw new OAuthError('invalid_dpop_proof', 'exactly one DPoP header is allowed');
      }
      try {
        return (await verifier.verify(header, { method: ctx.method, url })).jkt;
      } catch (err) {
        if (isTesseraError(err, 'invalid_dpop_proof') || isTesseraError(err, 'use_dpop_nonce')) {
          throw new OAuthError('invalid_dpop_proof', (err as Error).message, { cause: err });
        }
        throw err;
      }
    },
  };
}
