/**
 * The one place verifier tests make keys, tokens and DPoP proofs. Tokens are issued with @tessera/core (as an
 * issuer would), proofs with jose's SignJWT (as a client would), or hand-built where a test needs a proof no client
 * library would write.
 */
import { generateKeyPair, importSecret, signJwt, type GeneratedKeyPair, type JwtClaims, type SignJwtOptions, type TesseraKey } from '@tessera/core';
import { SignJWT, base64url, calculateJwkThumbprint, exportJWK, generateKeyPair as joseKeyPair, type JWK } from 'jose';
import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';

export const ISSUER = 'https://issuer.example';
export const AUDIENCE = 'api://orders';
export const SECRET = 'a-secret-of-at-least-32-bytes-for-HS256!';

let es256: Promise<GeneratedKeyPair> | undefined;
/** One ES256 issuer key pair shared by a test file. */
export function issuerKeys(): Promise<GeneratedKeyPair> {
  es256 ??= generateKeyPair('ES256', { kid: 'issuer-key-1' });
  return es256;
}

export function hmacKey(): Promise<TesseraKey> {
  return importSecret(SECRET, { alg: 'HS256' });
}

/** An access token signed with `key`, valid for 10 minutes by default. */
export async function mintToken(key: TesseraKey, claims: JwtClaims = {}, options: SignJwtOptions = {}): Promise<string> {
  return signJwt({ scope: 'orders:read', ...claims }, key, { subject: 'user-1', issuer: ISSUER, audience: AUDIENCE, expiresIn: 600, ...options });
}

/** A client's DPoP key pair (extractable, so tests can put its public JWK in proofs). */
export async function dpopKey(alg: 'ES256' | 'EdDSA' | 'RS256' | 'PS256' = 'ES256') {
  const pair = await joseKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  const jwk = await exportJWK(pair.publicKey);
  const privateJwk = await exportJWK(pair.privateKey);
  return { ...pair, alg, jwk, privateJwk, jkt: await calculateJwkThumbprint(jwk) };
}

export type DpopKey = Awaited<ReturnType<typeof dpopKey>>;

/** ath = base64url(SHA-256(token)). */
export function ath(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A DPoP proof; every field can be overridden (or removed with `undefined`) to build a bad one. */
export async function proof(
  key: DpopKey,
  request: { method: string; url: string; token?: string },
  overrides: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    htm: request.method,
    htu: request.url,
    iat: Math.floor(Date.now() / 1000),
    ...(request.token === undefined ? {} : { ath: ath(request.token) }),
    ...overrides.claims,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  const header = { alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...overrides.header } as Record<string, unknown>;
  for (const [k, v] of Object.entries(header)) if (v === undefined) delete header[k];
  return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}

/** A JWS with exactly this header and payload, signed with `key` over the given text (for malformed proofs). */
export async function rawJws(header: object, payload: object, key: CryptoKey, alg: { name: string; hash?: string; namedCurve?: string } = { name: 'ECDSA', hash: 'SHA-256' }): Promise<string> {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
  const signature = await crypto.subtle.sign(alg, key, new TextEncoder().encode(input));
  return `${input}.${base64url.encode(new Uint8Array(signature))}`;
}

/** Awaits a rejection and checks its code and message. */
export async function expectAuthError(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<Error & Record<string, unknown>> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a rejection with ${code}`).toBeInstanceOf(Error);
  const err = caught as Error & Record<string, unknown>;
  expect(err.code).toBe(code);
  if (message !== undefined) expect(err.message).toMatch(message);
  return err;
}

export type { JWK };
