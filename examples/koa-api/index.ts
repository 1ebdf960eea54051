// A Koa resource server on @tessera/koa: JWT and JWE access tokens verified here (signatures with the issuer's JWKS,
// decryption with the keys it shares), opaque tokens looked up in the issuer's store, revocations heard from it.
import Router from '@koa/router';
import cors from '@koa/cors';
import type { TesseraKey, TokenStore } from '@tessera/core';
import { authenticate, createVerifier, requireScopes, type Verifier } from '@tessera/koa';
import Koa from 'koa';
import { helloBody } from '../lib/hello.js';

/** Options of {@link createKoaApi}. */
export interface KoaApiOptions {
  /** The issuer identifier (`iss` of the tokens). */
  issuer: string;
  /** Where the issuer answers (its JWKS is `<issuerUrl>/jwks.json`). @default issuer */
  issuerUrl?: string;
  /** The `aud` the tokens must carry. */
  audience: string;
  /** The scope `/api/hello` requires. */
  scope: string;
  /** JWE keys: the issuer's `enc` private key (nested `jwe`) and the `dir` secrets of `jwe-dir` clients. */
  decryptionKeys: readonly TesseraKey[];
  /** The issuer's store (the same object in-process, or a Redis store on the same Redis): opaque tokens, denylist. */
  store: TokenStore;
  /** The one origin CORS lets in (the SPA's). */
  spaOrigin: string;
}

/** The Koa API: `http.createServer(api.app.callback())`. */
export interface KoaApi {
  readonly app: Koa;
  readonly verifier: Verifier;
  close(): Promise<void>;
}

/**
 * Builds the Koa API: `GET /api/hello` answers `{ api: 'koa', subject, clientId, scopes, strategy, format, issuedAt,
 * expiresAt }` to a token with the scope; `GET /health` answers without one.
 * @param options - see {@link KoaApiOptions}
 */
export function createKoaApi(options: KoaApiOptions): KoaApi {
  const verifier = createVerifier({
    local: {
      issuer: options.issuer,
      audience: options.audience,
      typ: 'at+jwt',
      jwksUri: `${options.issuerUrl ?? options.issuer}/jwks.json`,
      decryptionKeys: [...options.decryptionKeys],
      clockTolerance: 5,
    },
    opaque: true,
    store: options.store,
    // Every request checks the token's jti against the store's denylist; revocations evict cached verdicts at once.
    revocation: true,
    realm: 'koa-api',
  });

  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/api/hello', authenticate(verifier), requireScopes(options.scope, { realm: 'koa-api' }), (ctx) => {
    ctx.body = helloBody('koa', ctx.state.auth!);
  });

  const app = new Koa();
  app.use(cors({
    origin: options.spaOrigin,
    allowMethods: ['GET'],
    allowHeaders: ['Authorization', 'DPoP'],
    exposeHeaders: ['WWW-Authenticate', 'DPoP-Nonce'],
    maxAge: 600,
  }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, verifier, close: () => verifier.close() };
}
