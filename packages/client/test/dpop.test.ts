// DPoP (RFC 9449) in Node: proofs on token requests and on API calls, verified here with jose as a resource server and
// an issuer would, nonces (use_dpop_nonce) retried once, and the token bound to the client's key.
import { createTokenClient, type TokenClient } from '@tessera/client';
import { EmbeddedJWK, base64url, calculateJwkThumbprint, jwtVerify, type JWK } from 'jose';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from './helpers.js';

const ISSUER = 'https://dpop-issuer.example';
const API = 'https://dpop-api.example';

interface Proof {
  htm: string;
  htu: string;
  ath?: string;
  nonce?: string;
  jkt: string;
}

const seenJti = new Set<string>();

async function verifyProof(request: Request, accessToken?: string): Promise<Proof> {
  const proof = request.headers.get('dpop');
  if (proof === null) throw new Error('no DPoP proof');
  const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', maxTokenAge: 60 });
  const url = new URL(request.url);
  if (payload.htm !== request.method || payload.htu !== `${url.origin}${url.pathname}`) throw new Error('htm/htu mismatch');
  if (typeof payload.jti !== 'string' || seenJti.has(payload.jti)) throw new Error('no jti, or a replayed proof');
  seenJti.add(payload.jti);
  if (accessToken !== undefined) {
    const ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
    if (payload.ath !== ath) throw new Error('ath mismatch');
  }
  return {
    htm: payload.htm as string,
    htu: payload.htu as string,
    ath: payload.ath as string | undefined,
    nonce: payload.nonce as string | undefined,
    jkt: await calculateJwkThumbprint(protectedHeader.jwk as JWK),
  };
}

class DpopIssuer {
  readonly proofs: Proof[] = [];
  readonly bound = new Map<string, string>(); // access token → jkt
  readonly refresh = new Map<string, string>(); // refresh token → jkt
  tokenNonce: string | undefined;
  apiNonce: string | undefined;

  handlers() {
    return [
      http.post(`${ISSUER}/token`, async ({ request }) => {
        const proof = await verifyProof(request);
        this.proofs.push(proof);
        if (this.tokenNonce !== undefined && proof.nonce !== this.tokenNonce) {
          return HttpResponse.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'dpop-nonce': this.tokenNonce } });
        }
        const body = new URLSearchParams(await request.text());
        if (body.get('grant_type') === 'refresh_token' && this.refresh.get(body.get('refresh_token') ?? '') !== proof.jkt) {
          return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
        }
        const access = mintToken('jwt', { cnf: { jkt: proof.jkt } });
        const refresh = mintToken('opaque');
        this.bound.set(access, proof.jkt);
        this.refresh.set(refresh, proof.jkt);
        return HttpResponse.json({ access_token: access, token_type: 'DPoP', expires_in: 3600, refresh_token: refresh });
      }),
      http.get(`${API}/orders`, async ({ request }) => {
        const token = /^DPoP (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
        const proof = await verifyProof(request, token).catch(() => undefined);
        if (proof !== undefined) this.proofs.push(proof);
        if (proof === undefined || this.bound.get(token) !== proof.jkt) {
          return new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="invalid_token"' } });
        }
        if (this.apiNonce !== undefined && proof.nonce !== this.apiNonce) {
          return new HttpResponse(null, {
            status: 401,
            headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': this.apiNonce },
          });
        }
        return HttpResponse.json({ ok: true });
      }),
    ];
  }
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
const clients: TokenClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function setup(dpop: Parameters<typeof createTokenClient>[0]['dpop'] = true) {
  const issuer = new DpopIssuer();
  server.use(...issuer.handlers());
  const client = createTokenClient({ endpoints: { token: `${ISSUER}/token`, issuer: ISSUER }, clientId: 'spa', dpop, autoRefresh: false });
  clients.push(client);
  return { issuer, client };
}

describe('DPoP', () => {
  it('sends a proof with the token request and gets a DPoP-bound token', async () => {
    const { issuer, client } = setup();
    const tokens = await client.clientCredentials();
    expect(tokens.tokenType).toBe('DPoP');
    expect(issuer.proofs).toEqual([{ htm: 'POST', htu: `${ISSUER}/token`, ath: undefined, nonce: undefined, jkt: expect.any(String) }]);
  });

  it('API calls carry Authorization: DPoP and a fresh proof with ath from the same key, through fetch and ky', async () => {
    const { issuer, client } = setup();
    await client.clientCredentials();
    expect((await client.fetch(`${API}/orders`)).status).toBe(200);
    expect(await client.ky.get(`${API}/orders`).json()).toEqual({ ok: true });
    const [tokenProof, apiProof1, apiProof2] = issuer.proofs;
    expect(apiProof1).toMatchObject({ htm: 'GET', htu: `${API}/orders`, ath: expect.any(String), jkt: tokenProof!.jkt });
    expect(apiProof2?.jkt).toBe(tokenProof!.jkt);
  });

  it('keeps one key per client: the refresh proof uses the key the refresh token is bound to', async () => {
    const { issuer, client } = setup();
    await client.clientCredentials(); // no refresh token from client_credentials here: this issuer sends one anyway
    await client.refresh();
    expect(new Set(issuer.proofs.map((p) => p.jkt)).size).toBe(1);
  });

  it('retries a token request once with the nonce on use_dpop_nonce', async () => {
    const { issuer, client } = setup();
    issuer.tokenNonce = 'n-1';
    await client.clientCredentials();
    expect(issuer.proofs.map((p) => p.nonce)).toEqual([undefined, 'n-1']);
  });

  it('retries an API call once with the resource server nonce, through fetch and ky', async () => {
    const { issuer, client } = setup();
    await client.clientCredentials();
    issuer.apiNonce = 'api-nonce';
    expect((await client.fetch(`${API}/orders`)).status).toBe(200);
    expect(issuer.proofs.slice(1).map((p) => p.nonce)).toEqual([undefined, 'api-nonce']);
    issuer.apiNonce = 'api-nonce-2';
    expect(await client.ky.get(`${API}/orders`).json()).toEqual({ ok: true });
    expect(issuer.proofs.slice(3).map((p) => p.nonce)).toEqual(['api-nonce', 'api-nonce-2']);
  });

  it('a nonce that keeps changing is retried once only: the 401 comes back', async () => {
    const { issuer, client } = setup();
    await client.clientCredentials();
    let n = 0;
    server.use(
      http.get(`${API}/orders`, () =>
        new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `n${++n}` } }),
      ),
    );
    expect((await client.fetch(`${API}/orders`)).status).toBe(401);
    expect(n).toBe(2);
    expect(issuer.proofs).toHaveLength(1);
  });

  it('uses a key pair given in the options (non-extractable private key)', async () => {
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
    const { issuer, client } = setup({ keyPair });
    await client.clientCredentials();
    expect(issuer.proofs[0]?.jkt).toBe(await calculateJwkThumbprint(jwk as JWK));
  });

  it('adds dpop_jkt to the authorization URL', async () => {
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const jkt = await calculateJwkThumbprint((await crypto.subtle.exportKey('jwk', keyPair.publicKey)) as JWK);
    const client = createTokenClient({
      endpoints: { token: `${ISSUER}/token`, authorization: `${ISSUER}/authorize` },
      clientId: 'spa',
      redirectUri: 'https://app.example/cb',
      dpop: { keyPair },
    });
    clients.push(client);
    expect((await client.authorizeUrl()).searchParams.get('dpop_jkt')).toBe(jkt);
  });
});
