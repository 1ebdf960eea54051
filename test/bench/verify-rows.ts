// The verify/decrypt rows of `npm run bench`: the same token checked by Tessera core, plain jose, fast-jwt,
// jsonwebtoken and raw node:crypto (signature/ciphertext check + payload parse: the floor no library can go under).
import { createDecipheriv, createHmac, createPublicKey, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as jose from 'jose';
import { createVerifier as fastJwtVerifier } from 'fast-jwt';
import jsonwebtoken from 'jsonwebtoken';
import {
  createTokenVerifier,
  encryptJwe,
  generateKeyPair,
  generateSecret,
  importSecret,
  joseEngine,
  signAndEncrypt,
  signJwt,
  type TesseraKey,
  type VerificationEngine,
} from '@tessera/core';
import { nodeEngine } from '@tessera/core/node';
import type { Contender, Row } from './table.js';

const claims = { sub: 'user-123', iss: 'https://issuer.example', aud: 'api://bench', scope: 'read write' };
const JOSE = 'plain jose';
const RAW = 'raw node:crypto';

function segments(token: string): [string, string, string] {
  const [h, p, s] = token.split('.');
  return [h!, p!, s!];
}

function rawJsonPayload(b64: string): unknown {
  return JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench contender gave a wrong answer: ${what}`);
}

/** Core contenders: one per engine, each a verifier built once (keys prepared at construction). */
function coreContenders(options: Parameters<typeof createTokenVerifier>[0], token: string): Contender[] {
  const engines: [string, VerificationEngine][] = [
    ['tessera core (jose engine)', joseEngine],
    ['tessera core (node engine)', nodeEngine],
  ];
  return engines.map(([name, engine]) => {
    const verifier = createTokenVerifier({ ...options, engine });
    return {
      name,
      run: async () => check((await verifier.verify(token)).payload.sub === 'user-123', name),
    };
  });
}

async function jwsRow(
  alg: 'HS256' | 'ES256' | 'RS256' | 'EdDSA',
  signingKey: TesseraKey,
  verifyKey: TesseraKey,
  rawVerify: (input: Buffer, sig: Buffer) => boolean,
  fastJwtKey: string | Buffer | undefined,
  jwtLibKey: string | Buffer | KeyObject | undefined,
): Promise<Row> {
  const token = await signJwt(claims, signingKey, { expiresIn: 3600 });
  const joseKey = await warmKey(verifyKey.key, { name: 'HMAC', hash: 'SHA-256' });
  const contenders: Contender[] = [
    ...coreContenders({ keys: verifyKey, issuer: claims.iss, audience: claims.aud }, token),
    {
      name: JOSE,
      run: async () => {
        const { payload } = await jose.jwtVerify(token, joseKey, {
          algorithms: [alg],
          issuer: claims.iss,
          audience: claims.aud,
        });
        check(payload.sub === 'user-123', JOSE);
      },
    },
  ];
  if (fastJwtKey !== undefined) {
    const verify = fastJwtVerifier({ key: fastJwtKey, algorithms: [alg], allowedIss: claims.iss, allowedAud: claims.aud });
    contenders.push({ name: 'fast-jwt', run: () => check((verify(token) as { sub: string }).sub === 'user-123', 'fast-jwt') });
  }
  if (jwtLibKey !== undefined) {
    contenders.push({
      name: 'jsonwebtoken',
      run: () => {
        const p = jsonwebtoken.verify(token, jwtLibKey, {
          algorithms: [alg as jsonwebtoken.Algorithm],
          issuer: claims.iss,
          audience: claims.aud,
        }) as { sub: string };
        check(p.sub === 'user-123', 'jsonwebtoken');
      },
    });
  }
  contenders.push({
    name: RAW,
    run: () => {
      const [h, p, s] = segments(token);
      check(rawVerify(Buffer.from(`${h}.${p}`), Buffer.from(s, 'base64url')), RAW);
      check((rawJsonPayload(p) as { sub: string }).sub === 'user-123', RAW);
    },
  });
  return { operation: `verify ${alg}`, contenders, baseline: JOSE, limit: RAW };
}

/** Plain jose gets warm keys too: a secret given as bytes is imported once, as a CryptoKey, like core does. */
async function warmKey(key: CryptoKey | Uint8Array, algorithm: HmacImportParams | AesKeyAlgorithm): Promise<CryptoKey> {
  if (!(key instanceof Uint8Array)) return key;
  const usages: KeyUsage[] = algorithm.name === 'HMAC' ? ['verify'] : ['decrypt'];
  return crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, algorithm, false, usages);
}

function publicKeyObject(jwk: jose.JWK): KeyObject {
  return createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
}

/** Builds every verify/decrypt row. */
export async function verifyRows(): Promise<Row[]> {
  const rows: Row[] = [];

  // HS256
  const secret = generateSecret('HS256', { format: 'base64' });
  const hsKey = await importSecret(secret, { alg: 'HS256', encoding: 'base64' });
  const hsBytes = Buffer.from(secret, 'base64');
  rows.push(
    await jwsRow(
      'HS256',
      hsKey,
      hsKey,
      (input, sig) => {
        const mac = createHmac('sha256', hsBytes).update(input).digest();
        return mac.length === sig.length && timingSafeEqual(mac, sig);
      },
      hsBytes,
      hsBytes,
    ),
  );

  // Asymmetric JWS
  for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
    const pair = await generateKeyPair(alg);
    const pub = publicKeyObject(pair.publicJwk);
    const rawVerify =
      alg === 'ES256'
        ? (input: Buffer, sig: Buffer) => cryptoVerify('sha256', input, { key: pub, dsaEncoding: 'ieee-p1363' }, sig)
        : alg === 'RS256'
          ? (input: Buffer, sig: Buffer) => cryptoVerify('sha256', input, pub, sig)
          : (input: Buffer, sig: Buffer) => cryptoVerify(null, input, pub, sig);
    // fast-jwt and jsonwebtoken take PEM; jsonwebtoken has no EdDSA support.
    rows.push(await jwsRow(alg, pair.privateKey, pair.publicKey, rawVerify, pair.publicPem, alg === 'EdDSA' ? undefined : pair.publicPem));
  }

  // dir + A256GCM decrypt (claims encrypted directly: the JWE service's "encrypt payload" form)
  const encSecret = generateSecret('A256GCM', { format: 'base64' });
  const dirKey = await importSecret(encSecret, { alg: 'dir', enc: 'A256GCM' });
  const encBytes = Buffer.from(encSecret, 'base64');
  const jwe = await encryptJwe({ ...claims, exp: Math.floor(Date.now() / 1000) + 3600 }, dirKey, { enc: 'A256GCM' });
  const [eh, , eiv, ect, etag] = jwe.split('.');
  const joseDirKey = await warmKey(encBytes, { name: 'AES-GCM', length: 256 });
  rows.push({
    operation: 'decrypt dir+A256GCM',
    baseline: JOSE,
    limit: RAW,
    contenders: [
      ...coreContenders({ decryptionKeys: dirKey, issuer: claims.iss, audience: claims.aud }, jwe),
      {
        name: JOSE,
        run: async () => {
          const { payload } = await jose.jwtDecrypt(jwe, joseDirKey, {
            keyManagementAlgorithms: ['dir'],
            contentEncryptionAlgorithms: ['A256GCM'],
            issuer: claims.iss,
            audience: claims.aud,
          });
          check(payload.sub === 'user-123', JOSE);
        },
      },
      {
        name: RAW,
        run: () => {
          const d = createDecipheriv('aes-256-gcm', encBytes, Buffer.from(eiv!, 'base64url'));
          d.setAAD(Buffer.from(eh!, 'ascii'));
          d.setAuthTag(Buffer.from(etag!, 'base64url'));
          const pt = Buffer.concat([d.update(Buffer.from(ect!, 'base64url')), d.final()]);
          check((JSON.parse(pt.toString('utf8')) as { sub: string }).sub === 'user-123', RAW);
        },
      },
    ],
  });

  // nested ES256-in-ECDH-ES+A256KW (the Go issuer's format); no raw row: the outer layer is key agreement on jose
  const sig = await generateKeyPair('ES256');
  const enc = await generateKeyPair('ECDH-ES+A256KW');
  const nested = await signAndEncrypt(claims, {
    signingKey: sig.privateKey,
    encryptionKey: enc.publicKey,
    enc: 'A256GCM',
    expiresIn: 3600,
  });
  rows.push({
    operation: 'decrypt+verify nested ES256 in ECDH-ES+A256KW',
    baseline: JOSE,
    contenders: [
      ...coreContenders(
        { keys: sig.publicKey, decryptionKeys: enc.privateKey, issuer: claims.iss, audience: claims.aud },
        nested,
      ),
      {
        name: JOSE,
        run: async () => {
          const { plaintext } = await jose.compactDecrypt(nested, enc.privateKey.key, {
            keyManagementAlgorithms: ['ECDH-ES+A256KW'],
            contentEncryptionAlgorithms: ['A256GCM'],
          });
          const { payload } = await jose.jwtVerify(new TextDecoder().decode(plaintext), sig.publicKey.key, {
            algorithms: ['ES256'],
            issuer: claims.iss,
            audience: claims.aud,
          });
          check(payload.sub === 'user-123', JOSE);
        },
      },
    ],
  });

  return rows;
}
