import type { GrantHandler } from './grant-context.js';
import { grantScope } from './scope.js';
import { issueTokenSet, type IssuedSet } from '../tokens/token-set.js';
import type { IssuerState } from '../internal/state.js';

/**
 * Waits for the rate limit's verdict on a token minted while it was pending. On a refusal the token was never handed
 * out: an opaque token's record is deleted from the store (a JWT needs nothing undone) and the refusal is thrown.
 */
async function admittedOrWithdrawn(state: IssuerState, admitted: Promise<void>, issued: IssuedSet): Promise<void> {
  try {
    await admitted;
  } catch (err) {
    const { hash } = issued.tracked;
    if (hash !== undefined) await state.store.deleteOpaqueToken(hash).catch(() => undefined); // expires anyway
    throw err;
  }
}

/**
 * `grant_type=client_credentials` (RFC 6749 §4.4): an access token for the client itself (`sub` = the client's
 * `subject`, default its id), no refresh token (§4.4.3).
 */
export const clientCredentialsGrant: GrantHandler = async ({ state, client, params, jkt, admitted }) => {
  const scope = grantScope(params.get('scope'), client.scopes, client.defaultScopes);
  const issued = await issueTokenSet(state, client, { subject: client.subject, scope, claims: {}, jkt }, false);
  await admittedOrWithdrawn(state, admitted, issued);
  state.audit({
    type: 'token.issued', clientId: client.id, grantType: 'client_credentials', subject: client.subject,
    format: client.format, jti: issued.jti, familyId: undefined, dpop: jkt !== undefined, outcome: 'success',
  });
  return issued.body;
};
