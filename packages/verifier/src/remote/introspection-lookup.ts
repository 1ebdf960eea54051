import { TesseraArgumentError, type JwtClaims } from '@tessera/core';
import type { HttpClient } from '../lib/http-client.js';
import * as oauth from 'oauth4webapi';
import { InvalidTokenError, IssuerUnavailableError } from '../errors.js';
import { unreachable } from './deadline.js';
import type { IntrospectionRemoteOptions } from './remote-options.js';
import type { Lookup } from './verify-token-lookup.js';

const WHAT = 'the introspection endpoint';

function clientAuthOf(options: IntrospectionRemoteOptions): oauth.ClientAuth {
  const auth = options.clientAuth ?? (options.clientSecret === undefined ? undefined : { method: 'client_secret_basic' as const, clientSecret: options.clientSecret });
  if (auth === undefined) throw new TesseraArgumentError('"remote.clientAuth" (or "remote.clientSecret") is required for introspection');
  switch (auth.method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      if (typeof auth.clientSecret !== 'string' || auth.clientSecret === '') throw new TesseraArgumentError('"remote.clientAuth.clientSecret" must be a non-empty string');
      return auth.method === 'client_secret_basic' ? oauth.ClientSecretBasic(auth.clientSecret) : oauth.ClientSecretPost(auth.clientSecret);
    case 'private_key_jwt':
      return oauth.PrivateKeyJwt(auth.kid === undefined ? auth.privateKey : { key: auth.privateKey, kid: auth.kid });
    case 'none':
      return oauth.None();
    default:
      throw new TesseraArgumentError('"remote.clientAuth.method" must be client_secret_basic, client_secret_post, private_key_jwt or none');
  }
}

/**
 * RFC 7662 introspection through oauth4webapi (request with client authentication, response validated: status 200,
 * JSON, `active` boolean), over ky. `active: false`, or an `aud` outside `audience` → `invalid_token`; a transport
 * failure, a non-200 status or an invalid answer → `issuer_unavailable`.
 */
export function introspectionLookup(options: IntrospectionRemoteOptions, http: HttpClient): Lookup {
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TesseraArgumentError('"remote.clientId" must be a non-empty string');
  const url = new URL(options.url);
  const as: oauth.AuthorizationServer = { issuer: options.issuer ?? url.origin, introspection_endpoint: url.href };
  const client: oauth.Client = { client_id: options.clientId };
  const clientAuth = clientAuthOf(options);
  const audience = options.audience === undefined ? undefined : typeof options.audience === 'string' ? [options.audience] : [...options.audience];
  const insecure = url.protocol === 'http:';
  const fetchWithKy = (input: string, init: oauth.CustomFetchOptions<'POST', URLSearchParams>): Promise<Response> =>
    http(input, { ...init, redirect: 'manual' });

  return async (token, signal) => {
    let result: oauth.IntrospectionResponse;
    try {
      const response = await oauth.introspectionRequest(as, client, clientAuth, token, {
        signal,
        additionalParameters: { token_type_hint: 'access_token' },
        [oauth.customFetch]: fetchWithKy,
        [oauth.allowInsecureRequests]: insecure,
      });
      if (response.status !== 200) throw new IssuerUnavailableError(`${WHAT} answered ${response.status}`);
      result = await oauth.processIntrospectionResponse(as, client, response);
    } catch (err) {
      if (err instanceof IssuerUnavailableError) throw err;
      if (err instanceof oauth.OperationProcessingError || err instanceof oauth.ResponseBodyError || err instanceof oauth.WWWAuthenticateChallengeError) {
        throw new IssuerUnavailableError(`${WHAT} gave an invalid answer`, { cause: err });
      }
      throw unreachable(err, WHAT);
    }
    if (!result.active) throw new InvalidTokenError('the token is not active');
    if (audience !== undefined) {
      const aud = typeof result.aud === 'string' ? [result.aud] : Array.isArray(result.aud) ? result.aud : [];
      if (!aud.some((a) => audience.includes(a))) throw new InvalidTokenError('the token is not meant for this audience');
    }
    const claims: JwtClaims = { ...(result as unknown as JwtClaims) };
    delete claims.active;
    return {
      claims,
      subject: typeof result.sub === 'string' ? result.sub : undefined,
      expiresAt: typeof result.exp === 'number' ? result.exp : undefined,
    };
  };
}
