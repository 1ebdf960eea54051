/**
 * Key material of the differential suite, from a fixed fixture (so a seed reproduces the same run): TesseraKeys made
 * with plain jose + createKey (a stand-in for the key importers, in the shapes they produce), and the private
 * material the suite signs and encrypts with.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { base64url, importJWK, type JWK } from 'jose';
import type { JweContentAlgorithm, KeyAlgorithm } from '../../src/algorithms.js';
import { createKey } from '../../src/lib/key.js';
import type { TesseraKey } from '../../src/types.js';

interface FixtureKey {
  alg: KeyAlgorithm;
  enc?: JweContentAlgorithm;
  use: 'sig' | 'enc';
  jwk: JWK;
}

/** One key of a set: what verifiers hold and what tokens are made with. */
export interface SuiteKey {
  readonly alg: KeyAlgorithm;
  readonly enc: JweContentAlgorithm | undefined;
  readonly kid: string;
  /** What a verifier holds: the public key or secret (`keys`), the private key or secret (`decryptionKeys`). */
  readonly key: TesseraKey;
  /** The same key without a `kid` (selected for any `kid`), for the multi-candidate context. */
  readonly unnamed: TesseraKey;
  /** Private key (sig), or the raw secret, to mint with node:crypto. */
  readonly secret: Uint8Array | undefined;
  readonly privateKey: KeyObject | undefined;
  /** Public key to encrypt to (RSA-OAEP-256, ECDH-ES*) with jose. */
  readonly publicKey: KeyObject | undefined;
}

/** A key set by the kid every key is named with (`HS256`, `dir-A128GCM`, `ECDH-ES+A128KW`, …). */
export type KeySet = ReadonlyMap<string, SuiteKey>;

/** The kid of the fixture key for `alg` (and `enc` for dir). */
export function kidOf(alg: string, enc?: string): string {
  return enc === undefined ? alg : `${alg}-${enc}`;
}

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/differential-keys.json', import.meta.url), 'utf8'),
) as { sets: Record<'a' | 'b', FixtureKey[]>; ephemeral: Record<string, JWK> };

/**
 * The sender's ephemeral private key per curve (P-256, P-384, P-521, X25519) for ECDH-ES tokens: fixed, so a seed
 * reproduces a token and the `epk` of a base header is known before it is minted (and can be edited).
 */
export const EPHEMERAL: ReadonlyMap<string, KeyObject> = new Map(
  Object.entries(fixture.ephemeral).map(([crv, jwk]) => [crv, createPrivateKey({ key: jwk as never, format: 'jwk' })]),
);

function publicJwkOf(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return pub;
}

async function suiteKey(entry: FixtureKey): Promise<SuiteKey> {
  const kid = kidOf(entry.alg, entry.enc);
  const { alg, enc, use } = entry;
  if (entry.jwk.kty === 'oct') {
    const secret = base64url.decode(entry.jwk.k ?? '');
    const make = (name: string | undefined): TesseraKey => createKey({ kid: name, alg, enc, use, type: 'secret', key: secret });
    return { alg, enc, kid, key: make(kid), unnamed: make(undefined), secret, privateKey: undefined, publicKey: undefined };
  }
  const privateKey = createPrivateKey({ key: entry.jwk as never, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  // Verifiers hold public keys for signatures and private keys for decryption, as the key importers give them.
  const material = use === 'sig'
    ? ((await importJWK(publicJwkOf(entry.jwk), alg)) as CryptoKey)
    : ((await importJWK(entry.jwk, alg)) as CryptoKey);
  const type = use === 'sig' ? 'public' : 'private';
  const make = (name: string | undefined): TesseraKey => createKey({ kid: name, alg, use, type, key: material });
  return { alg, enc, kid, key: make(kid), unnamed: make(undefined), secret: undefined, privateKey, publicKey };
}

/** Loads both fixture sets: `a` (tokens are made with it) and `b` (same kids and algorithms, other material). */
export async function loadKeySets(): Promise<{ a: KeySet; b: KeySet }> {
  const load = async (set: 'a' | 'b'): Promise<KeySet> =>
    new Map((await Promise.all(fixture.sets[set].map(suiteKey))).map((key) => [key.kid, key]));
  const [a, b] = await Promise.all([load('a'), load('b')]);
  return { a, b };
}
