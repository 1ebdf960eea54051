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
  /** An identifier for the token (`jti` in introspection answers and audit events). */
  jti?: string;
  /** Sender constraint (RFC 9449 §6): `{ jkt }`, the RFC 7638 thumbprint of the DPoP key the token is bound to. */
  cnf?: { jkt: string };
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
  /** Sender constraint of a public client's refresh token (RFC 9449 §5): the DPoP key's RFC 7638 thumbprint. */
  cnf?: { jkt: string };
}

/**
 * An access token minted from a refresh-token family's grant. The store remembers it with the family so that
 * revoking the family (logout, RFC 7009, detected reuse) also ends the access tokens it produced: a `jti` goes on
 * the denylist for the token's remaining lifetime, an opaque token's record is deleted.
 */
export interface FamilyAccessToken {
  /** The access token's `jti` (JWT formats). At least one of `jti` and `hash` is required. */
  jti?: string;
  /** The opaque access token's fingerprint (`tokenFingerprint(token)`). */
  hash?: string;
  /** How long the access token lives from now, in seconds; must be positive. */
  ttlSeconds: number;
}

/** Options of {@link TokenStore.issueRefreshToken}. */
export interface IssueRefreshTokenOptions {
  /** The access token issued together with this refresh token, tracked with its family. */
  accessToken?: FamilyAccessToken;
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
  /** The access token issued together with the new refresh token, tracked with the family (same step). */
  accessToken?: FamilyAccessToken;
}

/**
 * Options of {@link TokenStore.rotate}: the reuse grace window. Two tabs (or a retry after a lost response) may
 * present the same refresh token moments apart; inside the window the second gets the token set the first one
 * received, instead of the family being revoked.
 */
export interface RefreshRotateOptions {
  /**
   * How long after this rotation the *immediately previous* token (the one rotated now) may be presented again and
   * get `successor` back, in seconds. Only while the successor itself has not been rotated and the family is live;
   * any other reuse still revokes the family. 0 turns the window off.
   * @default 0
   */
  graceSeconds?: number;
  /**
   * What a replay inside the window gets back, kept by the store as an opaque string. Never a token in the clear:
   * the issuer seals the successor token set under a key derived from the presented (old) refresh token, so only its
   * holder can open it and the store holds nothing usable. Required when `graceSeconds > 0`.
   */
  successor?: string;
}

/** How {@link TokenStore.rotate} went: the presented token was rotated now, or replayed inside the grace window. */
export type RefreshRotateResult =
  | { readonly outcome: 'rotated' }
  | {
      readonly outcome: 'grace';
      /** The `successor` stored by the rotation this replay repeats; `next` was not stored. */
      readonly successor: string;
    };

/**
 * A revocation made through any store instance sharing the backend, pushed to {@link TokenStore.subscribeRevocations}
 * listeners so verifiers drop cached verdicts at once.
 */
export type RevocationEvent =
  /** A JWT `jti` went on the denylist (`revoke`, or a family revocation denylisting its access tokens). */
  | { readonly type: 'jti'; readonly jti: string }
  /** An opaque access token was deleted (`deleteOpaqueToken`, or a family revocation). */
  | { readonly type: 'opaque'; readonly hash: string }
  /** A session (`putSession`) ended through `deleteSession`. */
  | { readonly type: 'session'; readonly jti: string }
  /** A refresh-token family was revoked. */
  | { readonly type: 'family'; readonly familyId: string };

/** Receives {@link RevocationEvent}s; must not throw (a throw is caught and dropped). */
export type RevocationListener = (event: RevocationEvent) => void;

/** The state of a fixed-window counter after {@link TokenStore.increment}. */
export interface CounterState {
  /** Hits in the current window, this one included. */
  readonly count: number;
  /** Seconds until the window ends and the count starts again from zero (> 0). */
  readonly resetSeconds: number;
}

/** A JSON object, as {@link TokenStore.putOneTime} keeps it (plain JSON, as every record). */
export type JsonObject = { [key: string]: unknown };

