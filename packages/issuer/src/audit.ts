import type { GrantType, TokenFormat } from './clients/client-config.js';

/** Fields every {@link AuditEvent} carries. */
interface AuditBase {
  /** When it happened, in milliseconds since the epoch. */
  readonly at: number;
  /** The client the operation was for (authenticated, or claimed when authentication failed). */
  readonly clientId: string | undefined;
}

/** Tokens were issued at `/token` (any grant but `refresh_token`). */
export interface TokenIssuedEvent extends AuditBase {
  readonly type: 'token.issued';
  readonly grantType: GrantType;
  readonly subject: string;
  readonly format: TokenFormat;
  /** The access token's `jti`. */
  readonly jti: string;
  /** The refresh-token family started, if a refresh token was issued. */
  readonly familyId: string | undefined;
  /** Whether the access token is DPoP-bound. */
  readonly dpop: boolean;
  readonly outcome: 'success';
}

/** A refresh token was rotated (`rotated`), or replayed inside the grace window (`grace`: the same set went out again). */
export interface TokenRefreshedEvent extends AuditBase {
  readonly type: 'token.refreshed';
  readonly subject: string;
  readonly familyId: string;
  /** The new access token's `jti` (for `grace`: the `jti` of the set handed out again is not known here). */
  readonly jti: string | undefined;
  readonly outcome: 'rotated' | 'grace';
}

/** `/token` refused a request. */
export interface TokenRejectedEvent extends AuditBase {
  readonly type: 'token.rejected';
  readonly grantType: string | undefined;
  /** The OAuth error code answered. */
  readonly error: string;
  readonly outcome: 'failure';
}

/** An already rotated refresh token was presented outside the grace window: its family is revoked. */
export interface RefreshReuseDetectedEvent extends AuditBase {
  readonly type: 'refresh.reuse_detected';
  readonly subject: string | undefined;
  readonly familyId: string | undefined;
  readonly outcome: 'family_revoked';
}

/** A refresh-token family was revoked, with its tracked access tokens. */
export interface FamilyRevokedEvent extends AuditBase {
  readonly type: 'family.revoked';
  readonly familyId: string;
  readonly subject: string | undefined;
  readonly reason: 'reuse' | 'revocation' | 'code_reuse';
  readonly outcome: 'revoked';
}

/** `/revoke` was called (RFC 7009). `not_found` covers unknown, expired and other clients' tokens (answered 200 alike). */
export interface TokenRevokedEvent extends AuditBase {
  readonly type: 'token.revoked';
  readonly tokenType: 'access_token' | 'refresh_token' | undefined;
  readonly subject: string | undefined;
  readonly jti: string | undefined;
  readonly familyId: string | undefined;
  readonly outcome: 'revoked' | 'not_found';
}

/** `/introspect` answered (RFC 7662). */
export interface TokenIntrospectedEvent extends AuditBase {
  readonly type: 'token.introspected';
  readonly subject: string | undefined;
  readonly jti: string | undefined;
  readonly active: boolean;
  readonly outcome: 'active' | 'inactive';
}

/** `/verify-token` answered. */
export interface VerifyTokenAnsweredEvent extends AuditBase {
  readonly type: 'verify_token.answered';
  readonly subject: string | undefined;
  readonly jti: string | undefined;
  readonly systemId: string | undefined;
  readonly valid: boolean;
  readonly outcome: 'valid' | 'invalid';
}

/** One event per token operation. Never carries a token, a secret or a password. */
export type AuditEvent =
  | TokenIssuedEvent
  | TokenRefreshedEvent
  | TokenRejectedEvent
  | RefreshReuseDetectedEvent
  | FamilyRevokedEvent
  | TokenRevokedEvent
  | TokenIntrospectedEvent
  | VerifyTokenAnsweredEvent;

/** Receives audit events. May be async; its errors and rejections are ignored (auditing never breaks a request). */
export type AuditListener = (event: AuditEvent) => void | Promise<void>;

/** Distributive Omit: drops `at` from each member of the union. */
type WithoutAt<E> = E extends unknown ? Omit<E, 'at'> : never;

/** Emits to the listener (if any), stamping the time and swallowing its failures. */
export function createAuditEmitter(listener: AuditListener | undefined, now: () => number):
  (event: WithoutAt<AuditEvent>) => void {
  if (listener === undefined) return () => undefined;
  return (event) => {
    try {
      const result = listener({ ...event, at: now() } as AuditEvent);
      if (result !== undefined && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch(() => undefined);
      }
    } catch {
      // Auditing never breaks a request.
    }
  };
}
