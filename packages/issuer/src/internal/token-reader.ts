import { createVerifier } from '@tessera/verifier';
import {
  isTesseraError,
  type JoseHeader,
  type JwtClaims,
  type KeyResolver,
  type KeySet,
  type KeyUse,
  type StoredRefreshToken,
  type TesseraKey,
  type TokenStore,
} from '@tessera/core';
import { fingerprint } from './random.js';

/** Why a token is not accepted. */
export type InactiveReason = 'expired' | 'revoked' | 'invalid';

/** An access token the issuer accepts, with its claims (for opaque tokens: built from the store's record). */
export interface ActiveAccessToken {
  readonly active: true;
  readonly claims: JwtClaims;
  readonly format: 'jwt' | 'opaque';
}

/** The outcome of reading an access token. */
export type AccessTokenReading = ActiveAccessToken | { readonly active: false; readonly reason: InactiveReason };

/** Reads tokens the issuer issued: introspection, `/verify-token`, `/revoke`. */
export interface TokenReader {
  /**
   * Verifies an access token of any format: JWT formats are decrypted/verified with the issuer's (and clients')
   * keys, `typ: at+jwt`, `iss`, `exp`, then checked against the denylist; opaque ones are looked up in the store.
   * @throws {TesseraError} `store_unavailable` (never answered as "inactive")
   */
  readAccess(token: string): Promise<AccessTokenReading>;
  /** A refresh token's stored state, or undefined. @throws {TesseraError} `store_unavailable` */
  readRefresh(token: string): Promise<StoredRefreshToken | undefined>;
  /** Ends the verifier's store subscription. */
  close(): Promise<void>;
}

/** Resolves from several key sources at once (the issuer's KeySets and the clients' own keys). */
function combine(sources: readonly KeyResolver[]): KeyResolver {
  return {
    resolve(header: JoseHeader, use: KeyUse): readonly TesseraKey[] {
      const out: TesseraKey[] = [];
      for (const s of sources) out.push(...(s.resolve(header, use) as readonly TesseraKey[]));
      return out;
    },
    list(): readonly TesseraKey[] {
      return sources.flatMap((s) => s.list?.() ?? []);
    },
  };
}

/** Options of {@link createTokenReader}. */
export interface TokenReaderOptions {
  readonly issuer: string;
  readonly store: TokenStore;
  readonly signingKeys: KeySet;
  readonly encryptionKeys: KeySet;
  /** The clients' own keys (HS* signing secrets, `dir` secrets), as one KeySet. */
  readonly clientKeys: KeySet;
  readonly now: () => number;
}

const LOOKS_LIKE_JOSE = /^[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){2,4}$/;

/**
 * Creates the issuer's reader of its own tokens: JWT formats through `@tessera/verifier`'s local strategy (the
 * denylist checked on every call; verdicts cached and dropped at once on the store's revocation events), opaque
 * tokens straight from the store.
 * @param options - keys, store, issuer identifier, clock
 * @returns the reader
 */
export function createTokenReader(options: TokenReaderOptions): TokenReader {
  const { store, now } = options;
  const verifier = createVerifier({
    local: {
      keys: combine([options.signingKeys, options.clientKeys]),
      decryptionKeys: combine([options.encryptionKeys, options.clientKeys]),
      issuer: options.issuer,
      typ: 'at+jwt',
      requiredClaims: ['jti', 'client_id'],
    },
    store,
    revocation: true,
    maxTokenSize: 16_384,
    currentDate: () => new Date(now()),
  });

  /** JWT formats: the verifier (keys, policy, cached verdicts, the denylist on every call). */
  async function readJose(token: string): Promise<AccessTokenReading> {
    let result;
    try {
      result = await verifier.verify(token, { strategy: 'local' });
    } catch (err) {
      if (isTesseraError(err) && err.status >= 500) throw err;
      const reason: InactiveReason = isTesseraError(err, 'token_expired') ? 'expired'
        : isTesseraError(err, 'token_revoked') ? 'revoked' : 'invalid';
      return { active: false, reason };
    }
    return { active: true, claims: result.claims, format: 'jwt' };
  }

  /** Opaque tokens: the store's record, read every time (one store read; exact across processes, nothing cached). */
  async function readOpaque(token: string): Promise<AccessTokenReading> {
    const record = await store.getOpaqueToken(fingerprint(token));
    if (record === undefined) return { active: false, reason: 'invalid' };
    if (record.expiresAt <= now() / 1000) return { active: false, reason: 'expired' };
    // Object.assign, not a spread: V8 copies an object read back from JSON several times faster this way.
    const claims: JwtClaims = Object.assign({}, record.claims);
    claims.sub = record.subject;
    claims.exp = record.expiresAt;
    if (record.issuedAt !== undefined) claims.iat = record.issuedAt;
    if (record.jti !== undefined) claims.jti = record.jti;
    if (record.clientId !== undefined) claims.client_id = record.clientId;
    if (record.scope !== undefined && record.scope.length > 0) claims.scope = record.scope.join(' ');
    if (record.cnf !== undefined) claims.cnf = { jkt: record.cnf.jkt };
    return { active: true, claims, format: 'opaque' };
  }

  return {
    readAccess(token) {
      if (token.length > 16_384) return Promise.resolve({ active: false, reason: 'invalid' });
      return LOOKS_LIKE_JOSE.test(token) ? readJose(token) : readOpaque(token);
    },
    async readRefresh(token) {
      if (token.length > 1024) return undefined;
      return store.getRefreshToken(fingerprint(token));
    },
    close: () => verifier.close(),
  };
}
