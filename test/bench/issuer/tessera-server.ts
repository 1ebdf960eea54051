// A Tessera issuer for the bench, in its own process: `fork(this file, { execArgv: ['--import', 'tsx'] })`. Env:
// STORE=memory|redis, REDIS_URL. Sends { type: 'ready', url } over IPC; answers { type: 'stats' } with the store's
// round trips (Redis) so the bench can count them per rotation.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, generateSecret, MemoryTokenStore, type TokenStore } from '@tessera/core';
import { createIssuer } from '@tessera/issuer';
import { RedisTokenStore } from '@tessera/redis';
import Koa from 'koa';
import { BENCH_SECRET } from './constants.js';

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const redis = process.env.STORE === 'redis' ? new RedisTokenStore({ url: process.env.REDIS_URL! }) : undefined;
const store: TokenStore = redis ?? new MemoryTokenStore();
const [rs256, es256, enc] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('ES256'), generateKeyPair('ECDH-ES+A256KW')]);
const unlimited = { max: 1_000_000_000, windowSeconds: 60 };
const issuer = await createIssuer({
  issuer: url,
  signingKeys: [rs256.privateKey, es256.privateKey],
  encryptionKeys: [enc.privateKey],
  store,
  audience: 'https://api.example',
  // On, so its cost (the store's counter) is part of every row; the limit itself is never reached.
  // RATE_LIMIT=off / memory only for the round-trip counts of the rotation; per-hit: the store's increment once per
  // hit (a counter of one's own, never coalesced), to show what coalescing the hits of a turn is worth.
  rateLimit: process.env.RATE_LIMIT === 'off' ? false
    : { token: unlimited, introspect: unlimited, counter: process.env.RATE_LIMIT === 'memory' ? 'memory' : process.env.RATE_LIMIT === 'per-hit' ? (key, window) => store.increment(key, window) : 'store' },
  authenticateUser: async ({ username }) => (username === 'bench' ? { subject: 'bench-user' } : null),
  clients: [
    { id: 'jwt-rs256', secret: BENCH_SECRET, signingAlg: 'RS256', scopes: ['read'] },
    { id: 'jwt-es256', secret: BENCH_SECRET, signingAlg: 'ES256', scopes: ['read'] },
    { id: 'jwe', secret: BENCH_SECRET, signingAlg: 'ES256', format: 'jwe', scopes: ['read'] },
    { id: 'jwe-dir', secret: BENCH_SECRET, signingAlg: 'ES256', format: 'jwe-dir', encryption: { key: generateSecret('A256GCM') }, scopes: ['read'] },
    { id: 'opaque', secret: BENCH_SECRET, format: 'opaque', scopes: ['read'] },
    { id: 'web', secret: BENCH_SECRET, signingAlg: 'ES256', grants: ['password', 'refresh_token'], scopes: ['read'] },
    { id: 'rs', secret: BENCH_SECRET, introspect: true },
  ],
});
const app = new Koa();
app.use(issuer.routes());
server.on('request', app.callback());

process.on('message', (message: { type?: string }) => {
  if (message.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send!({ type: 'stats', roundTrips: redis?.stats.roundTrips ?? 0, commands: redis?.stats.commands ?? 0, cpuMicros: cpu.user + cpu.system });
  }
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void issuer.close().then(() => store.close()).finally(() => process.exit(0));
});
process.send!({ type: 'ready', url });
