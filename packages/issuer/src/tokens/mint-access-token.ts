import { issueToken, type FamilyAccessToken, type JwtClaims, type OpaqueTokenRecord, type TesseraKey } from '@tessera/core';
import type { ResolvedClient } from '../clients/resolve-client.js';
import type { IssuerState } from '../internal/state.js';
import { fingerprint, randomId, randomToken } from '../internal/random.js';

/** What an access token is issued for. */
export interface Grant {
  readonly subject: string;
  readonly scope: readonly string[];
  /** Claims from the login step (carried through refreshes); the client's static claims are added on top. */
  readonly claims: JwtClaims;
  /** RFC 7638 thumbprint of the DPoP key the token is bound to. */
  readonly jkt: string | undefined;
}

/** An access token ready to hand out. */
export interface MintedAccessToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresIn: number;
  /** How the store tracks it with a refresh-token family (revoking the family ends it). */
  readonly tracked: FamilyAccessToken;
}

function signingKey(state: IssuerState, client: ResolvedClient): TesseraKey {
  const key = client.signingKey ?? state.signingKeys.current('sig', client.signingAlg);
  if (key === undefined) throw new Error(`no current signing key${client.signingAlg === undefined ? '' : ` for ${client.signingAlg}`}`);
  return key;
}

function encryptionKey(state: IssuerState, client: ResolvedClient): TesseraKey {
  const key = client.encryptionKey ?? state.encryptionKeys.current('enc');
  if (key === undefined) throw new Error('no current encryption key');
  return key;
}

/**
 * Issues an RFC 9068 access token (`typ: at+jwt`; `iss`, `sub`, `aud`, `exp`, `iat`, a random 128-bit `jti`,
 * `client_id`, `scope`, `cnf.jkt` when DPoP-bound) in the client's format through core's `issueToken`; an `opaque`
 * token is 256 random bits whose record (same claims) is put in the store under its fingerprint.
 *
 * @param state - the issuer
 * @param client - the client the token is for
 * @param grant - subject, scopes, claims, DPoP binding
 * @returns the token, its `jti`, lifetime and how a family tracks it
 * @throws {TesseraError} `store_unavailable` (opaque tokens)
 */
export async function mintAccessToken(state: IssuerState, client: ResolvedClient, grant: Grant): Promise<MintedAccessToken> {
  const ttl = client.accessTokenTtl;
  // Object.assign rather than spreads on the hot path: V8 copies objects read back from JSON (refresh records) much
  // faster this way.
  const claims: JwtClaims = Object.assign({}, client.claims, grant.claims);
  claims.client_id = client.id;
  if (grant.scope.length > 0) claims.scope = grant.scope.join(' ');
  if (grant.jkt !== undefined) claims.cnf = { jkt: grant.jkt };

  if (client.format === 'opaque') {
    const token = randomToken();
    const hash = fingerprint(token);
    const jti = randomId();
    const iat = Math.floor(state.now() / 1000);
    // The record's claims: the static and user claims plus iss/aud (sub, client_id, scope, cnf have their own fields).
    const recordClaims: JwtClaims = Object.assign({}, client.claims, grant.claims);
    recordClaims.iss = state.issuer;
    recordClaims.aud = client.audience;
    const record: OpaqueTokenRecord = {
      subject: grant.subject, clientId: client.id, scope: grant.scope.slice(), claims: recordClaims, issuedAt: iat,
      expiresAt: iat + ttl, jti,
    };
    if (grant.jkt !== undefined) record.cnf = { jkt: grant.jkt };
    await state.store.putOpaqueToken(hash, record, ttl);
    return { token, jti, expiresIn: ttl, tracked: { hash, jti, ttlSeconds: ttl } };
  }

  // One object literal of one shape for every format (members a format does not use are undefined, which issueToken
  // ignores), not a base object spread and extended: V8 (Node 20) handles those slowly, ≈ 15 µs per token here.
  const jwt = client.format === 'jwt';
  const issued = await issueToken({
    format: client.format,
    subject: grant.subject,
    issuer: state.issuer,
    audience: client.audience,
    expiresIn: ttl,
    typ: 'at+jwt',
    claims,
    now: state.now,
    signingKey: signingKey(state, client),
    encryptionKey: jwt ? undefined : encryptionKey(state, client),
    enc: jwt ? undefined : client.enc,
    zip: jwt ? undefined : client.zip,
  });
  const jti = issued.claims.jti as string;
  return { token: issued.token, jti, expiresIn: ttl, tracked: { jti, ttlSeconds: ttl } };
}
