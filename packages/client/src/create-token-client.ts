import { createClient } from './internal/client.js';
import type { TokenClientOptions } from './options.js';
import type { TokenClient } from './token-client.js';

/**
 * Creates a token client: one token set, kept fresh (proactively before expiry, reactively after a 401), shared
 * safely between tabs, attached to API calls through `client.ky` and `client.fetch`. The client never verifies or
 * decrypts a token: it reads a JWS access token's `exp` at most, to schedule a renewal.
 *
 * Options are validated here; storage is read asynchronously afterwards, and a storage that fails (blocked, full,
 * corrupted) never makes this throw: the client emits `storage_error` and continues in memory.
 *
 * @param options - see {@link TokenClientOptions}
 * @returns the client
 * @throws `TesseraArgumentError` (`invalid_argument`) naming the first bad option
 * @see RFC 6749 (grants), RFC 7636 (PKCE), RFC 8414 (discovery), RFC 7009 (revocation), RFC 9449 (DPoP)
 * @example
 * ```ts test-only
 * import { createTokenClient } from '@tessera/client';
 *
 * const client = createTokenClient({ issuer: 'https://issuer.example', clientId: 'spa', redirectUri: location.origin + '/cb' });
 * if (location.pathname === '/cb') await client.handleRedirect();
 * else if (!(await client.getTokens())) location.assign(await client.authorizeUrl());
 * const orders = await client.ky.get('https://api.example/orders').json();
 * ```
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  return createClient(options);
}
