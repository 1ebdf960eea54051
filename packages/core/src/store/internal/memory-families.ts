import { TesseraArgumentError } from '../../errors.js';
import type { FamilyAccessToken, RefreshRotateResult, RevocationEvent, StoredRefreshToken } from '../token-store.js';
import type { RefreshTokenRecord } from '../token-store.js';
import { live, purge, type Expiring } from './expiring.js';
import { refreshTokenInvalid, refreshTokenReused } from './store-errors.js';
import type { CheckedRotation } from './validate.js';

interface RefreshEntry extends Expiring {
  readonly json: string;
  readonly familyId: string;
  rotated: boolean;
  /** Set by the rotation of this token: its successor and, with a grace window, what a replay gets back. */
  successorHash?: string;
  sealedSuccessor?: string;
  graceUntil?: number;
}
interface TrackedAccessToken extends Expiring {
  readonly jti?: string;
  readonly hash?: string;
}
interface FamilyEntry extends Expiring {
  revoked: boolean;
  accessTokens: TrackedAccessToken[];
}

/** What a family revocation does outside the families: the memory store's denylist, opaque tokens and events. */
export interface FamilyEffects {
  /** Denylists `jti` until `expiresAt` (never shortening) and publishes a `jti` event. */
  denylist(jti: string, expiresAt: number, now: number): void;
  /** Deletes an opaque token and publishes an `opaque` event. */
  deleteOpaque(hash: string): void;
  /** Publishes an event. */
  publish(event: RevocationEvent): void;
}

const ROTATED: RefreshRotateResult = Object.freeze({ outcome: 'rotated' });

/**
 * Refresh tokens and their families for `MemoryTokenStore`: issue, rotation with reuse detection and the grace window,
 * tracked access tokens, family revocation. Callers validate arguments first; every method here runs to completion
 * without awaiting, which is what makes it atomic.
 */
export class MemoryFamilies {
  readonly #refresh = new Map<string, RefreshEntry>();
  readonly #families = new Map<string, FamilyEntry>();
  readonly #effects: FamilyEffects;

  constructor(effects: FamilyEffects) {
    this.#effects = effects;
  }

  issue(hash: string, json: string, familyId: string, expiresAt: number, access: FamilyAccessToken | undefined, now: number): void {
    if (live(this.#refresh, hash, now) !== undefined) {
      throw new TesseraArgumentError('"hash" is already stored; every refresh token must be new');
    }
    const family = live(this.#families, familyId, now);
    if (family?.revoked === true) throw refreshTokenInvalid();
    const stored = this.#store(hash, json, familyId, expiresAt, family);
    this.#track(stored, access, now);
  }

  get(hash: string, now: number): StoredRefreshToken | undefined {
    const entry = live(this.#refresh, hash, now);
    if (entry === undefined) return undefined;
    const family = live(this.#families, entry.familyId, now);
    if (family === undefined || family.revoked) return undefined;
    return { record: JSON.parse(entry.json) as RefreshTokenRecord, rotated: entry.rotated };
  }

  rotate(oldHash: string, next: CheckedRotation, now: number): RefreshRotateResult {
    const old = live(this.#refresh, oldHash, now);
    if (old === undefined) throw refreshTokenInvalid();
    // A caller bug, decided before any state: nothing changes.
    if (next.familyId !== old.familyId) {
      throw new TesseraArgumentError('"next.record.familyId" must equal the rotated token\'s family');
    }
    const family = live(this.#families, old.familyId, now);
    if (old.rotated) {
      const replay = this.#graceReplay(old, family, now);
      if (replay !== undefined) return { outcome: 'grace', successor: replay };
      if (family !== undefined) this.#revoke(old.familyId, family, now);
      throw refreshTokenReused();
    }
    if (family === undefined || family.revoked) throw refreshTokenInvalid();
    if (live(this.#refresh, next.hash, now) !== undefined) {
      throw new TesseraArgumentError('"next.hash" is already stored; every refresh token must be new');
    }
    old.rotated = true;
    old.successorHash = next.hash;
    if (next.graceSeconds > 0) {
      old.sealedSuccessor = next.successor;
      old.graceUntil = now + next.graceSeconds * 1000;
    }
    this.#store(next.hash, next.json, old.familyId, now + next.ttlSeconds * 1000, family);
    this.#track(family, next.accessToken, now);
    return ROTATED;
  }

  revokeFamily(familyId: string, now: number): void {
    const family = live(this.#families, familyId, now);
    if (family !== undefined) this.#revoke(familyId, family, now);
  }

  /** Removes expired tokens and families; returns how many. */
  purge(now: number): number {
    return purge(this.#refresh, now) + purge(this.#families, now);
  }

  clear(): void {
    this.#refresh.clear();
    this.#families.clear();
  }

  /** Stores a refresh token and keeps its family alive at least as long as the token; returns the family. */
  #store(hash: string, json: string, familyId: string, expiresAt: number, family: FamilyEntry | undefined): FamilyEntry {
    this.#refresh.set(hash, { json, familyId, expiresAt, rotated: false });
    if (family === undefined) {
      const created: FamilyEntry = { revoked: false, expiresAt, accessTokens: [] };
      this.#families.set(familyId, created);
      return created;
    }
    family.expiresAt = Math.max(family.expiresAt, expiresAt);
    return family;
  }

  /** Remembers an access token with its family (dropping the family's expired ones) and keeps the family as long. */
  #track(family: FamilyEntry, accessToken: FamilyAccessToken | undefined, now: number): void {
    if (accessToken === undefined) return;
    const expiresAt = now + accessToken.ttlSeconds * 1000;
    family.accessTokens = family.accessTokens.filter((t) => t.expiresAt > now);
    family.accessTokens.push({ jti: accessToken.jti, hash: accessToken.hash, expiresAt });
    family.expiresAt = Math.max(family.expiresAt, expiresAt);
  }

  /** The successor a replay of `old` gets back: only inside its grace window, while the successor is unrotated. */
  #graceReplay(old: RefreshEntry, family: FamilyEntry | undefined, now: number): string | undefined {
    if (old.graceUntil === undefined || old.sealedSuccessor === undefined || now >= old.graceUntil) return undefined;
    if (family === undefined || family.revoked || old.successorHash === undefined) return undefined;
    const successor = live(this.#refresh, old.successorHash, now);
    if (successor === undefined || successor.rotated) return undefined;
    return old.sealedSuccessor;
  }

  /**
   * Revokes a family and, in the same step, its live access tokens; publishes every revocation. A family revoked
   * already has nothing left to revoke, so a repeat publishes nothing.
   */
  #revoke(familyId: string, family: FamilyEntry, now: number): void {
    if (family.revoked) return;
    family.revoked = true;
    this.#effects.publish({ type: 'family', familyId });
    for (const token of family.accessTokens) {
      if (token.expiresAt <= now) continue;
      if (token.jti !== undefined) this.#effects.denylist(token.jti, token.expiresAt, now);
      if (token.hash !== undefined) this.#effects.deleteOpaque(token.hash);
    }
    family.accessTokens = [];
  }
}
