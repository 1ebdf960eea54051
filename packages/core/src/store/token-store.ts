import type { JwtClaims } from '../types.js';

/**
 * What the store keeps for an opaque access token (DESIGN: `opaque` token format). Plain JSON: what is put is what
 * comes back, field for field; a store may serialise it (Redis does), so no `Date`, `Map`, `undefined` in arrays or
 * class instances.
 */
export interface OpaqueTokenRecord {
  /** The subject the token was issued to (`sub`). */
  subject: string;
  /** The client the token was issued to (`client_id`). */
  clientId?: string;
  /** Granted scopes. */
  scope?: string[];
  /** Further claims to hand to the API as if they came from a JWT (`aud`, `iss`, custom claims…). */
  claims?: JwtClaims;
  /** When the token was issued, in seconds since the epoch (`iat` for introspection). */
  issuedAt?: number;
  /** When the token expires, in seconds since the epoch (`exp` for introspection). The store's TTL governs removal. */
  expiresAt: number;
}

/**
 * What the store keeps for a refresh token. Every refresh token belongs to a family: the chain of tokens that
 * rotation produced from one grant. Plain JSON, as {@link OpaqueTokenRecord}.
 */
export interface RefreshTokenRecord {
  /** The family this token belongs to; the issuer chooses it when the chain starts (e.g. `crypto.randomUUID()`). */
  familyId: string;
  /** The subject of the grant. */
  subject: string;
  /** The client the grant belongs to; the issuer checks it against the authenticated client on every refresh. */
  clientId?: string;
  /** Scopes of the grant; a refresh may narrow them, never widen. */
  scope?: string[];
  /** Claims to carry into access tokens minted from this grant. */
  claims?: JwtClaims;
  /** When this token was issued, in seconds since the epoch. */
  issuedAt?: number;
  /** When this token expires, in seconds since the epoch. The store's TTL governs removal. */
  expiresAt: number;
  /**
   * Absolute end of the family, in seconds since the epoch: the issuer carries it forward on rotation and caps each
   * new token's lifetime by it, so rotation cannot extend a grant forever (RFC 9700 §4.14.2). The store ignores it.
   */
  familyExpiresAt?: number;
}

/** A refresh token as the store knows it: its record, and whether it has been rotated already. */
export interface StoredRefreshToken {
  /** The record as issued. */
  record: RefreshTokenRecord;
  /**
   * True once the token has been rotated: presenting it again is reuse, and {@link TokenStore.rotate} will revoke its
   * family. Introspection reports a rotated token as inactive.
   */
  rotated: boolean;
}

/** The token that replaces a rotated refresh token. */
export interface RefreshTokenRotation {
  /** Fingerprint of the new refresh token (`tokenFingerprint(newToken)`). */
  hash: string;
  /** Its record; `familyId` must equal the rotated token's. */
  record: RefreshTokenRecord;
  /** How long the store keeps it, in seconds (fractions allowed); must be positive. */
  ttlSeconds: number;
}

/**
 * Server-side token state shared by the issuer and the verifier: opaque tokens, refresh-token families, the `jti`
 * denylist and the verified-claims cache. `MemoryTokenStore` is the embedded default; `@tessera/redis` shares
 * state across processes. Run `describeTokenStoreConformance` from `@tessera/core/testing` on any implementation.
 *
 * Contract for every implementation:
 * - Tokens are never stored in the clear: every `hash` is `tokenFingerprint(token)`.
 * - All methods are async. All TTLs are in seconds and may have fractions. An entry is never returned once its TTL
 *   has elapsed.
 * - Records are plain JSON; a record read back equals the record put, and callers may mutate either side freely.
 * - Every operation is atomic with respect to the others, across every process sharing the backend.
 * - A backend that cannot be reached, or a store used after `close()`, rejects with `UnavailableError`
 *   (`store_unavailable`, 503): callers must fail closed, never treat it as "not revoked" or "not found".
 * - Bad arguments reject with `TesseraArgumentError` (`invalid_argument`): a `hash`, `familyId` or `jti` that is
 *   not a non-empty string; a TTL that is not a number; a record that is not a JSON object with its required fields.
 *
 * Refresh-token rotation (RFC 9700 §4.14.2, OAuth 2.1 §4.3.1): each refresh token can be rotated once. Presenting a
 * token that was already rotated is reuse: the store cannot tell a stolen copy from a legitimate retry or a race,
 * so it revokes the whole family (the legitimate holder logs in again; the thief's copy dies too) and rejects with
 * `refresh_token_reused`. This includes concurrent rotations of one token: exactly one wins, every other one is
 * reuse. Clients avoid the race themselves (`@tessera/client` refreshes in a single flight, locked across tabs).
 *
 * Error messages (safe to show; the issuer maps both codes to `invalid_grant`):
 * - `refresh_token_reused`: "refresh token was already used; its family is revoked"
 * - `refresh_token_invalid`: "refresh token is unknown, expired or revoked"
 *
 * @see RFC 9700 §4.14 (refresh token protection), RFC 7009 (revocation), RFC 7662 (introspection)
 * @example
 * ```ts
 * const store: TokenStore = new MemoryTokenStore();
 * const hash = await tokenFingerprint(refreshToken);
 * await store.issueRefreshToken(hash, { familyId: crypto.randomUUID(), subject: 'u1', expiresAt }, 14 * 86400);
 * // on grant_type=refresh_token:
 * const found = await store.getRefreshToken(hash);       // undefined → invalid_grant
 * await store.rotate(hash, { hash: nextHash, record: { ...found!.record, expiresAt: nextExp }, ttlSeconds });
 * ```
 */
