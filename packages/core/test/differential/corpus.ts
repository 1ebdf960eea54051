/**
 * The generated part of the differential corpus: verifier contexts over the fixture keys, and base tokens for every
 * algorithm Tessera verifies (JWS for each `alg`; `dir` JWE for each `enc`, plain, compressed and nested; nested JWE
 * under every other key management — RSA-OAEP*, ECDH-ES* on each curve, A*KW, A*GCMKW — and, under the shared keys,
 * claims directly and compressed), plus the tokens the compatibility settings read (compat.ts). Each base keeps the
 * means to re-sign (re-seal) an edited header or payload, so mutations also reach the code behind the signature or
 * the key management.
 */
import { JWE_CONTENT_ALGORITHMS, JWS_ALGORITHMS, type JweContentAlgorithm } from '../../src/algorithms.js';
import type { VerificationEngine } from '../../src/lib/engine.js';
import type { TesseraKey } from '../../src/types.js';
import type { VerifyOptions } from '../../src/verify/verify-options.js';
import { compatBases, ALL_COMPAT, loadWeakKeys, weakVerifiers } from './compat.js';
import { verifierPair, type VerifierPair } from './compare.js';
import { kidOf, loadKeySets, type KeySet, type SuiteKey } from './keys.js';
import { encryptDirRaw, encryptRaw, ephemeralJwk, signRaw, type Part } from './mint.js';
import type { Rng } from './rng.js';

/** The fixed "now" of every context: 2023-11-14T22:13:20Z. */
export const NOW = 1_700_000_000;

/** A token to mutate, the context it verifies in, and how to make another one like it. */
export interface Base {
  readonly label: string;
  readonly token: string;
  readonly context: VerifierPair;
  /** Cost class: mutations are spread so that slow algorithms do not dominate the run time. */
  readonly weight: number;
  /** Signs (or encrypts) new header and payload bytes the way this base was made. */
  readonly remint?: (header: Part, payload: Part, rng: Rng) => string;
  /** Header and payload this base was made from (objects), for edits. */
  readonly header: Record<string, unknown>;
  readonly payload: Part;
  /** For a nested base: the inner JWS as a base of its own (re-wrapped by {@link Base.remint}). */
  readonly inner?: Base;
}

/** The verifier contexts the generated corpus runs in. */
export interface Contexts {
  /** Every fixture key of set `a` with its kid; `crit` extension `urn:example:ext` understood; small inflate cap. */
  readonly main: VerifierPair;
  /** Like main, plus issuer, audience, typ, required jti, max age and requireSignedJwe. */
  readonly strict: VerifierPair;
  /** Set `b`: the same kids and algorithms, other key material (every token is under a wrong key). */
  readonly wrongKey: VerifierPair;
  /** Unnamed keys of set `b` then set `a`: every token has two candidates, the wrong one first. */
  readonly candidates: VerifierPair;
  /** Like main, with every compatibility setting on and the verify-only weak keys added (see compat.ts). */
  readonly compat: VerifierPair;
}

/** The claims of a typical access token at {@link NOW}. */
export function claimsAt(n: number): Record<string, unknown> {
  return {
    iss: 'https://issuer.example', sub: `user-${n}`, aud: 'api', exp: NOW + 3600, nbf: NOW - 60, iat: NOW - 60,
    jti: `jti-${n}`, scope: 'read write',
  };
}

const sigKeys = (set: KeySet, pick: (k: SuiteKey) => TesseraKey): TesseraKey[] =>
  [...set.values()].filter((k) => k.key.use === 'sig').map(pick);
const encKeys = (set: KeySet, pick: (k: SuiteKey) => TesseraKey): TesseraKey[] =>
  [...set.values()].filter((k) => k.key.use === 'enc').map(pick);

