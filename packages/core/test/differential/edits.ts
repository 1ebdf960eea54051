/**
 * Header and payload edits for the differential mutations: each returns new header or payload bytes (an object, a
 * raw JSON text, or raw bytes), from the plausible (another `alg`, an expired `exp`) to the hostile (duplicate
 * members, a BOM, invalid UTF-8, `__proto__`, deep nesting, `crit` games, embedded keys).
 */
import { JWE_CONTENT_ALGORITHMS, JWE_KEY_ALGORITHMS, JWS_ALGORITHMS } from '../../src/algorithms.js';
import { NOW } from './corpus.js';
import type { Part } from './mint.js';
import type { Rng } from './rng.js';

const ALGS: readonly unknown[] = [
  ...JWS_ALGORITHMS, ...JWE_KEY_ALGORITHMS, 'none', 'None', 'NONE', '', 'HS256 ', 'hs256', 'A128KW', 'RSA1_5',
  'RSA-OAEP', 'PBES2-HS256+A128KW', 'Ed25519', null, 1, ['HS256'], {},
];
const ENCS: readonly unknown[] = [...JWE_CONTENT_ALGORITHMS, 'A128CBC', 'A256GCMKW', '', null, 5];
const KIDS: readonly unknown[] = ['HS256', 'ES256', 'RS256', 'dir-A128GCM', 'dir-A256CBC-HS512', 'RSA-OAEP-256', '../../dev/null', "' OR 1=1 --", '', 123, null, 'x'.repeat(300)];
const TYPS: readonly unknown[] = ['JWT', 'at+jwt', 'application/at+jwt', 'AT+JWT', 'jwt', 'application/jwt', 'at+JWT; x=1', '', 1];
const CTYS: readonly unknown[] = ['JWT', 'jwt', 'application/JWT', 'json', 'application/json', '', 1];

type Json = Record<string, unknown>;

