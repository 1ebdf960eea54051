import { createTokenClient, type TokenClientOptions } from '@tessera/client';
import { describe, expect, it } from 'vitest';

const base: TokenClientOptions = { issuer: 'https://issuer.example', clientId: 'spa' };

describe('createTokenClient options', () => {
  it.each<[string, Partial<TokenClientOptions> | Record<string, unknown>, string]>([
    ['no clientId', { clientId: '' }, 'createTokenClient: "clientId" must be a non-empty string'],
    ['neither issuer nor endpoints', { issuer: undefined }, 'createTokenClient: "issuer" must be given, or "endpoints" instead (not both)'],
    ['both issuer and endpoints', { endpoints: { token: 'https://issuer.example/token' } }, 'createTokenClient: "issuer" must be given, or "endpoints" instead (not both)'],
    ['a relative issuer', { issuer: '/issuer' }, 'createTokenClient: "issuer" must be an absolute URL'],
    ['an http issuer', { issuer: 'http://issuer.example' }, 'createTokenClient: "issuer" must be an https: URL (http: only with allowInsecureRequests)'],
    ['an http token endpoint', { issuer: undefined, endpoints: { token: 'http://issuer.example/token' } }, 'createTokenClient: "endpoints.token" must be an https: URL (http: only with allowInsecureRequests)'],
    ['an unknown storage', { storage: 'cookies' }, `createTokenClient: "storage" must be 'memory', 'localStorage', 'sessionStorage' or an adapter with get, set and remove`],
    ['a negative refreshSkew', { refreshSkew: -1 }, 'createTokenClient: "refreshSkew" must be a number of seconds ≥ 0'],
    ['a zero timeout', { timeout: 0 }, 'createTokenClient: "timeout" must be a number of seconds ≥ 0.001'],
    ['an empty client secret', { clientAuth: { secret: '' } }, 'createTokenClient: "clientAuth.secret" must be a non-empty string'],
    ['an unknown client auth method', { clientAuth: { secret: 's', method: 'private_key_jwt' } }, `createTokenClient: "clientAuth.method" must be 'client_secret_basic' or 'client_secret_post'`],
    ['a fractional rate limit', { refreshRateLimit: { max: 1.5, windowSeconds: 60 } }, 'createTokenClient: "refreshRateLimit.max" must be an integer ≥ 1'],
    ['an unknown discovery', { discovery: 'saml' }, `createTokenClient: "discovery" must be 'oauth2' or 'oidc'`],
  ])('rejects %s at construction, naming the option', (_name, change, message) => {
    expect(() => createTokenClient({ ...base, ...change } as TokenClientOptions)).toThrow(
      expect.objectContaining({ code: 'invalid_argument', name: 'TesseraArgumentError', message }),
    );
  });

  it('accepts http: URLs with allowInsecureRequests (local development)', () => {
    const client = createTokenClient({ issuer: 'http://127.0.0.1:8080', clientId: 'spa', allowInsecureRequests: true });
    client.close();
  });
});
