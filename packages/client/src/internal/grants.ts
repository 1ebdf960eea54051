// The token endpoint grants the client sends itself (the authorization code exchange lives with the rest of that flow):
// refresh_token, client_credentials and password — the RFC 6749 form through oauth4webapi, or the reference JWE
// service's JSON body — each with the client's extra parameters and, with DPoP, a proof.
import {
  clientCredentialsGrantRequest,
  genericTokenEndpointRequest,
  processGenericTokenEndpointResponse,
  refreshTokenGrantRequest,
  type AuthorizationServer,
  type Client,
} from 'oauth4webapi';
import { TokenClientError } from '../errors.js';
import type { PasswordCredentials } from '../token-client.js';
import type { TokenAnswer } from '../token-set.js';
import type { DpopKey } from './dpop.js';
import type { Issuer, RequestOptions } from './issuer.js';
import type { ResolvedOptions } from './options.js';

type Send = (as: AuthorizationServer, client: Client, options: RequestOptions) => Promise<Response>;

/** Token requests of one client. */
export class Grants {
  readonly #issuer: Issuer;
  readonly #o: ResolvedOptions;
  readonly #dpop: DpopKey | undefined;

  constructor(issuer: Issuer, options: ResolvedOptions, dpop: DpopKey | undefined) {
    this.#issuer = issuer;
    this.#o = options;
    this.#dpop = dpop;
  }

  #params(values: Record<string, string | undefined>): Record<string, string> {
    const params: Record<string, string> = { ...this.#o.tokenParameters };
    for (const [name, value] of Object.entries(values)) if (value !== undefined) params[name] = value;
    return params;
  }

  async #token(send: Send): Promise<TokenAnswer> {
    const dpop = await this.#dpop?.handle();
    return this.#issuer.token((as, options) => send(as, this.#issuer.client, options), processGenericTokenEndpointResponse, dpop);
  }

  /** refresh_token (RFC 6749 §6); the issuer may rotate it. */
  refresh(refreshToken: string): Promise<TokenAnswer> {
    return this.#token((as, client, options) =>
      refreshTokenGrantRequest(as, client, this.#o.clientAuth, refreshToken, { ...options, additionalParameters: this.#o.tokenParameters }),
    );
  }

  /** client_credentials (RFC 6749 §4.4). */
  clientCredentials(scope: string | undefined): Promise<TokenAnswer> {
    return this.#token((as, client, options) =>
      clientCredentialsGrantRequest(as, client, this.#o.clientAuth, this.#params({ scope }), options),
    );
  }

  /** password (RFC 6749 §4.3), or the reference JWE service's JSON variant when `apiKey` is given. */
  password({ username, password, scope = this.#o.scope, apiKey }: PasswordCredentials): Promise<TokenAnswer> {
    if (apiKey === undefined) {
      return this.#token((as, client, options) =>
        genericTokenEndpointRequest(as, client, this.#o.clientAuth, 'password', this.#params({ username, password, scope }), options),
      );
    }
    // That service's /token takes JSON, not the RFC 6749 form; its answer (token_type "JWE") is processed as any other.
    return this.#issuer.token(
      (as) =>
        this.#o.fetch(this.#jsonTokenEndpoint(as), {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ username, password, api_key: apiKey }),
          redirect: 'manual',
          signal: AbortSignal.timeout(this.#o.timeoutMs),
        }),
      (as, client, response) => processGenericTokenEndpointResponse(as, client, response, { recognizedTokenTypes: { jwe: () => undefined } }),
    );
  }

  #jsonTokenEndpoint(as: AuthorizationServer): string {
    const endpoint = as.token_endpoint;
    if (endpoint === undefined || !(endpoint.startsWith('https:') || (this.#o.allowInsecure && endpoint.startsWith('http:')))) {
      throw new TokenClientError('endpoint_missing', 'the issuer has no https: token endpoint');
    }
    return endpoint;
  }
}
