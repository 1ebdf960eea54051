// Everything the client says to the authorization server, through oauth4webapi: metadata (RFC 8414 / OIDC discovery or
// explicit endpoints), the token requests (refresh_token, client_credentials, password — the RFC 6749 form, or the
// reference JWE service's JSON body — with the client's extra parameters and, with DPoP, a proof and one retry on
// `use_dpop_nonce`), revocation, and the mapping of every failure to a TokenClientError. Token requests use the raw
// `fetch`, never the client's own intercepting `fetch`/`ky`, so a refresh can never recurse into a refresh.
import {
  OperationProcessingError,
  ResponseBodyError,
  UnsupportedOperationError,
  WWWAuthenticateChallengeError,
  allowInsecureRequests,
  customFetch,
  discoveryRequest,
  genericTokenEndpointRequest,
  isDPoPNonceError,
  processDiscoveryResponse,
  processGenericTokenEndpointResponse,
  processRevocationResponse,
  revocationRequest,
  type AuthorizationServer,
  type Client,
  type DPoPHandle,
  type TokenEndpointRequestOptions,
} from 'oauth4webapi';
import { TokenClientError, type ClientErrorCode } from '../errors.js';
import type { PasswordCredentials } from '../token-client.js';
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

/** A token request: sends with the given options (the DPoP handle included, when there is one). */
export type TokenCall = (as: AuthorizationServer, options: RequestOptions) => Promise<Response>;

/** Maps anything a token or discovery call throws to a {@link TokenClientError}. */
export function toClientError(err: unknown, discovery = false): TokenClientError {
  if (err instanceof TokenClientError) return err;
  const fail = (code: ClientErrorCode, message: string, oauthError?: string) =>
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
  readonly #o: ResolvedOptions;
  readonly #dpop: () => Promise<DPoPHandle | undefined>;
  #metadata: Promise<AuthorizationServer> | undefined;

  /** @param dpop - the DPoP handle of token requests (`undefined` without DPoP) */
  constructor(options: ResolvedOptions, dpop: () => Promise<DPoPHandle | undefined>) {
    this.#o = options;
    this.#dpop = dpop;
    this.client = { client_id: options.clientId };
  }

  /** Options for one oauth4webapi call. */
  requestOptions(): BaseOptions {
    const { fetch, allowInsecure, timeoutMs } = this.#o;
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
    const { issuer, endpoints, discovery } = this.#o;
    if (endpoints !== undefined) return endpoints;
    const url = new URL(issuer!);
    return processDiscoveryResponse(url, await discoveryRequest(url, { ...this.requestOptions(), algorithm: discovery }));
  }

  /**
   * Sends a token request and validates its answer (oauth4webapi's token endpoint response checks); with DPoP, a
   * `use_dpop_nonce` answer is retried once with the nonce the server gave (oauth4webapi keeps it on the handle).
   * @param jwe - the reference JWE service's answer: `token_type: "JWE"` accepted, no DPoP proof
   */
  async token(send: TokenCall, jwe?: boolean): Promise<TokenAnswer> {
    try {
      const dpop = jwe ? undefined : await this.#dpop();
      const as = await this.metadata();
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await send(as, { ...this.requestOptions(), DPoP: dpop });
          return (await processGenericTokenEndpointResponse(as, this.client, response, {
            recognizedTokenTypes: jwe ? { jwe: () => undefined } : undefined,
          })) as TokenAnswer;
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
   * A grant in the RFC 6749 form: refresh_token (§6; the issuer may rotate it), client_credentials (§4.4) or password
   * (§4.3), with the client's `tokenParameters` and its authentication.
   */
  grant(type: 'refresh_token' | 'client_credentials' | 'password', values: Record<string, string | undefined>): Promise<TokenAnswer> {
    const params: Record<string, string> = { ...this.#o.tokenParameters };
    for (const [name, value] of Object.entries(values)) if (value !== undefined) params[name] = value;
    return this.token((as, options) => genericTokenEndpointRequest(as, this.client, this.#o.clientAuth, type, params, options));
  }

  /** The password grant, or the reference JWE service's JSON variant when `apiKey` is given. */
  password({ username, password, scope = this.#o.scope, apiKey }: PasswordCredentials): Promise<TokenAnswer> {
    if (apiKey === undefined) return this.grant('password', { username, password, scope });
    // That service's /token takes JSON, not the RFC 6749 form; its answer (token_type "JWE") is processed like every other.
    return this.token((as) => {
      const endpoint = as.token_endpoint;
      if (endpoint === undefined || !(endpoint.startsWith('https:') || (this.#o.allowInsecure && endpoint.startsWith('http:')))) {
        throw new TokenClientError('endpoint_missing', 'the issuer has no https: token endpoint');
      }
      return this.#o.fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username, password, api_key: apiKey }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
    }, true);
  }

  /**
   * Revokes a token (RFC 7009).
   * @returns false when the issuer has no revocation endpoint
   */
  async revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<boolean> {
    const as = await this.metadata();
    if (as.revocation_endpoint === undefined) return false;
    try {
      await processRevocationResponse(
        await revocationRequest(as, this.client, this.#o.clientAuth, token, {
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
