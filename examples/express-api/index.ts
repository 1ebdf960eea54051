// An Express resource server on @tessera/express that verifies nothing itself: it asks the issuer. `/api/hello`
// introspects the bearer token (RFC 7662, authenticated as the `express-api` client); `/system/hello` follows the
// remote verify-token contract: the caller's token in `X-System-Authorization`, checked at the issuer's /verify-token.
import { authenticate, createVerifier, errorHandler, requireScopes, type Verifier } from '@tessera/express';
import cors from 'cors';
import express, { type Express } from 'express';
import { helloBody } from '../lib/hello.js';

/** Options of {@link createExpressApi}. */
export interface ExpressApiOptions {
  /** The issuer identifier. */
  issuer: string;
  /** Where the issuer answers. @default issuer */
  issuerUrl?: string;
  /** The `aud` an introspected token must carry. */
  audience: string;
  /** The scope `/api/hello` requires. */
  scope: string;
  /** This API's client at the issuer (allowed to introspect). */
  clientId: string;
  clientSecret: string;
  /** The one origin CORS lets in (the SPA's). */
  spaOrigin: string;
  /**
   * How long a positive answer of the issuer is reused, in seconds. The demo asks every time (0), so a revocation
   * shows at once; a production API caches a few seconds (and the verifier never caches past the token's `exp`).
   * @default 0
   */
  cacheSeconds?: number;
}

/** The Express API: `http.createServer(api.app)`. */
export interface ExpressApi {
  readonly app: Express;
  close(): Promise<void>;
}

/**
 * Builds the Express API: `GET /api/hello` (introspection, needs the scope) and `GET /system/hello` (verify-token,
 * `X-System-Authorization`) answer `{ api: 'express', subject, clientId, scopes, strategy: 'remote', format,
 * issuedAt, expiresAt }`; `GET /health` answers without a token.
 * @param options - see {@link ExpressApiOptions}
 */
export function createExpressApi(options: ExpressApiOptions): ExpressApi {
  const base = options.issuerUrl ?? options.issuer;
  const cacheTtl = options.cacheSeconds ?? 0;
  const introspection: Verifier = createVerifier({
    remote: {
      kind: 'introspection',
      url: `${base}/introspect`,
      issuer: options.issuer,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      audience: options.audience,
      cacheTtl,
    },
    realm: 'express-api',
  });
  const verifyToken: Verifier = createVerifier({
    remote: { kind: 'verify-token', url: `${base}/verify-token`, cacheTtl },
    extract: { authorization: false, header: 'X-System-Authorization' },
    realm: 'express-api-system',
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(cors({
    origin: options.spaOrigin,
    methods: ['GET'],
    allowedHeaders: ['Authorization', 'X-System-Authorization'],
    exposedHeaders: ['WWW-Authenticate'],
    maxAge: 600,
  }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/hello', authenticate(introspection), requireScopes(options.scope, { realm: 'express-api' }), (req, res) => {
    res.json(helloBody('express', req.auth!));
  });
  app.get('/system/hello', authenticate(verifyToken), (req, res) => {
    res.json(helloBody('express', req.auth!));
  });
  app.use(errorHandler());
  return {
    app,
    close: async () => {
      await Promise.all([introspection.close(), verifyToken.close()]);
    },
  };
}
