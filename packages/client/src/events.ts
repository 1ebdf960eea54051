import type { TokenClientError } from './errors.js';
import type { TokenSet } from './token-set.js';

/** Why the client no longer holds tokens. */
export type LogoutReason =
  /** `logout()` was called in this tab. */
  | 'user'
  /** The issuer refused the refresh token (`invalid_grant`): expired, revoked or reused. */
  | 'invalid_grant'
  /** Another tab logged out (or its refresh token was refused), and said so. */
  | 'other_tab';

/**
 * The client's events and what their listeners receive.
 *
 * @example
 * ```ts test-only
 * client.on('tokens', (tokens) => render(tokens.expiresAt));
 * client.on('logout', ({ reason }) => location.assign('/login'));
 * client.on('refresh_error', ({ error, retryInMs }) => console.warn(error.code, retryInMs));
 * ```
 */
export interface TokenClientEvents {
  /** The current token set changed: a grant, a refresh here or in another tab, or the set read from storage. */
  tokens: TokenSet;
  /** This tab renewed the tokens (refresh_token grant, or client_credentials again). */
  refresh: TokenSet;
  /**
   * A renewal failed. `retryInMs` is set when the client will try again by itself (network failures and 5xx answers,
   * with exponential backoff); the token set is kept in that case.
   */
  refresh_error: { error: TokenClientError; attempt: number; retryInMs: number | undefined };
  /** The token set is gone: emitted once per logout, never for a set another tab has already replaced. */
  logout: { reason: LogoutReason };
  /** The storage failed (the client continues in memory) or held an unreadable value (ignored). */
  storage_error: TokenClientError;
}

/** A listener of event `E`. */
export type TokenClientListener<E extends keyof TokenClientEvents> = (payload: TokenClientEvents[E]) => void;