/**
 * Server-side token state shared by the issuer and the verifier: opaque tokens, refresh-token families (with the
 * reuse grace window and their access tokens), the `jti` denylist and its revocation events, the verified-claims
 * cache, sessions, rate-limit counters, replay markers and one-time values. `MemoryTokenStore` is the embedded default; `@tessera/redis` shares
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
   * The record of an opaque token, or `undefined` when unknown, deleted, expired, or tracked with a family (see
   * {@link FamilyAccessToken}) that has been revoked.
   * @param hash - `tokenFingerprint(token)`
   * @throws UnavailableError (`store_unavailable`)
   */
  getOpaqueToken(hash: string): Promise<OpaqueTokenRecord | undefined>;

  /**
   * Removes an opaque token (RFC 7009 revocation) and publishes an `opaque` event. Removing an unknown token is not
   * an error.
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
  issueRefreshToken(
    hash: string,
    record: RefreshTokenRecord,
    ttlSeconds: number,
    options?: IssueRefreshTokenOptions,
  ): Promise<void>;

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
   * Decided in this order: unknown or expired → `refresh_token_invalid`; `next.record.familyId` not the old token's
   * family → `invalid_argument` (a caller bug: nothing changes); already rotated → inside the grace window of that
   * rotation (see {@link RefreshRotateOptions}) the stored successor is returned, otherwise the family is revoked and
   * `refresh_token_reused`; family revoked → `refresh_token_invalid`; `next.hash` already stored → `invalid_argument`;
   * otherwise rotate. Revoking the family revokes its tracked access tokens in the same step.
   *
   * `next.hash` must be the fingerprint of a fresh random token. A store spread over several nodes (Redis Cluster)
   * detects a `next.hash` already stored in *another* family only after the presented token is consumed: it still
   * rejects with `invalid_argument` and leaves the other family's token untouched, but the presented token then
   * counts as rotated. Only a broken issuer can get there.
   *
   * @param oldHash - fingerprint of the presented refresh token
   * @param next - the replacing token; `next.record.familyId` must equal the old token's family
   * @param options - the grace window and the sealed successor a replay inside it gets
   * @returns `{ outcome: 'rotated' }`, or `{ outcome: 'grace', successor }` for a replay inside the window
   * @throws RefreshTokenError (`refresh_token_reused`) when `oldHash` was already rotated (the family is now revoked)
   * @throws RefreshTokenError (`refresh_token_invalid`) when `oldHash` is unknown, expired or its family revoked
   * @throws TesseraArgumentError (`invalid_argument`) on a bad argument, a `familyId` mismatch, or `next.hash`
   *   equal to `oldHash` or already stored, or `graceSeconds > 0` without `successor`; nothing changes (but see
   *   above for a hash stored in another family on a multi-node store)
   * @throws UnavailableError (`store_unavailable`)
   */
  rotate(oldHash: string, next: RefreshTokenRotation, options?: RefreshRotateOptions): Promise<RefreshRotateResult>;

  /**
   * Revokes every refresh token of a family, rotated or not (logout, RFC 7009 revocation of a refresh token, or a
   * detected reuse), and in the same step the family's tracked access tokens (`jti`s denylisted for their remaining
   * lifetime, opaque records deleted). Publishes a `family` event and one event per access token revoked.
   * Idempotent: revoking a revoked family changes nothing and publishes nothing; an unknown family is not an error.
   * Revocation and rotation of one family never interleave: a rotation racing a revocation either completes first
   * (and its new tokens are revoked with the family) or fails with `refresh_token_invalid`.
   * @param familyId - the family
   * @throws UnavailableError (`store_unavailable`)
   */
  revokeFamily(familyId: string): Promise<void>;

  /**
   * Puts a JWT's `jti` on the denylist for `ttlSeconds` (use the token's remaining lifetime) and publishes a `jti`
   * event. A TTL of zero or less does nothing (the token has expired anyway); revoking again never shortens an
   * existing entry.
   * @param jti - the token's `jti` claim
   * @param ttlSeconds - how long to remember it
   * @throws UnavailableError (`store_unavailable`)
   */
  revoke(jti: string, ttlSeconds: number): Promise<void>;

  /**
   * Whether `jti` is on the denylist: revoked through {@link TokenStore.revoke}, or tracked with a family (see
   * {@link FamilyAccessToken}) that has been revoked, for the token's remaining lifetime.
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
   * Calls `listener` with every revocation made from now on through any store sharing this backend (this instance
   * included): denylisted `jti`s, deleted opaque tokens, ended sessions, revoked families. Verifiers subscribe to
   * drop cached verdicts at once (Redis: pub/sub). Delivery is best effort and at most once; a verifier still checks
   * the denylist, so a lost event only costs cache freshness, never a revocation.
   * @param listener - called once per event; exceptions are caught
   * @returns a function that ends the subscription
   * @throws UnavailableError (`store_unavailable`) when the subscription cannot be set up
   */
  subscribeRevocations(listener: RevocationListener): Promise<() => Promise<void>>;

  /**
   * Counts hits on a fixed-window counter (rate limits: per client on `/token`, per subject on an API): one, or
   * `hits` at once in one step (a caller that coalesces the hits of many requests, see `createCoalescedCounter`). The
   * first hit opens a window of `windowSeconds`; the count restarts when it ends.
   * @param key - the counter's name, e.g. `token:client-1`; stores namespace it
   * @param windowSeconds - the window's length; must be positive
   * @param hits - how many hits to count, a positive integer (default 1)
   * @returns the count in the current window (these hits included) and the seconds until it resets
   * @throws TesseraArgumentError (`invalid_argument`) for a bad key, window or number of hits
   * @throws UnavailableError (`store_unavailable`)
   */
  increment(key: string, windowSeconds: number, hits?: number): Promise<CounterState>;

  /**
   * Records `key` as seen for `ttlSeconds`, in one step with the check: true the first time, false while it is still
   * remembered. For replay detection: DPoP proof `jti`s (RFC 9449 §11.1), one-time nonces.
   * @param key - what to remember, e.g. `dpop:<jti>`
   * @param ttlSeconds - how long to remember it; must be positive
   * @returns whether this is the first time
   * @throws UnavailableError (`store_unavailable`)
   */
  markUsed(key: string, ttlSeconds: number): Promise<boolean>;

  /**
   * Keeps a JSON object that can be taken exactly once (authorization codes, RFC 6749 §4.1.2: "MUST NOT be used
   * more than once"). Replaces any value under the same key.
   * @param key - e.g. the code's fingerprint
   * @param value - a JSON object
   * @param ttlSeconds - how long it can be taken; must be positive
   * @throws UnavailableError (`store_unavailable`)
   */
  putOneTime(key: string, value: JsonObject, ttlSeconds: number): Promise<void>;

  /**
   * Returns the value under `key` and deletes it in the same step: of concurrent takes, exactly one gets it.
   * @param key - the key given to {@link TokenStore.putOneTime}
   * @returns the value, or `undefined` when unknown, expired or already taken
   * @throws UnavailableError (`store_unavailable`)
   */
  takeOneTime(key: string): Promise<JsonObject | undefined>;

  /**
   * Starts a session for a token's `jti` (the nested reference's reference-token mode: a verified token counts only
   * while its session exists; deleting it ends the token at once).
   * @param jti - the token's `jti`
   * @param ttlSeconds - the token's lifetime; must be positive
   * @throws UnavailableError (`store_unavailable`)
   */
  putSession(jti: string, ttlSeconds: number): Promise<void>;

  /**
   * Whether a session exists for `jti`.
   * @throws UnavailableError (`store_unavailable`): verifiers answer 503, never "present"
   */
  hasSession(jti: string): Promise<boolean>;

  /**
   * Ends a session and publishes a `session` event. Ending an unknown session is not an error.
   * @throws UnavailableError (`store_unavailable`)
   */
  deleteSession(jti: string): Promise<void>;

  /**
   * Resolves when the backend answers (health checks: the issuer's `GET /health`).
   * @throws UnavailableError (`store_unavailable`)
   */
  ping(): Promise<void>;

  /**
   * Releases timers, connections and subscriptions. Idempotent; every other method rejects with
   * `store_unavailable` afterwards.
   */
  close(): Promise<void>;
}
