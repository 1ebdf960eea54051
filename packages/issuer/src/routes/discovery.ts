import type { Context } from 'koa';
import type { IssuerState } from '../internal/state.js';

/** RFC 8414 authorization server metadata, as `GET /.well-known/oauth-authorization-server` serves it. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  revocation_endpoint: string;
  introspection_endpoint: string;
  authorization_endpoint?: string;
  grant_types_supported: string[];
  response_types_supported: string[];
  response_modes_supported?: string[];
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  introspection_endpoint_auth_methods_supported: string[];
  scopes_supported: string[];
  dpop_signing_alg_values_supported: string[];
  authorization_response_iss_parameter_supported: boolean;
  [member: string]: unknown;
}

/**
 * Builds the issuer's RFC 8414 metadata from its configuration (once).
 * @param state - the issuer
 * @returns the metadata
 */
export function buildMetadata(state: IssuerState): AuthorizationServerMetadata {
  const grants = new Set<string>();
  const scopes = new Set<string>();
  let anyPublic = false;
  for (const client of state.clients.values()) {
    for (const g of client.grants) grants.add(g);
    for (const s of client.scopes) scopes.add(s);
    anyPublic ||= client.isPublic;
  }
  const codeFlow = grants.has('authorization_code') && state.authorize !== undefined;
  const metadata: AuthorizationServerMetadata = {
    issuer: state.issuer,
    token_endpoint: state.urls.token,
    jwks_uri: state.urls.jwks,
    revocation_endpoint: state.urls.revoke,
    introspection_endpoint: state.urls.introspect,
    ...(codeFlow ? { authorization_endpoint: state.urls.authorize } : {}),
    grant_types_supported: [...grants].sort(),
    response_types_supported: codeFlow ? ['code'] : [],
    ...(codeFlow ? { response_modes_supported: ['query'] } : {}),
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', ...(anyPublic ? ['none'] : [])],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', ...(anyPublic ? ['none'] : [])],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [...scopes].sort(),
    dpop_signing_alg_values_supported: [...state.dpop.algorithms],
    authorization_response_iss_parameter_supported: true,
  };
  return metadata;
}

/** `GET /.well-known/oauth-authorization-server`: the metadata, cacheable for a minute. */
export function metadataRoute(metadata: AuthorizationServerMetadata): (ctx: Context) => void {
  const json = JSON.stringify(metadata);
  return (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=60');
    ctx.type = 'application/json';
    ctx.body = json;
  };
}

/**
 * `GET /jwks.json`: the public halves of the signing and encryption keys not yet retired (RFC 7517 §5), computed on
 * each request so a key rotated into the KeySets appears at once. Never a secret or a private member.
 */
export function jwksRoute(state: IssuerState): (ctx: Context) => void {
  return (ctx) => {
    const keys = [...state.signingKeys.toPublicJwks().keys, ...state.encryptionKeys.toPublicJwks().keys];
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.type = 'application/jwk-set+json';
    ctx.body = JSON.stringify({ keys });
  };
}

/** `GET /health`: 200 `{ status: "ok" }` when the store answers, 503 `{ status: "unavailable" }` otherwise. */
export function healthRoute(state: IssuerState): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    let ok = true;
    try {
      await state.store.ping();
    } catch {
      ok = false;
    }
    ctx.status = ok ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: ok ? 'ok' : 'unavailable', store: ok ? 'up' : 'down' };
  };
}
