// One issuer process of the multi-process tests: `fork(this file)` under tsx with env ISSUER_JWK (the shared
// private signing JWK), REDIS_URL, GRACE (seconds). It listens on 127.0.0.1 (port 0) and sends { type: 'ready', url };
// every unhandled rejection or uncaught exception is reported as { type: 'unhandled', message } before anything else.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJwk, type Jwk } from '@tessera/core';
import { createIssuer } from '@tessera/issuer';
import { RedisTokenStore } from '@tessera/redis';
import Koa from 'koa';
import { SHARED_CLIENTS, SHARED_ISSUER } from './shared.js';

for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(event, (err: unknown) => process.send?.({ type: 'unhandled', message: `${event}: ${String(err)}` }));
}

const store = new RedisTokenStore({ url: process.env.REDIS_URL!, commandTimeoutMs: 500, connectTimeoutMs: 1000 });
const signing = await importJwk(JSON.parse(process.env.ISSUER_JWK!) as Jwk);
const issuer = await createIssuer({
  issuer: SHARED_ISSUER,
  signingKeys: [signing],
  store,
  refreshGraceSeconds: Number(process.env.GRACE ?? 0),
  // The default rate limits: their counter lives in Redis, so /token needs Redis (503 without it).
  authenticateUser: async ({ username }) => (username === 'alice' ? { subject: 'alice' } : null),
  clients: SHARED_CLIENTS,
});
const app = new Koa();
app.silent = true;
app.use(issuer.routes());
const server = createServer(app.callback());
server.keepAliveTimeout = 1000;
server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void issuer.close().then(() => store.close()).finally(() => process.exit(0));
});
