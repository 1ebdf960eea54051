// The peer: node-oidc-provider 9 on loopback, in its own process, with the same algorithm (RS256 JWT access tokens
// through resource indicators) or opaque tokens, client_credentials and introspection. Its default memory adapter.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { BENCH_SECRET } from './constants.js';

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'bench-rs256' };
const client = (id: string) => ({
  client_id: id, client_secret: BENCH_SECRET, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'read',
});
const OPAQUE = 'https://opaque.example';
const API = 'https://api.example';

const provider = new Provider(url, {
  clients: [client('jwt-rs256'), client('opaque'), client('rs')],
  jwks: { keys: [jwk] },
  scopes: ['read'],
  ttl: { ClientCredentials: 600 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: async () => true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx: unknown, c: { clientId: string }) => (c.clientId === 'jwt-rs256' ? API : OPAQUE),
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx: unknown, resource: string) => (resource === API
        ? { scope: 'read', audience: API, accessTokenTTL: 600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }
        : { scope: 'read', audience: OPAQUE, accessTokenTTL: 600, accessTokenFormat: 'opaque' }),
    },
  },
});
provider.on('server_error', () => undefined);
server.on('request', provider.callback());
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stats') return;
  const cpu = process.cpuUsage();
  process.send!({ type: 'stats', roundTrips: 0, commands: 0, cpuMicros: cpu.user + cpu.system });
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
process.send!({ type: 'ready', url });
