import { createHmac, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { generateKeyPair, generateSecret, signAndEncrypt, type GeneratedKeyPair } from '@tessera/core';

export const ISSUER = 'https://issuer.bench';
export const AUDIENCE = 'api://bench';

/** Everything the benchmark servers need, and what the load generator signs with. */
export interface BenchKeys {
  secret: string;
  es256: GeneratedKeyPair;
  es256Private: KeyObject;
  enc: GeneratedKeyPair;
  config: { secret: string; es256Jwk: object; es256Pem: string; encPrivateJwk: object; issuer: string; audience: string };
}

export async function benchKeys(): Promise<BenchKeys> {
  const secret = generateSecret('HS256', { format: 'base64url' });
  const es256 = await generateKeyPair('ES256', { kid: 'bench-es256' });
  const enc = await generateKeyPair('ECDH-ES+A256KW', { kid: 'bench-enc' });
  return {
    secret,
    es256,
    es256Private: createPrivateKey({ key: es256.privateJwk as never, format: 'jwk' }),
    enc,
    config: { secret, es256Jwk: es256.publicJwk, es256Pem: es256.publicPem, encPrivateJwk: enc.privateJwk, issuer: ISSUER, audience: AUDIENCE },
  };
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function claims(): string {
  const now = Math.floor(Date.now() / 1000);
  return b64(JSON.stringify({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600, jti: randomUUID(), scope: 'orders:read orders:write' }));
}

/**
 * `count` distinct access tokens, signed with node:crypto directly (the fastest way to mint tens of thousands; the
 * result is an ordinary compact JWS that jose, express-jwt and Tessera all accept).
 */
export function mintMany(keys: BenchKeys, alg: 'HS256' | 'ES256', count: number): string[] {
  const header = b64(JSON.stringify(alg === 'HS256' ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid: keys.es256.kid }));
  const secret = Buffer.from(keys.secret);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const input = `${header}.${claims()}`;
    const signature = alg === 'HS256'
      ? createHmac('sha256', secret).update(input).digest('base64url')
      : sign('sha256', Buffer.from(input), { key: keys.es256Private, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    tokens.push(`${input}.${signature}`);
  }
  return tokens;
}

/** A nested token (ES256 inside ECDH-ES+A256KW / A256GCM, `cty: JWT`), as the Go reference issuer writes them. */
export async function nestedToken(keys: BenchKeys): Promise<string> {
  return signAndEncrypt({ scope: 'orders:read' }, {
    signingKey: keys.es256.privateKey, encryptionKey: keys.enc.publicKey, subject: 'user-1', issuer: ISSUER, audience: AUDIENCE, expiresIn: 3600,
  });
}
