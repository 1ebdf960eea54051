// The client's DPoP key (RFC 9449) and the proofs made with it, through oauth4webapi: a non-extractable key pair,
// kept in IndexedDB in browsers so a reload keeps the tokens' binding; proofs on token requests (via the handle) and
// on API calls (via protectedResourceRequest, which also learns the resource server's nonces).
import {
  DPoP,
  WWWAuthenticateChallengeError,
  allowInsecureRequests,
  customFetch,
  generateKeyPair,
  protectedResourceRequest,
  type Client,
  type DPoPHandle,
} from 'oauth4webapi';
import { TokenClientError } from '../errors.js';
import type { DpopOptions } from '../options.js';
import { idbGetOrCreate, openDatabase } from './idb.js';

function isKeyPair(value: unknown): value is CryptoKeyPair {
  const pair = value as Partial<CryptoKeyPair> | null;
  return typeof pair === 'object' && pair !== null && pair.privateKey instanceof CryptoKey && pair.publicKey instanceof CryptoKey;
}

/** A lazily loaded DPoP key and its oauth4webapi handle. */
export class DpopKey {
  readonly #options: DpopOptions;
  readonly #name: string;
  readonly #client: Client;
  readonly #report: (err: TokenClientError) => void;
  #handle: Promise<DPoPHandle> | undefined;

  constructor(options: DpopOptions, name: string, client: Client, report: (err: TokenClientError) => void) {
    this.#options = options;
    this.#name = name;
    this.#client = client;
    this.#report = report;
  }

  /** The handle (the key is loaded or generated on first use). */
  handle(): Promise<DPoPHandle> {
    return (this.#handle ??= this.#load().then(
      (pair) => DPoP(this.#client, pair),
      (cause: unknown) => {
        this.#handle = undefined;
        throw new TokenClientError('dpop_unavailable', 'no DPoP key could be generated or loaded', { cause });
      },
    ));
  }

  async #load(): Promise<CryptoKeyPair> {
    const { keyPair, alg = 'ES256', database = 'tessera' } = this.#options;
    if (keyPair !== undefined) return keyPair;
    const generate = () => generateKeyPair(alg);
    if (this.#options.persist === false || typeof indexedDB === 'undefined') return generate();
    try {
      const stored = await idbGetOrCreate(await openDatabase(database), `dpop:${this.#name}:${alg}`, generate);
      if (isKeyPair(stored)) return stored;
      throw new TokenClientError('storage_corrupted', 'the stored DPoP key is not a key pair');
    } catch (cause) {
      this.#report(
        cause instanceof TokenClientError
          ? cause
          : new TokenClientError('storage_unavailable', 'the DPoP key cannot be kept in IndexedDB; using a key for this page only', { cause }),
      );
      return generate();
    }
  }

  /**
   * Sends `request` with `Authorization: DPoP <token>` and a fresh proof (`ath`, `htm`, `htu`, and the server's nonce
   * once known). A 401 with a challenge is returned as a response, not thrown.
   */
  async send(request: Request, accessToken: string, fetchImpl: typeof fetch, allowInsecure: boolean): Promise<Response> {
    const headers = new Headers(request.headers);
    headers.delete('authorization'); // replaced by ours
    try {
      return await protectedResourceRequest(accessToken, request.method, new URL(request.url), headers, null, {
        DPoP: await this.handle(),
        // Everything but the headers (body, credentials, signal, redirect mode) comes from the caller's request.
        [customFetch]: (_url, init) => fetchImpl(new Request(request, { headers: init.headers })),
        [allowInsecureRequests]: allowInsecure,
      });
    } catch (err) {
      if (err instanceof WWWAuthenticateChallengeError) return err.response;
      throw err;
    }
  }
}
