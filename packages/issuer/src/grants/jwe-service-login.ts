import type { Context } from 'koa';
import { invalidClient } from '../http/client-auth.js';
import { startRateLimit } from '../http/rate-limit.js';
import { OAuthError } from '../errors.js';
import type { IssuerState } from '../internal/state.js';
import { passwordLogin } from './password.js';

/** The reference JWE service's `/token` answer. */
export interface JweServiceTokenResponse {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  encryption?: string;
  note?: string;
}

function field(value: Record<string, unknown>, name: string): string {
  const v = value[name];
  if (typeof v !== 'string' || v.length === 0) throw new OAuthError('invalid_request', `"${name}" is required and must be a string`);
  return v;
}

/**
 * The reference JWE service's login: `POST /token` with `{ "username", "password", "api_key" }` as JSON, for clients
 * configured with `compat: 'jwe-service'` (`api_key` is the client id). Users are checked by `authenticateUser`;
 * the answer has the service's shape: `token_type: "JWE"` and `encryption` for `jwe-dir` clients, `"Bearer"` otherwise.
 *
 * @throws {OAuthError} `invalid_request` (missing field), `invalid_client` (unknown api_key or not a jwe-service
 *   client), `invalid_grant` (wrong user credentials)
 */
export async function jweServiceLogin(state: IssuerState, ctx: Context,
  value: Record<string, unknown>): Promise<JweServiceTokenResponse> {
  const username = field(value, 'username');
  const password = field(value, 'password');
  const apiKey = field(value, 'api_key');
  const client = state.clients.get(apiKey);
  if (client === undefined || client.compat !== 'jwe-service') throw invalidClient(state, 'unknown api_key');
  await startRateLimit(state, 'token', client.id);
  const jkt = await state.dpop.check(ctx, state.urls.token, client.requireDpop);
  const { body } = await passwordLogin(state, ctx, client, username, password, undefined, jkt);
  const encrypted = client.format === 'jwe-dir';
  const answer: JweServiceTokenResponse = {
    access_token: body.access_token,
    ...(body.refresh_token === undefined ? {} : { refresh_token: body.refresh_token }),
    token_type: encrypted && body.token_type === 'Bearer' ? 'JWE' : body.token_type,
    expires_in: body.expires_in,
  };
  if (encrypted) {
    answer.encryption = client.enc ?? 'A256GCM';
    answer.note = 'Tokens are JWE-encrypted.';
  }
  return answer;
}
