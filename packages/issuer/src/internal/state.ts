import type { CounterState, KeySet, RefreshTokenRecord, TokenStore, TtlCache } from '@tessera/core';
import type { AuditEvent } from '../audit.js';
import type { ResolvedClient } from '../clients/resolve-client.js';
import type { AuthenticatedUser, AuthorizationDecision, AuthorizationRequest, PasswordLogin, RateLimitRule } from '../options.js';
import type { Context } from 'koa';
import type { DpopCheck } from '../http/dpop.js';
import type { TokenReader } from './token-reader.js';

/** Distributive Omit of the time stamp the emitter adds. */
export type AuditInput = AuditEvent extends infer E ? E extends unknown ? Omit<E, 'at'> : never : never;

/** Absolute endpoint URLs, as published in the metadata. */
export interface IssuerUrls {
  readonly token: string;
  readonly authorize: string;
  readonly revoke: string;
  readonly introspect: string;
  readonly verifyToken: string;
  readonly jwks: string;
}

/** Everything a route needs, resolved once by `createIssuer`. Plain fields on the request path. */
export interface IssuerState {
  readonly issuer: string;
  /** Quoted-string-safe realm for `WWW-Authenticate: Basic`. */
  readonly realm: string;
  readonly urls: IssuerUrls;
  readonly clients: ReadonlyMap<string, ResolvedClient>;
  readonly store: TokenStore;
  readonly signingKeys: KeySet;
  readonly encryptionKeys: KeySet;
  readonly refreshTokenFamilyTtl: number;
  readonly authorizationCodeTtl: number;
  readonly graceSeconds: number;
  readonly rateLimit: {
    readonly token: RateLimitRule | undefined;
    readonly introspect: RateLimitRule | undefined;
    readonly failedAuth: RateLimitRule | undefined;
  };
  /** Counts one rate-limit hit (the store's `increment`, a process-local counter, or the user's). */
  readonly count: (key: string, windowSeconds: number) => Promise<CounterState>;
  /** Rate-limit counters (`token:<client>`) this process saw past their limit, until their window ends. */
  readonly limited: TtlCache<string, true>;
  /** Last known failed-authentication counts per client id (the store holds the shared count). */
  readonly failedAuth: TtlCache<string, number>;
  /** Refresh token records by fingerprint: immutable once issued, so a rotation needs only the store's `rotate`. */
  readonly records: TtlCache<string, RefreshTokenRecord>;
  readonly maxBodyBytes: number;
  /** Whether some client takes the JWE service's JSON login (else `/token` takes form bodies only). */
  readonly jsonLogin: boolean;
  readonly now: () => number;
  readonly audit: (event: AuditInput) => void;
  readonly authenticateUser: ((login: PasswordLogin) => Promise<AuthenticatedUser | undefined | null>) | undefined;
  readonly authorize: ((request: AuthorizationRequest, ctx: Context) => Promise<AuthorizationDecision>) | undefined;
  readonly dpop: DpopCheck;
  readonly reader: TokenReader;
}
