// One benchmark server, run in its own process: `node --import tsx server.ts <variant>` with the key material in
// BENCH_CONFIG (JSON). Prints `listening <port>` once ready. Every variant answers GET /r with {"sub": …}, so the
// rows differ only by what authenticates the request. Packages are imported by name: the built ones.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Config {
  upstreamUrl?: string;
  secret: string;
  es256Jwk: Record<string, unknown>;
  es256Pem: string;
  encPrivateJwk: Record<string, unknown>;
  issuer: string;
  audience: string;
}

const variant = process.argv[2] ?? '';
const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as Config;
const { issuer, audience } = config;

async function expressApp(port: number): Promise<Parameters<typeof createServer>[1]> {
  const { default: express } = await import('express');
  const app = express();
  app.set('etag', false);
  app.set('x-powered-by', false);
  app.get('/jwks', (_req, res) => {
    res.json({ keys: [config.es256Jwk] });
  });
  const reply = (sub: unknown) => (_req: unknown, res: { json(b: unknown): void }) => res.json({ sub });
  if (variant === 'express-none') {
    app.get('/r', reply('anonymous'));
    return app;
  }
  if (variant.startsWith('express-tessera')) {
    const { authenticate, errorHandler } = await import('@tessera/express');
    const { importJwk } = await import('@tessera/core');
    const cache = variant.endsWith('nocache') ? { cache: false as const } : {};
    let options: Parameters<typeof authenticate>[0];
    if (variant.startsWith('express-tessera-hs256')) options = { local: { secret: config.secret, issuer, audience }, ...cache };
    else if (variant.startsWith('express-tessera-es256')) options = { local: { keys: await importJwk(config.es256Jwk, { alg: 'ES256' }), issuer, audience }, ...cache };
    else {
      // The remote strategy: verify-token delegation to the upstream server (its own process).
      const url = config.upstreamUrl as string;
      options = { remote: { kind: 'verify-token', url }, ...cache };
    }
    app.get('/r', authenticate(options), (req, res) => {
      res.json({ sub: req.auth?.subject });
    });
    app.use(errorHandler());
    return app;
  }
  if (variant === 'express-jwt') {
    const { expressjwt } = await import('express-jwt');
    app.get('/r', expressjwt({ secret: config.es256Pem, algorithms: ['ES256'], issuer, audience }), (req, res) => {
      res.json({ sub: (req as unknown as { auth?: { sub?: string } }).auth?.sub });
    });
    return app;
  }
  if (variant === 'express-oauth2-jwt-bearer') {
    const { auth } = await import('express-oauth2-jwt-bearer');
    app.get('/r', auth({ issuer, audience, jwksUri: `http://127.0.0.1:${port}/jwks`, tokenSigningAlg: 'ES256' }), (req, res) => {
      res.json({ sub: (req as unknown as { auth?: { payload: { sub?: string } } }).auth?.payload.sub });
    });
    return app;
  }
  if (variant === 'express-jose') {
    const { importJWK, jwtVerify } = await import('jose');
    const key = await importJWK(config.es256Jwk, 'ES256');
    app.get('/r', (req, res, next) => {
      const header = req.headers.authorization ?? '';
      if (!header.startsWith('Bearer ')) {
        res.status(401).json({ error: 'invalid_token' });
        return;
      }
      jwtVerify(header.slice(7), key, { issuer, audience, algorithms: ['ES256'] }).then(
        ({ payload }) => {
          (req as unknown as { user: unknown }).user = payload;
          next();
        },
        () => res.status(401).json({ error: 'invalid_token' }),
      );
    }, (req, res) => {
      res.json({ sub: ((req as unknown as { user: { sub?: string } }).user).sub });
    });
    return app;
  }
  throw new Error(`unknown variant ${variant}`);
}

async function koaApp(): Promise<Parameters<typeof createServer>[1]> {
  const { default: Koa } = await import('koa');
  const app = new Koa();
  if (variant === 'koa-none') {
    app.use((ctx) => {
      ctx.body = { sub: 'anonymous' };
    });
    return app.callback();
  }
  if (variant.startsWith('koa-tessera')) {
    const { authenticate } = await import('@tessera/koa');
    const { importJwk } = await import('@tessera/core');
    const keys = await importJwk(config.es256Jwk, { alg: 'ES256' });
    const decryptionKeys = variant === 'koa-tessera-jwe' ? await importJwk(config.encPrivateJwk, { alg: 'ECDH-ES+A256KW' }) : undefined;
    app.use(authenticate({ local: { keys, ...(decryptionKeys === undefined ? {} : { decryptionKeys }), issuer, audience } }));
  } else if (variant === 'koa-jwt') {
    const { default: jwt } = await import('koa-jwt');
    app.use(jwt({ secret: config.es256Pem, algorithms: ['ES256'], issuer, audience, key: 'auth' }));
  } else {
    throw new Error(`unknown variant ${variant}`);
  }
  app.use((ctx) => {
    ctx.body = { sub: (ctx.state.auth as { subject?: string; sub?: string } | undefined)?.subject ?? (ctx.state.auth as { sub?: string })?.sub };
  });
  return app.callback();
}

// The verify-token upstream of the remote rows: answers like the reference's Job Manager endpoint.
function upstreamHandler(): Parameters<typeof createServer>[1] {
  const valid = JSON.stringify({ valid: true, systemId: 'user-1', message: 'Token is valid' });
  return (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(req.headers.authorization === undefined ? JSON.stringify({ valid: false, message: 'no token' }) : valid);
  };
}

// Listen first, so a variant can point at its own port (express-oauth2-jwt-bearer fetches /jwks from it).
let handler: Parameters<typeof createServer>[1] | undefined;
const server = createServer((req, res) => (handler as NonNullable<typeof handler>)(req, res));
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
handler = variant === 'upstream' ? upstreamHandler() : variant.startsWith('koa') ? await koaApp() : await expressApp(port);
// The parent asks for this process's CPU time around a measured run (requests per server CPU-second).
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
  }
});
console.log(`listening ${port}`);
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
