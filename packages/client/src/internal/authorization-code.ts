// The authorization code flow with PKCE S256 (RFC 7636) through oauth4webapi: `authorizeUrl` keeps a verifier and a
// state for the redirect back; `handleRedirect` checks the state, uses the pending entry once, and exchanges the code.
import {
  AuthorizationResponseError,
  authorizationCodeGrantRequest,
  calculatePKCECodeChallenge,
  generateRandomCodeVerifier,
  generateRandomState,
  validateAuthResponse,
  type DPoPHandle,
} from 'oauth4webapi';
import { TokenClientError } from '../errors.js';
import type { AuthorizeUrlOptions } from '../token-client.js';
import type { TokenAnswer } from '../token-set.js';
import type { Issuer } from './issuer.js';
import type { ResolvedOptions } from './options.js';
import type { TokenStorage } from './token-storage.js';

interface Pending {
  state: string;
  verifier: string;
  redirectUri: string;
}

/** Builds the authorization URL and remembers what the redirect back needs. */
export async function authorizeUrl(
  issuer: Issuer,
  o: ResolvedOptions,
  pending: TokenStorage,
  dpop: DPoPHandle | undefined,
  options: AuthorizeUrlOptions = {},
): Promise<URL> {
  const as = await issuer.metadata();
  if (as.authorization_endpoint === undefined) {
    throw new TokenClientError('endpoint_missing', 'the issuer has no authorization endpoint');
  }
  const redirectUri = options.redirectUri ?? o.redirectUri;
  if (redirectUri === undefined) throw new TokenClientError('authorization_failed', 'no redirectUri: give one to createTokenClient or authorizeUrl');
  const verifier = generateRandomCodeVerifier();
  const state = generateRandomState();
  const url = new URL(as.authorization_endpoint);
  const scope = options.scope ?? o.scope;
  const params: Record<string, string | undefined> = {
    ...options.parameters,
    client_id: o.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    code_challenge: await calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    dpop_jkt: await dpop?.calculateThumbprint(),
  };
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
  await pending.set(JSON.stringify({ state, verifier, redirectUri } satisfies Pending));
  return url;
}

/** Checks the redirect and exchanges its code; the pending entry is consumed first, so a replayed URL fails. */
export async function exchangeRedirect(
  issuer: Issuer,
  o: ResolvedOptions,
  pending: TokenStorage,
  callback: URL,
): Promise<TokenAnswer> {
  let saved: Partial<Pending> | undefined;
  try {
    saved = JSON.parse((await pending.get()) ?? 'null') ?? undefined;
  } catch {
    // Unreadable: treated as nothing pending.
  }
  await pending.remove();
  const { state, verifier, redirectUri } = saved ?? {};
  if (typeof state !== 'string' || typeof verifier !== 'string' || typeof redirectUri !== 'string') {
    throw new TokenClientError('authorization_failed', 'no pending authorization: call authorizeUrl() before handleRedirect()');
  }
  const as = await issuer.metadata();
  let params: URLSearchParams;
  try {
    params = validateAuthResponse(as, issuer.client, callback, state);
  } catch (cause) {
    const error = cause instanceof AuthorizationResponseError ? cause.error : undefined;
    throw new TokenClientError(
      'authorization_failed',
      error === undefined ? 'the redirect does not answer this authorization (state mismatch or no code)' : `the authorization server answered ${error}`,
      { cause, oauthError: error },
    );
  }
  return issuer.token((server, options) =>
    authorizationCodeGrantRequest(server, issuer.client, o.clientAuth, params, redirectUri, verifier, {
      ...options,
      additionalParameters: o.tokenParameters,
    }),
  );
}
