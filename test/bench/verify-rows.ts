// The verify/decrypt rows of `npm run bench`: the same token checked by Tessera core, plain jose, fast-jwt,
// jsonwebtoken and raw node:crypto (signature/ciphertext check + payload parse: the floor no library can go under).
import {
  constants,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  privateDecrypt,
  timingSafeEqual,
  verify as cryptoVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import * as jose from 'jose';
import { createVerifier as fastJwtVerifier } from 'fast-jwt';
import jsonwebtoken from 'jsonwebtoken';
import {
  createJweDecrypter,
  createTokenVerifier,
  encryptJwe,
  generateKeyPair,
  generateSecret,
  importSecret,
  joseEngine,
  signAndEncrypt,
  signJwt,
  type GeneratedKeyPair,
  type TesseraKey,
  type VerificationEngine,
} from '@tessera/core';
import { nodeEngine } from '@tessera/core/node';
import type { Contender, Row } from './table.js';

/** The claims every core bench token carries, and the names of the baseline and limit contenders. */
export const claims = { sub: 'user-123', iss: 'https://issuer.example', aud: 'api://bench', scope: 'read write' };
export const JOSE = 'plain jose';
export const RAW = 'raw node:crypto';

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

  // The Go issuer's formats: ES256 inside ECDH-ES+A256KW or RSA-OAEP-256, A256GCM; and the JWE layer alone.
  const sig = await generateKeyPair('ES256');
  const ecdh = await generateKeyPair('ECDH-ES+A256KW');
  const rsa = await generateKeyPair('RSA-OAEP-256');
  rows.push(await nestedRow(sig, ecdh), await nestedRow(sig, rsa), await jweRow(ecdh));

  return rows;
}

/**
 * The JWE layer done by hand with node:crypto and keys prepared once — the limit a library can approach: split the
 * token, read the `epk` (ECDH-ES+A256KW: Z from the sender's point, Concat KDF, AES key unwrap) or RSA-OAEP-256
 * decrypt the content key, then AES-256-GCM with the header as AAD. No policy, no checks beyond the primitives'.
 */
function rawJweOpener(pair: GeneratedKeyPair): (token: string) => Buffer {
  const jwk = pair.privateJwk;
  if (pair.alg === 'RSA-OAEP-256') {
    const key = createPrivateKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    return (token) => {
      const [h, ek, iv, ct, tag] = token.split('.') as [string, string, string, string, string];
      const cek = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(ek, 'base64url'));
      return gcmOpen(cek, h, iv, ct, tag);
    };
  }
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(jwk.d as string, 'base64url'));
  const algId = Buffer.from('ECDH-ES+A256KW');
  const len = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const otherInfo = Buffer.concat([len(algId.length), algId, len(0), len(0), len(256)]);
  const counter = len(1);
  const a6 = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');
  return (token) => {
    const [h, ek, iv, ct, tag] = token.split('.') as [string, string, string, string, string];
    const { epk } = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { epk: { x: string; y: string } };
    const z = ecdh.computeSecret(Buffer.concat([Buffer.of(4), Buffer.from(epk.x, 'base64url'), Buffer.from(epk.y, 'base64url')]));
    const kek = createHash('sha256').update(counter).update(z).update(otherInfo).digest();
    const cek = createDecipheriv('id-aes256-wrap', kek, a6).update(Buffer.from(ek, 'base64url'));
    return gcmOpen(cek, h, iv, ct, tag);
  };
}

function gcmOpen(cek: Buffer, h: string, iv: string, ct: string, tag: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', cek, Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(h, 'ascii'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]);
}

/** Decrypt + verify of a nested ES256 token (the Go issuer's format) under `enc`'s key management. */
async function nestedRow(sig: GeneratedKeyPair, enc: GeneratedKeyPair): Promise<Row> {
  const token = await signAndEncrypt(claims, { signingKey: sig.privateKey, encryptionKey: enc.publicKey, enc: 'A256GCM', expiresIn: 3600 });
  const open = rawJweOpener(enc);
  const verifyKey = publicKeyObject(sig.publicJwk);
  const verifyOptions = { key: verifyKey, dsaEncoding: 'ieee-p1363' as const };
  return {
    operation: `decrypt+verify nested ES256 in ${enc.alg}`,
    baseline: JOSE,
    limit: RAW,
    contenders: [
      ...coreContenders({ keys: sig.publicKey, decryptionKeys: enc.privateKey, issuer: claims.iss, audience: claims.aud }, token),
      {
        name: JOSE,
        run: async () => {
          const { plaintext } = await jose.compactDecrypt(token, enc.privateKey.key as CryptoKey, {
            keyManagementAlgorithms: [enc.alg],
            contentEncryptionAlgorithms: ['A256GCM'],
          });
          const { payload } = await jose.jwtVerify(new TextDecoder().decode(plaintext), sig.publicKey.key as CryptoKey, {
            algorithms: ['ES256'],
            issuer: claims.iss,
            audience: claims.aud,
          });
          check(payload.sub === 'user-123', JOSE);
        },
      },
      {
        name: RAW,
        run: () => {
          const [h, p, s] = segments(open(token).toString('latin1'));
          check(cryptoVerify('sha256', Buffer.from(`${h}.${p}`), verifyOptions, Buffer.from(s, 'base64url')), RAW);
          check((rawJsonPayload(p) as { sub: string }).sub === 'user-123', RAW);
        },
      },
    ],
  };
}

/** Decrypting the JWE layer alone (a raw decrypter, no inner signature), under ECDH-ES+A256KW. */
async function jweRow(enc: GeneratedKeyPair): Promise<Row> {
  const token = await encryptJwe(claims, enc.publicKey, { enc: 'A256GCM' });
  const open = rawJweOpener(enc);
  const engines: [string, VerificationEngine][] = [
    ['tessera core (jose engine)', joseEngine],
    ['tessera core (node engine)', nodeEngine],
  ];
  return {
    operation: `decrypt ${enc.alg}`,
    baseline: JOSE,
    limit: RAW,
    contenders: [
      ...engines.map(([name, engine]): Contender => {
        const decrypter = createJweDecrypter({ decryptionKeys: enc.privateKey, engine });
        return { name, run: async () => check((await decrypter.decrypt(token)).plaintext.length > 0, name) };
      }),
      {
        name: JOSE,
        run: async () => {
          const { plaintext } = await jose.compactDecrypt(token, enc.privateKey.key as CryptoKey, {
            keyManagementAlgorithms: [enc.alg],
            contentEncryptionAlgorithms: ['A256GCM'],
          });
          check(plaintext.length > 0, JOSE);
        },
      },
      { name: RAW, run: () => check(open(token).length > 0, RAW) },
    ],
  };
}