export interface TokenStore {
  /**
   * Stores an opaque access token's record for `ttlSeconds`, replacing any record under the same hash.
   * @param hash - `tokenFingerprint(token)`
   * @param record - the record
   * @param ttlSeconds - how long to keep it; must be positive
   * @throws TesseraArgumentError (`invalid_argument`) on a bad argument (including `ttlSeconds <= 0`)
   * @throws UnavailableError (`store_unavailable`)
   */
  putOpaqueToken(hash: string, record: OpaqueTokenRecord, ttlSeconds: number): Promise<void>;

  /**
   * The record of an opaque token, or `undefined` when unknown, deleted or expired.
   * @param hash - `tokenFingerprint(token)`
   * @throws UnavailableError (`store_unavailable`)
   */
  getOpaqueToken(hash: string): Promise<OpaqueTokenRecord | undefined>;

  /**
   * Removes an opaque token (RFC 7009 revocation). Removing an unknown token is not an error.
   * @param hash - `tokenFingerprint(token)`
   * @throws UnavailableError (`store_unavailable`)
   */
  deleteOpaqueToken(hash: string): Promise<void>;

  /**
   * Stores a refresh token that starts a family, or joins an existing, unrevoked family (`record.familyId`).
   * @param hash - `tokenFingerprint(token)`; must not be stored already
   * @param record - the record
   * @param ttlSeconds - how long to keep it; must be positive
   * @throws RefreshTokenError (`refresh_token_invalid`) when the family has been revoked
   * @throws TesseraArgumentError (`invalid_argument`) on a bad argument or a hash already stored
   * @throws UnavailableError (`store_unavailable`)
   */
  issueRefreshToken(hash: string, record: RefreshTokenRecord, ttlSeconds: number): Promise<void>;

  /**
   * A refresh token's record and rotation state, or `undefined` when unknown, expired or in a revoked family. A
   * rotated token is still returned (with `rotated: true`) so the issuer goes on to {@link TokenStore.rotate}, which
   * is where reuse is detected and the family revoked.
   * @param hash - `tokenFingerprint(token)`
   * @throws UnavailableError (`store_unavailable`)
   */
  getRefreshToken(hash: string): Promise<StoredRefreshToken | undefined>;

  /**
   * Atomically marks the refresh token `oldHash` as rotated and stores `next` in its family. With concurrent calls
   * for one `oldHash`, exactly one succeeds. The rotated token is kept (as rotated) until its own TTL ends, so reuse
   * is detected for as long as the token would have been valid.
   *
   * Decided in this order: unknown or expired → `refresh_token_invalid`; already rotated → revoke the family,
   * `refresh_token_reused`; family revoked → `refresh_token_invalid`; otherwise rotate.
   *
   * @param oldHash - fingerprint of the presented refresh token
   * @param next - the replacing token; `next.record.familyId` must equal the old token's family
   * @throws RefreshTokenError (`refresh_token_reused`) when `oldHash` was already rotated (the family is now revoked)
   * @throws RefreshTokenError (`refresh_token_invalid`) when `oldHash` is unknown, expired or its family revoked
   * @throws TesseraArgumentError (`invalid_argument`) on a bad argument, a `familyId` mismatch, or `next.hash`
   *   equal to `oldHash` or already stored; nothing changes
   * @throws UnavailableError (`store_unavailable`)
   */
  rotate(oldHash: string, next: RefreshTokenRotation): Promise<void>;

  /**
   * Revokes every refresh token of a family, rotated or not (logout, RFC 7009 revocation of a refresh token, or a
   * detected reuse). Idempotent; an unknown family is not an error.
   * @param familyId - the family
   * @throws UnavailableError (`store_unavailable`)
   */
  revokeFamily(familyId: string): Promise<void>;

  /**
   * Puts a JWT's `jti` on the denylist for `ttlSeconds` (use the token's remaining lifetime). A TTL of zero or less
   * does nothing (the token has expired anyway); revoking again never shortens an existing entry.
   * @param jti - the token's `jti` claim
   * @param ttlSeconds - how long to remember it
   * @throws UnavailableError (`store_unavailable`)
   */
  revoke(jti: string, ttlSeconds: number): Promise<void>;

  /**
   * Whether `jti` is on the denylist.
   * @param jti - the token's `jti` claim
   * @throws UnavailableError (`store_unavailable`): the verifier then answers 503, never "not revoked"
   */
  isRevoked(jti: string): Promise<boolean>;

  /**
   * Caches a token's verified claims so other requests (and, with a shared backend, other processes) skip the
   * decrypt and verify. A TTL of zero or less caches nothing; never pass more than the token's remaining lifetime.
   * @param fingerprint - `tokenFingerprint(token)`
   * @param claims - the verified claims
   * @param ttlSeconds - how long to cache them
   * @throws UnavailableError (`store_unavailable`)
   */
  cacheClaims(fingerprint: string, claims: JwtClaims, ttlSeconds: number): Promise<void>;

  /**
   * Claims cached for a token, or `undefined`. A hit still needs the denylist check.
   * @param fingerprint - `tokenFingerprint(token)`
   * @throws UnavailableError (`store_unavailable`)
   */
  getCachedClaims(fingerprint: string): Promise<JwtClaims | undefined>;

  /**
   * Releases timers and connections. Idempotent; every other method rejects with `store_unavailable` afterwards.
   */
  close(): Promise<void>;
}
