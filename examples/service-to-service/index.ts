// A service calling another service: @tessera/client gets a token with the client_credentials grant (renewing it
// with the same grant when it nears expiry) and attaches it to the call to the Koa API.
//
//   node --import tsx examples/service-to-service/index.ts            # against `npm start` on the default ports
//   ISSUER_URL=http://127.0.0.1:4401 KOA_API_URL=http://127.0.0.1:4402 node --import tsx examples/service-to-service/index.ts
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTokenClient } from '@tessera/client';
import type { HelloBody } from '../lib/hello.js';

/** Options of {@link callKoaApi}. */
export interface ServiceCallOptions {
  /** The issuer identifier (its metadata is discovered). */
  issuer: string;
  /** The Koa API's base URL. */
  koaApi: string;
  clientId: string;
  clientSecret: string;
  /** @default 'api:read' */
  scope?: string;
}

/** What one call gave. */
export interface ServiceCallResult {
  /** The token's lifetime as the issuer gave it, in seconds. */
  expiresIn: number | undefined;
  /** The Koa API's answer. */
  answer: HelloBody;
}

/**
 * Gets a token with client_credentials, then calls `GET /api/hello` on the Koa API with it.
 * @param options - see {@link ServiceCallOptions}
 * @returns the token's lifetime and the API's answer
 * @throws {TokenClientError} when the issuer refuses (`token_request_failed`) or cannot be reached (`issuer_unavailable`);
 *   ky's `HTTPError` when the API refuses
 */
export async function callKoaApi(options: ServiceCallOptions): Promise<ServiceCallResult> {
  const client = createTokenClient({
    issuer: options.issuer,
    clientId: options.clientId,
    clientAuth: { secret: options.clientSecret },
    scope: options.scope ?? 'api:read',
    // The demo runs on http://127.0.0.1; never set this against a real issuer.
    allowInsecureRequests: true,
  });
  try {
    const tokens = await client.clientCredentials();
    const answer = await client.ky.get(`${options.koaApi}/api/hello`).json<HelloBody>();
    return {
      expiresIn: tokens.expiresAt === undefined ? undefined : Math.round((tokens.expiresAt - Date.now()) / 1000),
      answer,
    };
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  const issuer = process.env.ISSUER_URL ?? 'http://127.0.0.1:4401';
  const koaApi = process.env.KOA_API_URL ?? 'http://127.0.0.1:4402';
  const clientId = process.env.CLIENT_ID ?? 'service';
  const clientSecret = process.env.CLIENT_SECRET ?? `${clientId}-demo-secret`;
  console.log(`service-to-service: client_credentials as "${clientId}" at ${issuer}, then GET ${koaApi}/api/hello`);
  const { expiresIn, answer } = await callKoaApi({ issuer, koaApi, clientId, clientSecret });
  console.log(`token: ${answer.format ?? 'unknown format'}, expires in ${expiresIn ?? '?'} s`);
  console.log(`Koa API answered: ${JSON.stringify(answer)}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    const e = err as { code?: string; message?: string };
    console.error(`service-to-service failed: ${e.code ?? ''} ${e.message ?? String(err)}`.trim());
    console.error('Is the demo running? Start it with: npm start');
    process.exitCode = 1;
  });
}
