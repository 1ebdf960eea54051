import type { GrantHandler } from './grant-context.js';
import { grantScope } from './scope.js';
import { issueTokenSet } from '../tokens/token-set.js';

/**
 * `grant_type=client_credentials` (RFC 6749 §4.4): an access token for the client itself (`sub` = the client's
 * `subject`, default its id), no refresh token (§4.4.3).
 */
export const clientCredentialsGrant: GrantHandler = async ({ state, client, params, jkt }) => {
  const scope = grantScope(params.get('scope'), client.scopes, client.defaultScopes);
  const issued = await issueTokenSet(state, client, { subject: client.subject, scope, claims: {}, jkt }, false);
  state.audit({
    type: 'token.issued', clientId: client.id, grantType: 'client_credentials', subject: client.subject,
    format: client.format, jti: issued.jti, familyId: undefined, dpop: jkt !== undefined, outcome: 'success',
  });
  return issued.body;
};
