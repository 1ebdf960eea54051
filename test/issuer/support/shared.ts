import type { ClientConfig } from '@tessera/issuer';

/** The issuer identifier every process of a multi-process test shares (they listen on different ports). */
export const SHARED_ISSUER = 'https://issuer.test';

/** A client secret for the shared clients. */
export const SHARED_SECRET = 'multi-process-client-secret';

/** The clients every issuer process is configured with. */
export const SHARED_CLIENTS: ClientConfig[] = [
  { id: 'web', secret: SHARED_SECRET, grants: ['password', 'refresh_token'], scopes: ['read'] },
  { id: 'svc', secret: SHARED_SECRET, scopes: ['read'] },
];