/** Builds the contexts over both key sets (and the weak keys of the compat context). */
export function buildContexts(a: KeySet, b: KeySet, node: VerificationEngine, jose: VerificationEngine,
  weak: readonly SuiteKey[] = []): Contexts {
  const base: VerifyOptions = {
    currentDate: () => new Date(NOW * 1000),
    critical: ['urn:example:ext'],
    maxInflatedSize: 4096,
  };
  const named = (set: KeySet): VerifyOptions => ({ ...base, keys: sigKeys(set, (k) => k.key), decryptionKeys: encKeys(set, (k) => k.key) });
  return {
    main: verifierPair('main', named(a), node, jose),
    strict: verifierPair('strict', {
      ...named(a), issuer: 'https://issuer.example', audience: 'api', typ: 'at+jwt', requiredClaims: ['jti'],
      maxTokenAge: '2h', requireSignedJwe: true,
    }, node, jose),
    wrongKey: verifierPair('wrong-key', named(b), node, jose),
    candidates: verifierPair('candidates', {
      ...base,
      keys: [...sigKeys(b, (k) => k.unnamed), ...sigKeys(a, (k) => k.unnamed)],
      decryptionKeys: [...encKeys(b, (k) => k.unnamed), ...encKeys(a, (k) => k.unnamed)],
    }, node, jose),
    compat: verifierPair('compat', {
      ...named(a), keys: [...sigKeys(a, (k) => k.key), ...weakVerifiers(weak)], compat: ALL_COMPAT,
    }, node, jose),
  };
}

/** Relative cost of one verification per JWS alg (P-521 and RSA are the slow ones). */
function weightOf(alg: string): number {
  if (alg === 'ES512' || alg === 'ES384') return 1;
  if (alg.startsWith('RS') || alg.startsWith('PS') || alg === 'ES256') return 3;
  return 10;
}

function jwsBase(key: SuiteKey, context: VerifierPair, header: Record<string, unknown>, payload: Part, label: string): Base {
  return {
    label, context, header, payload, weight: weightOf(key.alg),
    token: signRaw(key, header, payload),
    remint: (h, p) => signRaw(key, h, p),
  };
}

