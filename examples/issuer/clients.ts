// The demo issuer's clients in code: the SPA (public, code + PKCE, rotating refresh tokens), a service, one client per
// token format, and the Express API as a resource server that may introspect. The YAML files in ./clients add the
// reference JWE service's API-key clients.
import { hashClientSecret, type ClientConfig, type TokenFormat } from '@tessera/issuer';
import type { DemoKeys } from '../lib/demo-keys.js';

/** The `aud` of the demo's access tokens; both APIs require it. */
export const DEMO_AUDIENCE = 'tessera-demo-api';

/** The scope the APIs' `/api/hello` requires. */
export const API_SCOPE = 'api:read';

/** The SPA's client: public, authorization code + PKCE S256, refresh rotation with the grace window, JWT tokens. */
export const SPA_CLIENT_ID = 'spa';

/** Scopes the SPA may ask for. */
export const SPA_SCOPES: readonly string[] = ['openid', 'profile', API_SCOPE];

/** The service client of the service-to-service example (client_credentials, JWT). */
export const SERVICE_CLIENT_ID = 'service';

/** The Express API's own client at the issuer: it authenticates with it at `/introspect`. */
export const RESOURCE_SERVER_CLIENT_ID = 'express-api';

/** One client_credentials client per access-token format. */
export const FORMAT_CLIENT_IDS: Readonly<Record<TokenFormat, string>> = Object.freeze({
  jwt: 'client-jwt',
  jwe: 'client-jwe',
  'jwe-dir': 'client-jwe-dir',
  opaque: 'client-opaque',
});

/**
 * The secret of a demo client: `<client id>-demo-secret`. Fixed and public so the curl lines work — a demo only;
 * real secrets come from the environment (`secret: ${CLIENT_SECRET}` in a client file).
 */
export function demoSecret(clientId: string): string {
  return `${clientId}-demo-secret`;
}

// scrypt costs ~50 ms a secret: hash each once per process (tests start several demos), all at once.
const hashes = new Map<string, Promise<string>>();
function secretHashOf(secret: string): Promise<string> {
  let hash = hashes.get(secret);
  if (hash === undefined) {
    hash = hashClientSecret(secret);
    hashes.set(secret, hash);
  }
  return hash;
}

/** What the client list depends on. */
export interface DemoClientOptions {
  /** The SPA's origin: its redirect URI is `<spaOrigin>/`. */
  spaOrigin: string;
  keys: DemoKeys;
  /** The SPA's access-token lifetime. */
  accessTtlSeconds: number;
}

/** The clients configured in code. */
export async function demoClients({ spaOrigin, keys, accessTtlSeconds }: DemoClientOptions): Promise<ClientConfig[]> {
  const confidential = async (id: string, config: Omit<ClientConfig, 'id'>): Promise<ClientConfig> =>
    ({ id, secretHash: await secretHashOf(demoSecret(id)), ...config });
  const formatClient = (format: TokenFormat): Promise<ClientConfig> => confidential(FORMAT_CLIENT_IDS[format], {
    grants: ['client_credentials'],
    scopes: [API_SCOPE],
    format,
    ...(format === 'jwe-dir' ? { encryption: { key: keys.jweDir, enc: 'A256GCM' } } : {}),
  });
  return Promise.all([
    {
      id: SPA_CLIENT_ID,
      public: true,
      grants: ['authorization_code', 'refresh_token'],
      redirectUris: [`${spaOrigin}/`],
      scopes: [...SPA_SCOPES],
      format: 'jwt',
      accessTokenTtl: accessTtlSeconds,
    },
    confidential(SERVICE_CLIENT_ID, {
      grants: ['client_credentials'], scopes: [API_SCOPE], format: 'jwt', systemId: 'TESSERA_DEMO_SERVICE',
    }),
    formatClient('jwt'),
    formatClient('jwe'),
    formatClient('jwe-dir'),
    formatClient('opaque'),
    confidential(RESOURCE_SERVER_CLIENT_ID, { grants: ['client_credentials'], introspect: true }),
  ]);
}
