import type { RefreshTokenError, UnavailableError } from '../errors.js';
import type { JwtClaims } from '../types.js';
import {
  assertAccessToken,
  assertHits,
  assertKey,
  assertListener,
  assertOptions,
  assertPositiveTtl,
  assertTtl,
  checkRotation,
  serialiseClaims,
  serialiseJsonObject,
  serialiseOpaqueRecord,
  serialiseRefreshRecord,
  type CheckedRotation,
} from './internal/validate.js';
import { INVALID_MESSAGE, REUSED_MESSAGE, refreshTokenInvalid, refreshTokenReused, storeClosed } from './internal/store-errors.js';
import type {
  FamilyAccessToken,
  OpaqueTokenRecord,
  RefreshTokenRecord,
  RevocationListener,
  TokenStore,
} from './token-store.js';

export type { CheckedRotation } from './internal/validate.js';

/**
 * The argument checks of the {@link TokenStore} contract, shared by every implementation so that all stores reject
 * bad input alike: `TesseraArgumentError` (`invalid_argument`) with a message naming the argument. For store
 * implementers (`@tessera/redis` uses them); applications never need them.
 */
export interface TokenStoreArguments {
  /** Throws unless `value` is a non-empty string (hashes, family ids, `jti`s, keys). */
  key(name: string, value: unknown): asserts value is string;
  /** Throws unless `value` is a positive finite number of seconds. */
  positiveTtl(name: string, value: unknown): asserts value is number;
  /** Throws unless `value` is a finite number of seconds (zero or less allowed: "nothing to keep"). */
  ttl(name: string, value: unknown): asserts value is number;
  /** Throws unless `value` is a positive safe integer (the hits of `TokenStore.increment`). */
  hits(name: string, value: unknown): asserts value is number;
  /** Throws unless `value` is an object. */
  options(name: string, value: unknown): asserts value is object;
  /** Throws unless `value` is absent or a valid {@link FamilyAccessToken}. */
  accessToken(name: string, value: unknown): asserts value is FamilyAccessToken | undefined;
  /** Throws unless `value` is a function. */
  listener(value: unknown): asserts value is RevocationListener;
  /** Validates an {@link OpaqueTokenRecord} and returns its JSON text. */
  opaqueRecord(name: string, record: OpaqueTokenRecord): string;
  /** Validates a {@link RefreshTokenRecord} (which must name its family) and returns its JSON text. */
  refreshRecord(name: string, record: RefreshTokenRecord): string;
  /** Validates verified claims and returns their JSON text. */
  claims(name: string, claims: JwtClaims): string;
  /** Validates a JSON object (one-time values) and returns its JSON text. */
  jsonObject(name: string, value: unknown): string;
  /**
   * Validates the arguments of `TokenStore.rotate`: everything that can be checked without the store's state, so a
   * bad call changes nothing.
   */
  rotation(oldHash: unknown, next: unknown, options: unknown): CheckedRotation;
}

/** @see {@link TokenStoreArguments} */
export const tokenStoreArguments: TokenStoreArguments = Object.freeze({
  key: assertKey,
  positiveTtl: assertPositiveTtl,
  ttl: assertTtl,
  hits: assertHits,
  options: assertOptions,
  accessToken: assertAccessToken,
  listener: assertListener,
  opaqueRecord: serialiseOpaqueRecord,
  refreshRecord: serialiseRefreshRecord,
  claims: serialiseClaims,
  jsonObject: serialiseJsonObject,
  rotation: checkRotation,
});

/**
 * The errors the {@link TokenStore} contract fixes, with their exact messages, for store implementers.
 * @example
 * ```ts
 * throw tokenStoreErrors.reused(); // RefreshTokenError refresh_token_reused
 * ```
 */
export const tokenStoreErrors: Readonly<{
  /** `refresh_token_reused`: "refresh token was already used; its family is revoked". */
  reused(): RefreshTokenError;
  /** `refresh_token_invalid`: "refresh token is unknown, expired or revoked". */
  invalid(): RefreshTokenError;
  /** `store_unavailable`: "token store is closed" (a store used after `close()`). */
  closed(): UnavailableError;
  /** The two refresh-token messages. */
  messages: { readonly reused: string; readonly invalid: string };
}> = Object.freeze({
  reused: refreshTokenReused,
  invalid: refreshTokenInvalid,
  closed: storeClosed,
  messages: Object.freeze({ reused: REUSED_MESSAGE, invalid: INVALID_MESSAGE }),
});