/** Builds every generated base token in the main context. */
export async function generatedBases(a: KeySet, contexts: Contexts, rng: Rng): Promise<Base[]> {
  const bases: Base[] = [];
  const { main } = contexts;
  const key = (kid: string): SuiteKey => a.get(kid) as SuiteKey;
  let n = 0;
  for (const alg of JWS_ALGORITHMS) {
    bases.push(jwsBase(key(alg), main, { alg, kid: alg, typ: 'at+jwt' }, claimsAt(n++), `jws ${alg}`));
    bases.push(jwsBase(key(alg), main, { alg }, claimsAt(n++), `jws ${alg} no kid`));
  }
  const inners = JWS_ALGORITHMS.map((alg) => jwsBase(key(alg), main, { alg, kid: alg, typ: 'at+jwt' }, claimsAt(n++), `inner ${alg}`));
  JWE_CONTENT_ALGORITHMS.forEach((enc: JweContentAlgorithm, i) => {
    const dir = key(kidOf('dir', enc));
    const remint = (h: Part, p: Part, r: Rng): string => encryptDirRaw(dir, h, p, r.bytes(16));
    const zipped = (h: Part, p: Part, r: Rng): string => encryptDirRaw(dir, h, p, r.bytes(16), true);
    const kid = dir.kid;
    const plain = { alg: 'dir', enc, kid, typ: 'at+jwt' };
    const zip = { alg: 'dir', enc, kid, zip: 'DEF' };
    const nested = { alg: 'dir', enc, kid, cty: 'JWT' };
    const claims = claimsAt(n++);
    const big = { ...claimsAt(n++), filler: 'abc'.repeat(300) };
    const inner = inners[(i * 5) % inners.length] as Base;
    bases.push({ label: `dir ${enc}`, context: main, header: plain, payload: claims, weight: 10, token: remint(plain, claims, rng), remint });
    bases.push({ label: `dir ${enc} zip`, context: main, header: zip, payload: big, weight: 10, token: zipped(zip, big, rng), remint: zipped });
    bases.push({
      label: `dir ${enc} nested ${inner.header.alg as string}`, context: main, header: nested, payload: inner.token, inner,
      weight: Math.min(10, inner.weight), token: remint(nested, inner.token, rng), remint,
    });
  });
  // Every other key management, nested (an inner JWS of another alg each time) and, under a shared key, with claims
  // directly or compressed; reminted (so edited headers and payloads are sealed again) except RSA-OAEP*, whose
  // padding is random. ECDH-ES headers carry their `epk` (a fixed ephemeral key per curve), some `apu`/`apv` too, so
  // edits reach them.
  const managed: readonly (readonly [string, JweContentAlgorithm, Record<string, unknown>])[] = [
    ['RSA-OAEP', 'A128GCM', {}], ['RSA-OAEP-256', 'A256GCM', {}], ['RSA-OAEP-256', 'A192CBC-HS384', {}],
    ['RSA-OAEP-384', 'A256CBC-HS512', {}], ['RSA-OAEP-512', 'A192GCM', {}],
    ['ECDH-ES', 'A128CBC-HS256', {}], ['ECDH-ES', 'A256GCM', { apu: 'QWxpY2U', apv: 'Qm9i' }],
    ['ECDH-ES+A128KW', 'A128GCM', {}], ['ECDH-ES+A192KW', 'A256CBC-HS512', { apv: 'Qm9i' }],
    ['ECDH-ES+A256KW', 'A256GCM', {}], ['ECDH-ES+A256KW', 'A192CBC-HS384', { apu: 'QWxpY2U' }],
    ['A128KW', 'A128GCM', {}], ['A192KW', 'A192CBC-HS384', {}], ['A256KW', 'A256GCM', {}],
    ['A128GCMKW', 'A128CBC-HS256', {}], ['A192GCMKW', 'A192GCM', {}], ['A256GCMKW', 'A256CBC-HS512', {}],
  ];
  for (const [i, [alg, enc, extra]] of managed.entries()) {
    const k = key(alg);
    const random = alg.startsWith('RSA');
    const weight = random || alg.startsWith('ECDH') ? 1 : 2;
    const withEpk = alg.startsWith('ECDH') ? { epk: ephemeralJwk(k) } : {};
    const mint = (h: Part, p: Part, r: Rng, zip = false, respell = false): string => encryptRaw(k, h, p, r, enc, zip, respell);
    const remint = random ? undefined : (h: Part, p: Part, r: Rng): string => mint(h, p, r, false, true);
    const inner = inners[(i * 3 + enc.length) % inners.length] as Base;
    const nested = { alg, enc, kid: alg, cty: 'JWT', ...extra, ...withEpk };
    bases.push({
      label: `${alg} ${enc} nested ${inner.header.alg as string}`, context: main, header: nested, payload: inner.token,
      weight, token: mint(nested, inner.token, rng), ...(remint === undefined ? {} : { remint, inner }),
    });
    if (!/^A\d+(GCM)?KW$/.test(alg)) continue;
    // Under a shared key, claims directly: plain for every other alg, compressed for the rest (the run stays short).
    if (i % 2 === 0) {
      const plain = { alg, enc, kid: alg, typ: 'at+jwt' };
      const claims = claimsAt(n++);
      bases.push({ label: `${alg} ${enc}`, context: main, header: plain, payload: claims, weight, token: mint(plain, claims, rng), remint });
      continue;
    }
    const zip = { alg, enc, kid: alg, zip: 'DEF' };
    const big = { ...claimsAt(n++), filler: 'def'.repeat(300) };
    bases.push({
      label: `${alg} ${enc} zip`, context: main, header: zip, payload: big, weight, token: mint(zip, big, rng, true),
      remint: (h: Part, p: Part, r: Rng): string => mint(h, p, r, true, true),
    });
  }
  return bases;
}

/** Loads the fixture keys and builds contexts and generated bases in one go. */
export async function generatedCorpus(node: VerificationEngine, jose: VerificationEngine, rng: Rng): Promise<{
  keys: { a: KeySet; b: KeySet };
  contexts: Contexts;
  bases: Base[];
}> {
  const [keys, weak] = await Promise.all([loadKeySets(), loadWeakKeys()]);
  const contexts = buildContexts(keys.a, keys.b, node, jose, weak);
  const bases = await generatedBases(keys.a, contexts, rng);
  return { keys, contexts, bases: [...bases, ...compatBases(keys.a, weak, contexts.compat, rng, claimsAt)] };
}
