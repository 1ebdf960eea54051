import { RefreshTokenError, UnavailableError } from '../../errors.js';

/** The message every store uses for `refresh_token_reused` (documented on `TokenStore`). */
export const REUSED_MESSAGE = 'refresh token was already used; its family is revoked';
/** The message every store uses for `refresh_token_invalid` (documented on `TokenStore`). */
export const INVALID_MESSAGE = 'refresh token is unknown, expired or revoked';

/** A rotated refresh token was presented again. */
export function refreshTokenReused(): RefreshTokenError {
  return new RefreshTokenError('refresh_token_reused', REUSED_MESSAGE);
}

/** An unknown, expired or revoked refresh token. One message for all three: the caller learns nothing more. */
export function refreshTokenInvalid(): RefreshTokenError {
  return new RefreshTokenError('refresh_token_invalid', INVALID_MESSAGE);
}

/** The store was used after `close()`. */
export function storeClosed(): UnavailableError {
  return new UnavailableError('store_unavailable', 'token store is closed');
}
