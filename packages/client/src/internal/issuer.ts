// Everything the client says to the authorization server, through oauth4webapi: metadata (RFC 8414 / OIDC discovery or
// explicit endpoints), token requests with an optional DPoP proof (one retry on `use_dpop_nonce`), revocation, and the
// mapping of every failure to a TokenClientError. Token requests use the raw `fetch`, never the client's own
// intercepting `fetch`/`ky`, so a refresh can never recurse into a refresh.
import {
  OperationProcessingError,
  ResponseBodyError,
  UnsupportedOperationError,
  WWWAuthenticateChallengeError,
  allowInsecureRequests,
  customFetch,
  discoveryRequest,
  isDPoPNonceError,
  processDiscoveryResponse,
  processRevocationResponse,
  revocationRequest,
  type AuthorizationServer,
  type Client,
  type ClientAuth,
  type DPoPHandle,
  type TokenEndpointRequestOptions,
  type TokenEndpointResponse,
} from 'oauth4webapi';
import { TokenClientError } from '../errors.js';
import type { TokenAnswer } from '../token-set.js';
import type { ResolvedOptions } from './options.js';

/** The request options every oauth4webapi call gets: our fetch, the insecure-request opt-in, a timeout. */
export type RequestOptions = TokenEndpointRequestOptions;

interface BaseOptions {
  // `object`: oauth4webapi's per-method CustomFetchOptions are all plain fetch init objects.
  [customFetch]: (url: string, init: object) => Promise<Response>;
  [allowInsecureRequests]: boolean;
  signal: () => AbortSignal;
}

/** A token request: sends with the given options, then validates the answer. */
export type TokenCall = (
  as: AuthorizationServer,
  options: RequestOptions,
) => Promise<Response>;

/** Maps anything a token or discovery call throws to a {@link TokenClientError}. */
export function toClientError(err: unknown, discovery = false): TokenClientError {
  if (err instanceof TokenClientError) return err;
  const fail = (code: ConstructorParameters<typeof TokenClientError>[0], message: string, oauthError?: string) =>
    new TokenClientError(discovery && code !== 'issuer_unavailable' ? 'discovery_failed' : code, message, {
      cause: err,
      oauthError,
    });
  const overloaded = (status: number) => status >= 500 || status === 429;
  if (err instanceof ResponseBodyError) {
    if (overloaded(err.status)) return fail('issuer_unavailable', `the issuer failed (HTTP ${err.status}: ${err.error})`, err.error);
    if (err.error === 'invalid_grant') return fail('invalid_grant', 'the issuer refused the grant (invalid_grant)', err.error);
    return fail('token_request_failed', `the issuer refused the request (${err.error})`, err.error);
  }
  if (err instanceof WWWAuthenticateChallengeError) {
    const error = err.cause[0]?.parameters.error;
    if (overloaded(err.status)) return fail('issuer_unavailable', `the issuer failed (HTTP ${err.status})`, error);
    return fail('token_request_failed', `the issuer refused the client (HTTP ${err.status}${error ? `: ${error}` : ''})`, error);
  }
  if (err instanceof OperationProcessingError) {
    const status = err.cause instanceof Response ? err.cause.status : 0;
    if (overloaded(status)) return fail('issuer_unavailable', `the issuer failed (HTTP ${status})`);
    return fail('invalid_token_response', `the issuer's answer is not a valid response: ${err.message}`);
  }
  if (err instanceof UnsupportedOperationError) {
    return fail('invalid_token_response', `the issuer's answer is not usable: ${err.message}`);
  }
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TokenClientError('issuer_unavailable', 'the issuer did not answer in time', { cause: err });
  }
  // fetch rejects with a plain TypeError on network failure; oauth4webapi's argument TypeErrors carry a `code`.
  if (err instanceof TypeError && !('code' in err)) {
    return new TokenClientError('issuer_unavailable', 'the issuer cannot be reached (network error)', { cause: err });
  }
  return fail('invalid_token_response', `the token request failed: ${(err as Error)?.message ?? String(err)}`);
}

/** The authorization server as the client sees it, resolved once (a failed discovery is retried on next use). */
export class Issuer {
  readonly client: Client;
  readonly #options: ResolvedOptions;
  #metadata: Promise<AuthorizationServer> | undefined;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.client = { client_id: options.clientId };
  }

  /** Options for one oauth4webapi call. */
  requestOptions(): BaseOptions {
    const { fetch, allowInsecure, timeoutMs } = this.#options;
    return {
      [customFetch]: (url, init) => fetch(url, init as RequestInit),
      [allowInsecureRequests]: allowInsecure,
      signal: () => AbortSignal.timeout(timeoutMs),
    };
  }

  /** The server's metadata, from `endpoints` or discovered from `issuer`. */
  metadata(): Promise<AuthorizationServer> {
    return (this.#metadata ??= this.#resolve().catch((err: unknown) => {
      this.#metadata = undefined;
      throw toClientError(err, true);
    }));
  }

  async #resolve(): Promise<AuthorizationServer> {
    const { issuer, endpoints, discovery } = this.#options;
    if (endpoints !== undefined) return endpoints;
    const url = new URL(issuer!);
    const response = await discoveryRequest(url, { ...this.requestOptions(), algorithm: discovery });
    return processDiscoveryResponse(url, response);
  }

  /**
   * Sends a token request and validates its answer; with DPoP, a `use_dpop_nonce` answer is retried once with the
   * nonce the server gave (oauth4webapi keeps it on the handle).
   */
  async token(
    send: TokenCall,
    process: (as: AuthorizationServer, client: Client, response: Response) => Promise<TokenEndpointResponse>,
    dpop?: DPoPHandle,
  ): Promise<TokenAnswer> {
    try {
      const as = await this.metadata();
      for (let attempt = 0; ; attempt++) {
        try {
          const options: RequestOptions = { ...this.requestOptions(), ...(dpop === undefined ? {} : { DPoP: dpop }) };
          return (await process(as, this.client, await send(as, options))) as TokenAnswer;
        } catch (err) {
          if (attempt === 0 && dpop !== undefined && isDPoPNonceError(err)) continue;
          throw err;
        }
      }
    } catch (err) {
      throw toClientError(err);
    }
  }

  /**
   * Revokes a token (RFC 7009).
   * @returns false when the issuer has no revocation endpoint
   */
  async revoke(auth: ClientAuth, token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> {
    const as = await this.metadata();
    if (as.revocation_endpoint === undefined) return false;
    try {
      await processRevocationResponse(
        await revocationRequest(as, this.client, auth, token, {
          ...this.requestOptions(),
          additionalParameters: { token_type_hint: hint },
        }),
      );
      return true;
    } catch (err) {
      throw toClientError(err);
    }
  }
}