const ZERO_X25519 = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const OTHER_POINTS: readonly Json[] = [
  // Points of other curves and kinds: a valid P-256 point, an X25519 key, an Ed25519 key (not for ECDH).
  { kty: 'EC', crv: 'P-256', x: 'gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0', y: 'SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps' },
  { kty: 'OKP', crv: 'X25519', x: 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo' },
  { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' },
];

/** Edits of an ECDH-ES `epk`: private members, extra members, other curves, points off the curve, odd encodings. */
const epkEdits: ReadonlyArray<(epk: Json, rng: Rng) => unknown> = [
  (e) => ({ ...e, d: 'AAAA' }),
  (e, r) => ({ ...e, [r.pick(['p', 'q', 'dp', 'k', 'oth', 'priv'])]: 'AAAA' }),
  (e, r) => ({ ...e, ext: r.pick([false, true, 'yes']) }),
  (e, r) => ({ ...e, key_ops: r.pick([[], ['deriveBits'], ['sign'], 'deriveBits']) }),
  (e, r) => ({ ...e, [r.pick(['kid', 'alg', 'use'])]: r.pick(['ECDH-ES', 'enc', 'sig', 'x']) }),
  ({ y: _y, ...e }) => e,
  ({ x: _x, ...e }) => e,
  (e) => ({ ...e, y: e.x }),
  (e, r) => ({ ...e, crv: r.pick(['P-256', 'P-384', 'P-521', 'X25519', 'secp256k1', 'Ed25519', '']) }),
  (e, r) => ({ ...e, kty: r.pick(['EC', 'OKP', 'RSA', 'oct']) }),
  (_e, r) => r.pick(OTHER_POINTS),
  (e) => ({ ...e, x: ZERO_X25519 }),
  (e, r) => ({ ...e, x: `${String(e.x)}${r.pick(['=', 'A', ' ', '=='])}` }),
  (e) => ({ ...e, x: String(e.x).replace(/-/g, '+').replace(/_/g, '/') }),
  (e) => ({ ...e, x: `AA${String(e.x)}` }),
  (e) => ({ ...e, x: String(e.x).slice(0, -2) }),
  (_e, r) => r.pick([[], 'epk', null, 1]),
];

const objectEdits: ReadonlyArray<(h: Json, rng: Rng) => Json> = [
  (h, r) => (typeof h.epk === 'object' && h.epk !== null ? { ...h, epk: r.pick(epkEdits)(h.epk as Json, r) } : h),
  (h, r) => ({ ...h, ...r.pick<Json>([
    { apu: 'QWxpY2U' }, { apv: 'Qm9i' }, { apu: 'QWxpY2U', apv: 'QWxpY2U' }, { apu: '', apv: '' }, { apu: 'QWxpY2U=' },
    { apv: 'Qm9i ' }, { apu: 1 }, { apu: 'Q' },
  ]) }),
  (h, r) => ({ ...h, alg: r.pick(ALGS) }),
  ({ alg: _alg, ...h }) => h,
  (h, r) => ({ ...h, enc: r.pick(ENCS) }),
  ({ enc: _enc, ...h }) => h,
  (h, r) => ({ ...h, kid: r.pick(KIDS) }),
  ({ kid: _kid, ...h }) => h,
  (h, r) => ({ ...h, typ: r.pick(TYPS) }),
  ({ typ: _typ, ...h }) => h,
  (h, r) => ({ ...h, cty: r.pick(CTYS) }),
  ({ cty: _cty, ...h }) => h,
  (h) => ({ ...h, crit: ['urn:example:ext'], 'urn:example:ext': true }),
  (h) => ({ ...h, crit: ['urn:example:ext'] }),
  (h) => ({ ...h, crit: ['b64'], b64: false }),
  (h) => ({ ...h, crit: ['b64'], b64: true }),
  (h, r) => ({ ...h, crit: r.pick([['exp'], [], 'urn:example:ext', ['alg'], [1], ['urn:example:ext', 'urn:example:ext'], ['urn:other']]), 'urn:example:ext': 1 }),
  (h) => ({ ...h, b64: false }),
  (h, r) => ({ ...h, zip: r.pick(['DEF', 'def', 'GZIP', true, '']) }),
  (h, r) => ({ ...h, ...r.pick([
    { jwk: { kty: 'oct', k: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } }, { jku: 'https://evil.example/jwks' },
    { x5u: 'https://evil.example/cert' }, { x5c: ['AAAA'] }, { x5t: 'AAAA' },
  ]) }),
  (h, r) => ({ ...h, ...r.pick([{ epk: {} }, { p2c: 1e9 }, { p2s: 'AAAA' }, { iv: 'AAAA' }, { tag: 'AAAA' }, { apu: 'AA' }, { apv: 'AA' }]) }),
  (h, r) => ({ ...h, [r.pick(['x', 'é', '\u0000', 'ALG', 'Alg'])]: r.pick(['v', 1, null, [], {}, 'y'.repeat(2000)]) }),
];

const textEdits: ReadonlyArray<(h: Json, rng: Rng) => Part> = [
  (h, r) => `${JSON.stringify(h).slice(0, -1)},"alg":${JSON.stringify(r.pick(ALGS))}}`,
  (h) => `${JSON.stringify(h).slice(0, -1)},"alg":${JSON.stringify(h.alg)}}`,
  (h) => `{"alg":"none",${JSON.stringify(h).slice(1)}`,
  (h) => `\uFEFF${JSON.stringify(h)}`,
  (h) => JSON.stringify(h, null, 2),
  (h, r) => `${JSON.stringify(h)}${r.pick([' ', '\n', 'x', '}', ',{}', '\u0000'])}`,
  (_h, r) => r.pick(['[]', '"x"', '1', 'null', '{}', '', ' ', '{', 'true']),
  (h) => JSON.stringify(h).replace('"alg"', '"\\u0061lg"'),
  (h) => `${JSON.stringify(h).slice(0, -1)},"__proto__":{"alg":"none"}}`,
  (h) => `${JSON.stringify(h).slice(0, -1)},"x":${'['.repeat(3000)}${']'.repeat(3000)}}`,
  (h, r) => {
    const bytes = new TextEncoder().encode(JSON.stringify(h));
    const at = 1 + r.int(bytes.length - 2);
    const bad = r.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf]]);
    return new Uint8Array([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at)]);
  },
];

