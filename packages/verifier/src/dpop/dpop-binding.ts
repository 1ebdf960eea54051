import { MemoryTokenStore, TesseraArgumentError, type TokenStore } from '@tessera/core';
import { DpopError } from '../errors.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { readHeader } from '../lib/headers.js';
import type { AuthResult, DpopMode, RequestLike } from '../types.js';
import type { DpopOptions } from '../verifier-options.js';
import { createDpopProofVerifier, type DpopProofVerifier, type DpopProofVerifierOptions } from './create-dpop-proof-verifier.js';
import { normalizeHtu } from './normalize-htu.js';

/** The resource server's DPoP step: scheme rules, the proof, and the token's binding to the proof key. */
export interface DpopBinding {
  /** The default mode. */
  readonly mode: DpopMode;
  /** Space-separated proof algorithms (the challenge's `algs`). */
  readonly algs: string;
  /**
   * Checks a verified token against the scheme it came with: a bound token never as Bearer; with DPoP, exactly one
   * proof, valid for this request and token, by the key the token is bound to.
   * @returns the result, with `dpop` set for a DPoP request
   * @throws {DpopError} `dpop_binding_mismatch`, `invalid_dpop_proof`, `use_dpop_nonce`
   */
  check(request: RequestLike, scheme: 'Bearer' | 'DPoP', token: string, result: AuthResult): AuthResult | Promise<AuthResult>;
  /** Closes the replay store made when none was given. */
  close(): Promise<void>;
}

const MODES: readonly DpopMode[] = ['bearer', 'dpop', 'either'];

/**
 * Resolves the `dpop` option once: validates it (a proof verifier is built now to check the options; the real one,
 * and an in-process replay store when `store` is absent, on first use).
 * @throws {TesseraArgumentError} `invalid_argument` naming the bad option
 */
export function createDpopBinding(dpop: DpopOptions, store: TokenStore | undefined, now: () => Date): DpopBinding {
  const mode = dpop.mode ?? 'bearer';
  if (!MODES.includes(mode)) throw new TesseraArgumentError(`"dpop.mode" must be one of ${MODES.join(', ')}`);
  let publicOrigin: string | undefined;
  if (dpop.publicOrigin !== undefined) {
    try {
      publicOrigin = new URL(dpop.publicOrigin).origin;
    } catch (cause) {
      throw new TesseraArgumentError('"dpop.publicOrigin" must be an absolute URL', { cause });
    }
  }
  const options: Omit<DpopProofVerifierOptions, 'store'> = {
    ...(dpop.algorithms === undefined ? {} : { algorithms: dpop.algorithms }),
    ...(dpop.maxAge === undefined ? {} : { maxAge: dpop.maxAge }),
    ...(dpop.clockTolerance === undefined ? {} : { clockTolerance: dpop.clockTolerance }),
    ...(dpop.nonce === undefined ? {} : { nonce: dpop.nonce }),
    currentDate: now,
  };
  const algs = createDpopProofVerifier({ ...options, store: { markUsed: async () => true } }).algorithms.join(' ');
  let replayStore: MemoryTokenStore | undefined;
  let proofs: DpopProofVerifier | undefined;
  const verifier = (): DpopProofVerifier => {
    if (proofs === undefined) {
      if (store === undefined) replayStore = new MemoryTokenStore();
      proofs = createDpopProofVerifier({ ...options, store: store ?? (replayStore as MemoryTokenStore) });
    }
    return proofs;
  };

  function requestUrl(request: RequestLike): string {
    const url = request.url;
    if (publicOrigin !== undefined) {
      const path = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url.slice(url.indexOf('/', url.indexOf('//') + 2)) : url;
      return publicOrigin + (path.startsWith('/') ? path : '/' + path);
    }
    if (normalizeHtu(url) === undefined) throw new TesseraArgumentError('DPoP needs the absolute request URL (or "dpop.publicOrigin")');
    return url;
  }

  async function checkProof(request: RequestLike, token: string, result: AuthResult, jkt: string): Promise<AuthResult> {
    const header = readHeader(request.headers, 'dpop');
    if (header === undefined || header === '') throw new DpopError('the DPoP proof header is missing');
    if (typeof header !== 'string' || header.includes(',')) throw new DpopError('exactly one DPoP proof header is allowed');
    const proof = await verifier().verify(header, { method: request.method, url: requestUrl(request), accessToken: token });
    if (!constantTimeEqual(proof.jkt, jkt)) throw new DpopError('the DPoP proof key is not the key the token is bound to', 'dpop_binding_mismatch');
    return Object.freeze({ ...result, dpop: proof });
  }

  return Object.freeze({
    mode,
    algs,
    check(request: RequestLike, scheme: 'Bearer' | 'DPoP', token: string, result: AuthResult): AuthResult | Promise<AuthResult> {
      if (scheme === 'Bearer') {
        if (result.cnf !== undefined) throw new DpopError('the token is DPoP-bound; send it with the DPoP scheme and a proof', 'dpop_binding_mismatch');
        return result;
      }
      if (result.cnf === undefined) throw new DpopError('the token is not DPoP-bound; send it as a Bearer token', 'dpop_binding_mismatch');
      return checkProof(request, token, result, result.cnf.jkt);
    },
    async close(): Promise<void> {
      await replayStore?.close();
    },
  });
}
