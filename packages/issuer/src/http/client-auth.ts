import type { Context } from 'koa';
import type { ResolvedClient } from '../clients/resolve-client.js';
import { OAuthError } from '../errors.js';
import type { IssuerState } from '../internal/state.js';
import { countHit } from './rate-limit.js';

/** How the client presented itself. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** A client that proved who it is. */
export interface AuthenticatedClient {
  readonly client: ResolvedClient;
  readonly method: ClientAuthMethod;
}

function formDecode(text: string): string | undefined {
  // Most ids and secrets have nothing encoded: no regex, no decodeURIComponent on the hot path.
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The `invalid_client` answer: 401 with a `Basic` challenge (RFC 6749 §5.2). */
export function invalidClient(state: IssuerState, message: string): OAuthError {
  return new OAuthError('invalid_client', message, {
    headers: { 'WWW-Authenticate': `Basic realm="${state.realm}", charset="UTF-8"` },
  });
}

function readBasic(state: IssuerState, header: string): { id: string; secret: string } | undefined {
  if (header === '') return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'basic') return undefined;
  const encoded = header.slice(space + 1).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw invalidClient(state, 'malformed Basic credentials');
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient(state, 'malformed Basic credentials');
  // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (id === undefined || secret === undefined || id === '') throw invalidClient(state, 'malformed Basic credentials');
  return { id, secret };
}

/**
 * Authenticates the client of a `/token`, `/revoke` or `/introspect` request: HTTP Basic (`client_secret_basic`), or
 * `client_id` + `client_secret` in the body (`client_secret_post`), or `client_id` alone for a public client
 * (`none`). Secrets are compared against their scrypt hash (constant time). Failed attempts are counted per
 * `client_id`; past the limit the client id is refused before any secret is checked.
 *
 * @param state - the issuer
 * @param ctx - the request
 * @param params - the parsed form body
 * @returns the client and how it authenticated
 * @throws {OAuthError} `invalid_client` (401, `WWW-Authenticate: Basic`) for an unknown client, a wrong or missing
 *   secret, a secret sent by a public client; `invalid_request` when two methods are used at once;
 *   `temporarily_unavailable` (429) past the failed-attempt limit
 */
export async function authenticateClient(state: IssuerState, ctx: Context,
  params: ReadonlyMap<string, string>): Promise<AuthenticatedClient> {
  const basic = readBasic(state, ctx.get('authorization'));
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  if (basic !== undefined && bodySecret !== undefined) {
    throw new OAuthError('invalid_request', 'use one client authentication method, not Basic and client_secret both');
  }
  if (basic !== undefined && bodyId !== undefined && bodyId !== basic.id) {
    throw invalidClient(state, 'client_id does not match the Basic credentials');
  }
  const id = basic?.id ?? bodyId;
  if (id === undefined) throw invalidClient(state, 'client authentication is required');
  const secret = basic?.secret ?? bodySecret;
  const method: ClientAuthMethod = basic !== undefined ? 'client_secret_basic' : secret !== undefined ? 'client_secret_post' : 'none';
  const client = state.clients.get(id);
  if (client === undefined) throw invalidClient(state, 'unknown client or wrong credentials');
  if (client.isPublic) {
    if (secret !== undefined && secret !== '') throw invalidClient(state, 'a public client has no secret');
    return { client, method: 'none' };
  }
  if (secret === undefined || client.secret === undefined) throw invalidClient(state, 'client authentication is required');
  const failed = state.rateLimit.failedAuth;
  if (failed !== undefined) {
    // Read the counter without counting a hit: only failures count.
    const peek = state.failedAuth.get(id);
    if (peek !== undefined && peek >= failed.max) {
      throw new OAuthError('temporarily_unavailable', 'too many failed authentications for this client; try again later',
        { status: 429, headers: { 'Retry-After': String(failed.windowSeconds) } });
    }
  }
  if (!(await client.secret.check(secret))) {
    if (failed !== undefined) {
      const state2 = await countHit(state, `authfail:${id}`, failed);
      state.failedAuth.set(id, state2.count);
    }
    throw invalidClient(state, 'unknown client or wrong credentials');
  }
  return { client, method };
}
