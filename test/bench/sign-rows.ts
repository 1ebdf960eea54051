// The sign rows of `npm run bench`: JWTs (the same claims, `iat`, `exp`, a fresh `jti`) signed by Tessera core on each
// engine, plain jose, fast-jwt, jsonwebtoken and raw node:crypto (encode + sign, synchronously: the limit), BATCH at
// a time as an issuer under load signs them: the contenders that sign asynchronously on the thread pool (Tessera's
// asymmetric signatures on either engine, jose) have BATCH in flight, the synchronous ones sign BATCH in a row.
import { createHmac, createPrivateKey, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto';
import * as jose from 'jose';
import { createSigner } from 'fast-jwt';
import jsonwebtoken from 'jsonwebtoken';
import { generateKeyPair, generateSecret, importSecret, signJwt, type TesseraKey } from '@tessera/core';
import type { Contender, Row } from './table.js';
import { JOSE, RAW, claims } from './verify-rows.js';
// What Node resolves `@tessera/core` to (its `node` export condition): the entry that installs the node:crypto engine
// as the default. The bench runs on tsx, whose tsconfig `paths` map the bare name to the isomorphic entry instead.
import '../../packages/core/src/index.node.js';

const ENGINE_ENV_VAR = 'TESSERA_ENGINE';
const BATCH = 8;

/** Runs `sign` BATCH times, all started at once, and checks every token. */
async function batch(sign: () => unknown, what: string): Promise<void> {
  for (const token of await Promise.all(Array.from({ length: BATCH }, sign))) check(token, what);
}

/** Runs a synchronous `sign` BATCH times in a row, checking every token. */
function inARow(sign: () => unknown, what: string): void {
  for (let i = 0; i < BATCH; i++) check(sign(), what);
}

type SignAlg = 'HS256' | 'ES256' | 'RS256' | 'EdDSA';

function check(token: unknown, what: string): void {
  if (typeof token !== 'string' || token.split('.').length !== 3) throw new Error(`bench contender gave a wrong answer: ${what}`);
}

/**
 * signJwt on one engine. The engine is read from `TESSERA_ENGINE` synchronously when signJwt starts signing, so the
 * variable is set for the call and restored before its promise is awaited.
 */
function coreContender(name: string, engine: 'node' | 'jose', key: TesseraKey): Contender {
  return {
    name,
    run: () => batch(() => {
      const before = process.env[ENGINE_ENV_VAR];
      process.env[ENGINE_ENV_VAR] = engine;
      const signed = signJwt(claims, key, { expiresIn: 3600, jti: true, typ: 'at+jwt' });
      if (before === undefined) delete process.env[ENGINE_ENV_VAR];
      else process.env[ENGINE_ENV_VAR] = before;
      return signed;
    }, name),
  };
}

function rawSigner(alg: SignAlg, key: KeyObject | Buffer): (input: Buffer) => Buffer {
  if (alg === 'HS256') return (input) => createHmac('sha256', key).update(input).digest();
  if (alg === 'ES256') return (input) => cryptoSign('sha256', input, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  return (input) => cryptoSign(alg === 'RS256' ? 'sha256' : null, input, key as KeyObject);
}

function signRow(alg: SignAlg, key: TesseraKey, joseKey: CryptoKey | Uint8Array, pemOrSecret: string | Buffer): Row {
  const raw = rawSigner(alg, typeof pemOrSecret === 'string' ? createPrivateKey(pemOrSecret) : pemOrSecret);
  const header = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt' })).toString('base64url');
  const contenders: Contender[] = [
    coreContender('tessera core (node engine)', 'node', key),
    coreContender('tessera core (jose engine)', 'jose', key),
    {
      name: JOSE,
      run: () => batch(() => new jose.SignJWT(claims).setProtectedHeader({ alg, typ: 'at+jwt' }).setIssuedAt()
        .setExpirationTime('1h').setJti(randomBytes(16).toString('base64url')).sign(joseKey), JOSE),
    },
  ];
  // fast-jwt and jsonwebtoken take PEM (or the secret); jsonwebtoken has no EdDSA.
  const fastSign = createSigner({ key: pemOrSecret, algorithm: alg, expiresIn: 3_600_000, jti: undefined });
  contenders.push({ name: 'fast-jwt', run: () => inARow(() => fastSign({ ...claims, jti: randomBytes(16).toString('base64url') }), 'fast-jwt') });
  if (alg !== 'EdDSA') {
    contenders.push({
      name: 'jsonwebtoken',
      run: () => inARow(() => jsonwebtoken.sign(claims, pemOrSecret,
        { algorithm: alg, expiresIn: 3600, jwtid: randomBytes(16).toString('base64url') }), 'jsonwebtoken'),
    });
  }
  contenders.push({
    name: RAW,
    run: () => inARow(() => {
      const iat = Math.floor(Date.now() / 1000);
      const payload = Buffer.from(JSON.stringify({ ...claims, exp: iat + 3600, iat, jti: randomBytes(16).toString('base64url') })).toString('base64url');
      const input = `${header}.${payload}`;
      return `${input}.${raw(Buffer.from(input)).toString('base64url')}`;
    }, RAW),
  });
  return { operation: `sign ${alg} (${BATCH} at a time)`, contenders, baseline: JOSE, limit: RAW, opsPerRun: BATCH };
}

/** Builds every sign row. */
export async function signRows(): Promise<Row[]> {
  const secret = generateSecret('HS256', { format: 'base64' });
  const hsKey = await importSecret(secret, { alg: 'HS256', encoding: 'base64' });
  const hsBytes = Buffer.from(secret, 'base64');
  const joseSecret = await crypto.subtle.importKey('raw', hsBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const rows = [signRow('HS256', hsKey, joseSecret, hsBytes)];
  for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
    const pair = await generateKeyPair(alg);
    rows.push(signRow(alg, pair.privateKey, pair.privateKey.key, pair.privatePem));
  }
  return rows;
}
