import type { Context } from 'koa';
import type { ResolvedClient } from '../clients/resolve-client.js';
import { OAuthError } from '../errors.js';
import type { IssuerState } from '../internal/state.js';
import type { TokenResponseBody } from '../tokens/token-set.js';

/** What a grant handler gets: the request, its authenticated client and the DPoP key of its proof, if any. */
export interface GrantContext {
  readonly state: IssuerState;
  readonly ctx: Context;
  readonly client: ResolvedClient;
  readonly params: ReadonlyMap<string, string>;
  /** RFC 7638 thumbprint of the request's valid DPoP proof key. */
  readonly jkt: string | undefined;
  /**
   * The rate limit's verdict on this request. Already settled for every grant but `client_credentials`, which may
   * mint while it is pending and must await it before answering (withdrawing what it stored on a refusal).
   */
  readonly admitted: Promise<void>;
}

/** A grant handler: returns the token answer or throws an {@link OAuthError}. */
export type GrantHandler = (g: GrantContext) => Promise<TokenResponseBody>;

/**
 * A required request parameter.
 * @throws {OAuthError} `invalid_request` naming it when absent
 */
export function required(params: ReadonlyMap<string, string>, name: string): string {
  const value = params.get(name);
  if (value === undefined) throw new OAuthError('invalid_request', `the "${name}" parameter is required`);
  return value;
}
