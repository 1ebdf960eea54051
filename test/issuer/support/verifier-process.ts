// A resource server in its own process: @tessera/verifier with the shared Redis store (denylist checked on every
// request, cached verdicts dropped on pub/sub revocation events). GET /check answers 200 with the subject, or the
// verifier's error status. Env ISSUER_PUBLIC_JWK, REDIS_URL. Reports unhandled rejections like issuer-process.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJwk, type Jwk } from '@tessera/core';
import { RedisTokenStore } from '@tessera/redis';
import { createVerifier, isAuthError } from '@tessera/verifier';
import { SHARED_ISSUER } from './shared.js';

for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(event, (err: unknown) => process.send?.({ type: 'unhandled', message: `${event}: ${String(err)}` }));
}

const store = new RedisTokenStore({ url: process.env.REDIS_URL!, commandTimeoutMs: 500, connectTimeoutMs: 1000 });
const verifier = createVerifier({
  local: { keys: await importJwk(JSON.parse(process.env.ISSUER_PUBLIC_JWK!) as Jwk), issuer: SHARED_ISSUER, typ: 'at+jwt' },
  store,
  revocation: true,
});
const server = createServer((req, res) => {
  verifier.authenticate({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }).then(
    (auth) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ subject: auth?.subject }));
    },
    (err: unknown) => {
      const status = isAuthError(err) ? err.status : (err as { status?: number }).status ?? 500;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: (err as { code?: string }).code }));
    },
  );
});
server.keepAliveTimeout = 1000;
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void verifier.close().then(() => store.close()).finally(() => process.exit(0));
});
