// The issuer and API the Node tests talk to: msw handlers over an in-memory rotating issuer (refresh tokens are single
// use; a reused one is refused with invalid_grant), plus the shared token minting helper.
import { http, HttpResponse, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const ISSUER = 'https://issuer.example';
export const API = 'https://api.example';
export const TOKEN_ENDPOINT = `${ISSUER}/oauth/token`;
export const REDIRECT_URI = 'https://app.example/callback';

const b64u = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A token of the given format. JWS and JWE are shaped like the real ones (JOSE header, base64url parts) but carry no
 * valid signature or ciphertext: the client must never need one.
 */
export function mintToken(format: 'opaque' | 'jwt' | 'jwe', claims: Record<string, unknown> = {}): string {
  const random = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('base64url');
  if (format === 'opaque') return random;
  if (format === 'jwt') return `${b64u({ alg: 'ES256', typ: 'at+jwt' })}.${b64u({ jti: random, ...claims })}.${random}`;
  return `${b64u({ alg: 'dir', enc: 'A256GCM' })}..${random.slice(0, 16)}.${random}.${random.slice(0, 22)}`;
}

export interface TokenRequest {
  grant: string;
  body: URLSearchParams;
  headers: Headers;
}

/** An in-memory issuer: what it has issued, what it was asked, and knobs for the next answers. */
export class TestIssuer {
  readonly requests: TokenRequest[] = [];
  readonly revoked: string[] = [];
  readonly apiCalls: { authorization: string | null; dpop: string | null }[] = [];
  /** Refresh tokens: live or spent. */
  readonly refreshTokens = new Map<string, 'live' | 'spent'>();
  readonly accessTokens = new Set<string>();
  readonly codes = new Map<string, { challenge: string; redirectUri: string }>();
  expiresIn: number | undefined = 3600;
  format: 'opaque' | 'jwt' | 'jwe' = 'opaque';
  /** Leave `refresh_token` out of the answers (RFC 6749 §6 allows it for refreshes). */
  omitRefreshToken = false;
  /** The API answers 401 invalid_token to everything (a misconfigured resource server). */
  apiRejectsAll = false;
  /** Replaces the next token endpoint answer (malformed answers, errors, delays). */
  nextAnswer: (() => Response | Promise<Response>) | undefined;

  issue(withRefresh = true): Record<string, unknown> {
    const access = mintToken(this.format, this.expiresIn === undefined ? {} : { exp: Math.floor(Date.now() / 1000) + this.expiresIn });
    this.accessTokens.add(access);
    const answer: Record<string, unknown> = { access_token: access, token_type: 'Bearer', scope: 'orders:read' };
    if (this.expiresIn !== undefined) answer.expires_in = this.expiresIn;
    if (withRefresh) {
      const refresh = mintToken('opaque');
      this.refreshTokens.set(refresh, 'live');
      answer.refresh_token = refresh;
    }
    return answer;
  }

  /** Refresh requests received. */
  get refreshes(): number {
    return this.requests.filter((r) => r.grant === 'refresh_token').length;
  }

  async #token(request: Request): Promise<Response> {
    const headers = request.headers;
    if (headers.get('content-type')?.startsWith('application/json')) {
      const body = (await request.json()) as Record<string, string>;
      this.requests.push({ grant: 'jwe-service-json', body: new URLSearchParams(body), headers });
      if (body.username !== 'admin' || body.password !== 'admin123' || body.api_key !== 'api_key_jwe_example') {
        return HttpResponse.json({ error: 'invalid_grant' }, { status: 401 });
      }
      const access = mintToken('jwe');
      const refresh = mintToken('jwe');
      this.accessTokens.add(access);
      this.refreshTokens.set(refresh, 'live');
      return HttpResponse.json({ access_token: access, refresh_token: refresh, token_type: 'JWE', encryption: 'A256GCM', note: 'Tokens are JWE-encrypted.' });
    }
    const body = new URLSearchParams(await request.text());
    const grant = body.get('grant_type') ?? '';
    this.requests.push({ grant, body, headers });
    const next = this.nextAnswer;
    if (next !== undefined) {
      this.nextAnswer = undefined;
      return next();
    }
    switch (grant) {
      case 'refresh_token': {
        const token = body.get('refresh_token') ?? '';
        if (this.refreshTokens.get(token) !== 'live') return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
        this.refreshTokens.set(token, 'spent');
        return HttpResponse.json(this.issue(!this.omitRefreshToken));
      }
      case 'authorization_code': {
        const code = this.codes.get(body.get('code') ?? '');
        this.codes.delete(body.get('code') ?? '');
        const verifier = body.get('code_verifier') ?? '';
        const challenge = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))).toString('base64url');
        if (code === undefined || code.challenge !== challenge || code.redirectUri !== body.get('redirect_uri')) {
          return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
        }
        return HttpResponse.json(this.issue());
      }
      case 'client_credentials': {
        const basic = headers.get('authorization');
        const viaBasic = basic === `Basic ${Buffer.from('service:s3cret').toString('base64')}`;
        const viaPost = body.get('client_id') === 'service' && body.get('client_secret') === 's3cret';
        if (!viaBasic && !viaPost) return HttpResponse.json({ error: 'invalid_client' }, { status: 400 });
        return HttpResponse.json(this.issue(false));
      }
      case 'password':
        if (body.get('username') !== 'alice' || body.get('password') !== 'wonderland') {
          return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
        }
        return HttpResponse.json(this.issue(!this.omitRefreshToken));
      default:
        return HttpResponse.json({ error: 'unsupported_grant_type' }, { status: 400 });
    }
  }

  /** Plays the authorization server's part of the code flow: the redirect back for an authorization URL. */
  authorize(url: URL): string {
    const code = mintToken('opaque');
    this.codes.set(code, { challenge: url.searchParams.get('code_challenge') ?? '', redirectUri: url.searchParams.get('redirect_uri') ?? '' });
    const back = new URL(url.searchParams.get('redirect_uri') ?? REDIRECT_URI);
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('state') ?? '');
    back.searchParams.set('iss', ISSUER);
    return back.href;
  }

  handlers(): HttpHandler[] {
    return [
      http.get(`${ISSUER}/.well-known/oauth-authorization-server`, () =>
        HttpResponse.json({
          issuer: ISSUER,
          token_endpoint: TOKEN_ENDPOINT,
          authorization_endpoint: `${ISSUER}/authorize`,
          revocation_endpoint: `${ISSUER}/oauth/revoke`,
          authorization_response_iss_parameter_supported: true,
        }),
      ),
      http.post(TOKEN_ENDPOINT, ({ request }) => this.#token(request)),
      http.post(`${ISSUER}/oauth/revoke`, async ({ request }) => {
        this.revoked.push(new URLSearchParams(await request.text()).get('token') ?? '');
        return new HttpResponse(null, { status: 200 });
      }),
      // RFC 6750 §3.1: a request without usable credentials gets a bare challenge, no error code.
      http.all(`${API}/no-credentials`, () => new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="api"' } })),
      http.all(`${API}/*`, async ({ request }) => {
        const authorization = request.headers.get('authorization');
        this.apiCalls.push({ authorization, dpop: request.headers.get('dpop') });
        const token = authorization?.replace(/^(Bearer|DPoP) /, '') ?? '';
        if (this.apiRejectsAll || !this.accessTokens.has(token)) {
          return new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
        }
        const body = request.method === 'POST' ? await request.text() : undefined;
        return HttpResponse.json({ ok: true, body });
      }),
    ];
  }

  /** Makes the access tokens issued so far unknown to the API (as if they had been revoked or expired there). */
  forgetAccessTokens(): void {
    this.accessTokens.clear();
  }
}

/** One msw server per test file; `use()` installs a fresh issuer's handlers for a test. */
export function mockIssuer(): { use: () => TestIssuer; server: ReturnType<typeof setupServer> } {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return {
    server,
    use: () => {
      const issuer = new TestIssuer();
      server.use(...issuer.handlers());
      return issuer;
    },
  };
}

/** Collects a client's events. */
export function record<T extends { on: (event: never, listener: never) => unknown }>(client: T) {
  const events: { type: string; payload: unknown }[] = [];
  for (const type of ['tokens', 'refresh', 'refresh_error', 'logout', 'storage_error']) {
    (client.on as (e: string, l: (p: unknown) => void) => void)(type, (payload) => events.push({ type, payload }));
  }
  return { events, of: (type: string) => events.filter((e) => e.type === type).map((e) => e.payload) };
}
