/**
 * The published part of the differential corpus: every compact token of RFC 7520 (JOSE Cookbook) and of Project
 * Wycheproof's JWS/JWE vectors, each in a context holding its own key (imported for the token's `alg` where jose can,
 * else for the key's own `alg`). Whatever the expected verdict, both engines must give the same one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base64url, importJWK, type JWK } from 'jose';
import { isJweContentAlgorithm, isJweKeyAlgorithm, isJwsAlgorithm, type JweContentAlgorithm, type KeyAlgorithm } from '../../src/algorithms.js';
import type { VerificationEngine } from '../../src/lib/engine.js';
import { createKey } from '../../src/lib/key.js';
import type { TesseraKey } from '../../src/types.js';
import { verifierPair, type VerifierPair } from './compare.js';

/** The repository's copy of the shared JOSE vectors (test/vectors). */
export const VECTORS = fileURLToPath(new URL('../../../../test/vectors', import.meta.url));

/** A published token and the context it is verified in. */
export interface VectorCase {
  readonly label: string;
  readonly token: string;
  readonly context: VerifierPair;
}

function headerOf(token: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[0] ?? ''))) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Imports `jwk` as a TesseraKey bound to `alg` (and `enc`), or undefined when jose cannot. */
async function keyFor(jwk: JWK, alg: string, enc: string | undefined): Promise<TesseraKey | undefined> {
  const jws = isJwsAlgorithm(alg);
  if (!jws && !isJweKeyAlgorithm(alg)) return undefined;
  if (alg === 'dir' && !isJweContentAlgorithm(enc)) return undefined;
  const { alg: _a, use: _u, key_ops: _o, ext: _e, kid: _k, ...material } = jwk;
  const usePublic = jws && material.kty !== 'oct';
  const imported = usePublic
    ? (({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub)(material)
    : material;
  try {
    const key = await importJWK(imported, alg === 'dir' ? (enc as string) : alg);
    const type = material.kty === 'oct' ? 'secret' : usePublic ? 'public' : 'private';
    return createKey({
      kid: undefined, alg: alg as KeyAlgorithm, enc: alg === 'dir' ? (enc as JweContentAlgorithm) : undefined,
      use: jws ? 'sig' : 'enc', type, key: key as CryptoKey | Uint8Array,
    });
  } catch {
    return undefined;
  }
}

/** Verifier pairs of one run, by group and algorithm (a run builds each once; another run, with other engines, anew). */
type ContextCache = Map<string, VerifierPair>;

async function contextFor(
  cache: ContextCache, name: string, jwk: JWK, token: string, fallbackAlg: string | undefined, clock: number,
  node: VerificationEngine, jose: VerificationEngine,
): Promise<VerifierPair> {
  const header = headerOf(token);
  const alg = typeof header.alg === 'string' ? header.alg : (fallbackAlg ?? String(jwk.alg));
  const enc = typeof header.enc === 'string' ? header.enc : undefined;
  const key = (await keyFor(jwk, alg, enc)) ?? (jwk.alg === undefined ? undefined : await keyFor(jwk, jwk.alg, enc));
  const cacheKey = `${name}|${alg}|${enc ?? ''}|${key === undefined ? '-' : 'k'}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const base = { currentDate: () => new Date(clock * 1000), requireExp: false };
  let pair: VerifierPair;
  if (key === undefined) {
    // No usable key: a verifier with an unrelated secret, so the policy still answers (key_not_found, alg_not_allowed).
    const filler = createKey({ kid: 'filler', alg: 'HS256', use: 'sig', type: 'secret', key: new Uint8Array(32).fill(7) });
    pair = verifierPair(`${name} (no key)`, { ...base, keys: [filler] }, node, jose);
  } else if (key.use === 'sig') {
    pair = verifierPair(name, { ...base, keys: [key] }, node, jose);
  } else {
    pair = verifierPair(name, { ...base, decryptionKeys: [key] }, node, jose);
  }
  cache.set(cacheKey, pair);
  return pair;
}

interface Rfc7520 {
  input?: { key?: JWK; alg?: string };
  output?: { compact?: string };
  sign?: Rfc7520;
  encrypt?: Rfc7520;
}

/** Every compact RFC 7520 token with its key (nested examples: the inner JWS and the outer JWE). */
export async function rfc7520Cases(node: VerificationEngine, jose: VerificationEngine): Promise<VectorCase[]> {
  const root = join(VECTORS, 'rfc7520');
  const files = [
    ...readdirSync(join(root, 'jws')).map((f) => join(root, 'jws', f)),
    ...readdirSync(join(root, 'jwe')).map((f) => join(root, 'jwe', f)),
    join(root, '6.nesting_signatures_and_encryption.json'),
  ];
  const cases: VectorCase[] = [];
  const cache: ContextCache = new Map();
  for (const file of files) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Rfc7520;
    for (const part of [doc, doc.sign, doc.encrypt]) {
      const token = part?.output?.compact;
      const jwk = part?.input?.key;
      if (token === undefined || jwk === undefined) continue;
      const name = `rfc7520 ${file.slice(root.length + 1)}`;
      // Section 6's inner token expired in 2011: verify it at its own time.
      cases.push({ label: 'rfc7520', token, context: await contextFor(cache, name, jwk, token, part?.input?.alg, 1_300_819_000, node, jose) });
    }
  }
  return cases;
}

interface WycheproofFile {
  testGroups: Array<{ private?: JWK; public?: JWK; tests: Array<{ tcId: number; jws?: unknown; jwe?: unknown }> }>;
}

/** Every compact Wycheproof JWS and JWE test with its group key. */
export async function wycheproofCases(node: VerificationEngine, jose: VerificationEngine): Promise<VectorCase[]> {
  const cases: VectorCase[] = [];
  const cache: ContextCache = new Map();
  for (const [file, member] of [['json_web_signature_test.json', 'jws'], ['json_web_encryption_test.json', 'jwe']] as const) {
    const doc = JSON.parse(readFileSync(join(VECTORS, 'wycheproof', 'testvectors_v1', file), 'utf8')) as WycheproofFile;
    for (const [g, group] of doc.testGroups.entries()) {
      const jwk = member === 'jws' ? (group.public ?? group.private) : group.private;
      if (jwk === undefined) continue;
      for (const test of group.tests) {
        const token = test[member];
        if (typeof token !== 'string') continue;
        const context = await contextFor(cache, `wycheproof ${member} group ${g}`, jwk, token, undefined, 1_700_000_000, node, jose);
        cases.push({ label: `wycheproof ${member}`, token, context });
      }
    }
  }
  return cases;
}
