// @tessera/verifier against a listening @tessera/issuer: every strategy a resource server can point at the issuer
// (local with its JWKS, remote verify-token, remote RFC 7662 introspection, opaque look-up in the shared store) accepts
// its tokens and sees its revocations.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, MemoryTokenStore } from '@tessera/core';
import { createIssuer, type Issuer } from '@tessera/issuer';
import { createVerifier } from '@tessera/verifier';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SECRET = 'verifier-interop-client-secret';
let server: Server;
let issuer: Issuer;
let url: string;
const store = new MemoryTokenStore();

beforeAll(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = await createIssuer({
    issuer: url,
    signingKeys: [(await generateKeyPair('ES256')).privateKey],
    store,
    audience: 'api://orders',
    clients: [
      { id: 'svc', secret: SECRET, scopes: ['orders:read'], systemId: 'ORDERS_SYSTEM' },
      { id: 'svc-opaque', secret: SECRET, format: 'opaque', scopes: ['orders:read'] },
      { id: 'orders-api', secret: SECRET, introspect: true },
    ],
  });
  const app = new Koa();
  app.use(issuer.routes());
  server.on('request', app.callback());
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await issuer.close();
  await store.close();
});

async function token(client: string): Promise<string> {
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${client}:${SECRET}`)}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  return (await response.json() as { access_token: string }).access_token;
}

async function revoke(client: string, value: string): Promise<void> {
  await fetch(`${url}/revoke`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${client}:${SECRET}`)}` },
    body: new URLSearchParams({ token: value }),
  });
}

describe('@tessera/verifier against a listening issuer', () => {
  it('local strategy: verifies with the issuer\'s JWKS and sees a revocation through the shared store', async () => {
    const verifier = createVerifier({
      local: { jwksUri: `${url}/jwks.json`, issuer: url, audience: 'api://orders', typ: 'at+jwt' }, store, revocation: true,
    });
    const value = await token('svc');
    const auth = await verifier.verify(value);
    expect(auth).toMatchObject({ subject: 'svc', strategy: 'local', scopes: ['orders:read'], issuer: url });
    await revoke('svc', value);
    await expect(verifier.verify(value)).rejects.toMatchObject({ code: 'token_revoked', status: 401 });
    await verifier.close();
  });

  it('remote verify-token: the answer\'s systemId becomes the subject; a revoked token is refused', async () => {
    const verifier = createVerifier({ remote: { kind: 'verify-token', url: `${url}/verify-token` }, cache: false });
    const value = await token('svc');
    expect(await verifier.verify(value)).toMatchObject({ subject: 'ORDERS_SYSTEM', strategy: 'remote' });
    await revoke('svc', value);
    await expect(verifier.verify(value)).rejects.toMatchObject({ status: 401 });
    await verifier.close();
  });

  it('remote introspection (RFC 7662 through oauth4webapi) as a resource-server client', async () => {
    const verifier = createVerifier({
      remote: { kind: 'introspection', url: `${url}/introspect`, issuer: url, clientId: 'orders-api', clientSecret: SECRET, audience: 'api://orders' },
      cache: false,
    });
    const value = await token('svc-opaque');
    expect(await verifier.verify(value)).toMatchObject({ subject: 'svc-opaque', strategy: 'remote', scopes: ['orders:read'] });
    await revoke('svc-opaque', value);
    await expect(verifier.verify(value)).rejects.toMatchObject({ status: 401 });
    await verifier.close();
  });

  it('opaque strategy: looks the issuer\'s opaque tokens up in the shared store', async () => {
    const verifier = createVerifier({ opaque: true, store });
    const value = await token('svc-opaque');
    expect(await verifier.verify(value)).toMatchObject({ subject: 'svc-opaque', strategy: 'opaque', scopes: ['orders:read'] });
    await revoke('svc-opaque', value);
    await expect(verifier.verify(value)).rejects.toMatchObject({ status: 401 });
    await verifier.close();
  });
});