/** A random edit of a protected header. */
export function editHeader(header: Json, rng: Rng): Part {
  if (rng.chance(0.7)) {
    let h = rng.pick(objectEdits)(header, rng);
    if (rng.chance(0.25)) h = rng.pick(objectEdits)(h, rng);
    return h;
  }
  return rng.pick(textEdits)(header, rng);
}

const claimEdits: ReadonlyArray<(c: Json, rng: Rng) => Json> = [
  (c, r) => ({ ...c, exp: r.pick([NOW - 1, NOW, NOW + 1, -1, 0, 1.5, '1700003600', null, true, 1e300, NOW - 3600]) }),
  ({ exp: _exp, ...c }) => c,
  (c, r) => ({ ...c, nbf: r.pick([NOW + 1, NOW + 100, NOW, 'x', null, -1]) }),
  (c, r) => ({ ...c, iat: r.pick([NOW + 1, NOW - 7201, NOW - 7200, 'x', null]) }),
  ({ iat: _iat, ...c }) => c,
  (c, r) => ({ ...c, aud: r.pick([['api', 'x'], ['x'], 'other', [], 1, null, ['api']]) }),
  (c, r) => ({ ...c, iss: r.pick(['https://issuer.example/', 'other', 1, null]) }),
  (c, r) => ({ ...c, sub: r.pick([1, null, '', 'user-x', ['a']]) }),
  ({ jti: _jti, ...c }) => c,
  (c, r) => ({ ...c, [r.pick(['scope', 'x', 'é', 'constructor'])]: r.pick([1, null, [], {}, 'v'.repeat(r.int(6000))]) }),
];

const payloadTextEdits: ReadonlyArray<(c: Json, rng: Rng) => Part> = [
  (_c, r) => r.pick(['not json', '', '[]', '"str"', 'null', '1', '{}', '{"a":1', ' ']),
  (c) => `\uFEFF${JSON.stringify(c)}`,
  (c) => `${JSON.stringify(c).slice(0, -1)},"sub":"admin"}`,
  (c) => `${JSON.stringify(c).slice(0, -1)},"exp":99999999999}`,
  (c) => `${JSON.stringify(c).slice(0, -1)},"__proto__":{"admin":true}}`,
  (c) => `${JSON.stringify(c).slice(0, -1)},"x":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
  (c) => `${JSON.stringify(c).slice(0, -1)},"exp":1e400}`,
  (c) => `  ${JSON.stringify(c)}\n`,
  (c, r) => {
    const bytes = new TextEncoder().encode(JSON.stringify(c));
    const at = 1 + r.int(bytes.length - 2);
    return new Uint8Array([...bytes.subarray(0, at), 0xff, ...bytes.subarray(at)]);
  },
];

/** A random edit of a payload (claims; or anything else as text). */
export function editPayload(payload: Part, rng: Rng, otherTokens: readonly string[]): Part {
  if (typeof payload === 'string' || payload instanceof Uint8Array) {
    // A nested token's plaintext: swap the inner token, or break it.
    return rng.chance(0.5) ? rng.pick(otherTokens) : rng.pick(payloadTextEdits)({ sub: 'x' }, rng);
  }
  if (rng.chance(0.2)) return rng.pick(otherTokens);
  if (rng.chance(0.65)) {
    let c = rng.pick(claimEdits)(payload, rng);
    if (rng.chance(0.3)) c = rng.pick(claimEdits)(c, rng);
    return c;
  }
  return rng.pick(payloadTextEdits)(payload, rng);
}
