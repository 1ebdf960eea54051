// API calls with the token attached: `client.fetch` and `client.ky`. Both renew before expiry, and after a 401 whose
// challenge says `invalid_token` renew once and retry once; a DPoP `use_dpop_nonce` challenge is retried once with the
// nonce. Neither can loop: each call has one renewal-retry and one nonce-retry at most, and renewals are rate limited.
import ky, { type KyInstance } from 'ky';
import { TokenClientError } from '../errors.js';
import type { TokenSet } from '../token-set.js';

/** What the HTTP layer needs from the client. */
export interface Authorizer {
  /** A token set to send (renewed first when near expiry). */
  fresh(): Promise<TokenSet>;
  /** After a 401 `invalid_token` for `sent`: a newer token set to retry with, or `undefined` (then no retry). */
  renewAfter401(sent: TokenSet): Promise<TokenSet | undefined>;
  /** Sends `request` with the token (and a DPoP proof for DPoP tokens). */
  send(request: Request, tokens: TokenSet): Promise<Response>;
}

/**
 * What a 401 asks for: `invalid_token` (renew and retry) or `use_dpop_nonce` (retry with the nonce). Any other answer
 * (a 401 without an error code means "no credentials", RFC 6750 §3.1) asks for nothing.
 */
export function challengeOf(response: Response): 'invalid_token' | 'use_dpop_nonce' | undefined {
  if (response.status !== 401) return undefined;
  const match = /\berror\s*=\s*"?(invalid_token|use_dpop_nonce)\b/i.exec(response.headers.get('www-authenticate') ?? '');
  return match?.[1]?.toLowerCase() as 'invalid_token' | 'use_dpop_nonce' | undefined;
}

/** `client.fetch`. */
export async function authorizedFetch(a: Authorizer, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const original = new Request(input, init);
  let tokens = await a.fresh();
  let response = await a.send(original.clone(), tokens);
  let nonceRetried = false;
  let renewed = false;
  for (;;) {
    const challenge = challengeOf(response);
    if (challenge === 'use_dpop_nonce' && !nonceRetried && tokens.tokenType === 'DPoP') {
      nonceRetried = true;
    } else if (challenge === 'invalid_token' && !renewed) {
      renewed = true;
      const next = await a.renewAfter401(tokens);
      if (next === undefined) return response;
      tokens = next;
    } else {
      return response;
    }
    await response.body?.cancel();
    response = await a.send(original.clone(), tokens);
  }
}

interface CallState {
  tokens: TokenSet;
  nonceRetried?: boolean;
  renewed?: boolean;
}

/**
 * `client.ky`: `beforeRequest` picks the token set (renewing it when near expiry), the transport attaches it (with a
 * DPoP proof for DPoP tokens, which must be made per attempt), and `afterResponse` turns a 401 `invalid_token` into
 * one renewal and one `ky.retry()`. Each ky call has its own `context` object, which keys the per-call state.
 */
export function authorizedKy(a: Authorizer): KyInstance {
  const calls = new WeakMap<object, CallState>();
  const chosen = new WeakMap<Request, TokenSet>();
  return ky.create({
    // A token problem (not logged in, refused renewal) is not a network blip: ky must not retry it.
    retry: { shouldRetry: ({ error }) => (error instanceof TokenClientError ? false : undefined) },
    fetch: async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const tokens = chosen.get(request);
      // A user hook that replaced the request after ours: authorize it as client.fetch would.
      return tokens === undefined ? authorizedFetch(a, request) : a.send(request, tokens);
    },
    hooks: {
      beforeRequest: [
        async (request, options) => {
          const tokens = await a.fresh();
          chosen.set(request, tokens);
          const state = calls.get(options.context);
          if (state === undefined) calls.set(options.context, { tokens });
          else state.tokens = tokens;
        },
      ],
      afterResponse: [
        async (_request, options, response, { retryCount }) => {
          const state = calls.get(options.context);
          const challenge = challengeOf(response);
          if (state === undefined || challenge === undefined || retryCount >= (options.retry.limit ?? 0)) return;
          if (challenge === 'use_dpop_nonce' && !state.nonceRetried && state.tokens.tokenType === 'DPoP') {
            state.nonceRetried = true;
            return ky.retry({ delay: 0 });
          }
          if (challenge === 'invalid_token' && !state.renewed) {
            state.renewed = true;
            if ((await a.renewAfter401(state.tokens)) !== undefined) return ky.retry({ delay: 0 });
          }
          return undefined;
        },
      ],
    },
  });
}
