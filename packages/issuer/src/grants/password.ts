import type { ResolvedClient } from '../clients/resolve-client.js';
import { OAuthError } from '../errors.js';
import type { IssuerState } from '../internal/state.js';
import type { AuthenticatedUser } from '../options.js';
import { issueTokenSet, type IssuedSet } from '../tokens/token-set.js';
import type { Context } from 'koa';
import { required, type GrantHandler } from './grant-context.js';
import { grantScope, userClaims, userScopes } from './scope.js';

/**
 * Logs a user in through `authenticateUser` and issues their token set (the password grant and the JWE service's
 * JSON login share it).
 * @throws {OAuthError} `invalid_grant` when the credentials are refused, `invalid_scope`
 */
export async function passwordLogin(state: IssuerState, ctx: Context, client: ResolvedClient, username: string,
  password: string, requestedScope: string | undefined, jkt: string | undefined): Promise<IssuedSet> {
  const authenticate = state.authenticateUser;
  if (authenticate === undefined) throw new OAuthError('unsupported_grant_type', 'the password grant is not enabled');
  const user: AuthenticatedUser | undefined | null = await authenticate({ username, password, client, ctx });
  if (user === undefined || user === null) throw new OAuthError('invalid_grant', 'invalid username or password');
  if (typeof user.subject !== 'string' || user.subject.length === 0) {
    throw new TypeError('authenticateUser must return a non-empty subject');
  }
  const scope = grantScope(requestedScope, userScopes(client, user.scope), client.defaultScopes);
  const grant = { subject: user.subject, scope, claims: userClaims(user.claims), jkt };
  const issued = await issueTokenSet(state, client, grant, client.grants.has('refresh_token'));
  state.audit({
    type: 'token.issued', clientId: client.id, grantType: 'password', subject: user.subject, format: client.format,
    jti: issued.jti, familyId: issued.familyId, dpop: jkt !== undefined, outcome: 'success',
  });
  return issued;
}

/** `grant_type=password` (RFC 6749 §4.3), behind the issuer's `authenticateUser`. */
export const passwordGrant: GrantHandler = async ({ state, ctx, client, params, jkt }) => {
  const username = required(params, 'username');
  const password = required(params, 'password');
  return (await passwordLogin(state, ctx, client, username, password, params.get('scope'), jkt)).body;
};
