/**
 * Known attacks on JWT verifiers, as tokens: `alg: none`, HS/RS key confusion, embedded and remote keys, `kid`
 * injection, `crit` and `b64` games, psychic ECDSA signatures, high S, DER signatures, PSS salt games, deflate bombs,
 * wrong IV sizes, encrypted keys under `dir`, JWE-in-JWE, unsigned nested tokens, and oversized tokens. Each is minted
 * with a real key where that gets it further into the verifier.
 */
import { KeyObject, constants, createCipheriv, createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { base64url } from 'jose';
import { ECDSA_CURVES } from '../../src/node/ecdsa.js';
import { claimsAt, type Contexts } from './corpus.js';
import { kidOf, type KeySet, type SuiteKey } from './keys.js';
import { bytesOf, encryptDirRaw, signRaw, type Part } from './mint.js';
import type { Rng } from './rng.js';
import type { VectorCase } from './vectors.js';

const b64 = (part: Part): string => base64url.encode(bytesOf(part));

/** An HS* token signed with arbitrary secret bytes (the attacker's guess at what the verifier uses). */
function hmacWith(secret: Uint8Array | string, alg: 'HS256' | 'HS384' | 'HS512', header: Part, payload: Part): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url')}`;
}

/** The attack corpus, in the main, strict and candidates contexts. */
export function attackCases(a: KeySet, contexts: Contexts, rng: Rng): VectorCase[] {
  const key = (kid: string): SuiteKey => a.get(kid) as SuiteKey;
  const claims = claimsAt(9000);
  const cases: VectorCase[] = [];
  const add = (label: string, token: string, context = contexts.main): void => {
    cases.push({ label: `attack: ${label}`, token, context });
  };

  for (const none of ['none', 'None', 'NONE', 'nOnE']) {
    add(`alg ${none}`, `${b64({ alg: none })}.${b64(claims)}.`);
    add(`alg ${none} with kid`, `${b64({ alg: none, kid: 'HS256' })}.${b64(claims)}.`);
  }
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
    const publicKey = (key(alg).publicKey ?? key(alg).privateKey) as KeyObject;
    const spki = publicKey.export({ type: 'spki', format: 'pem' });
    const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
    for (const hs of ['HS256', 'HS384', 'HS512'] as const) {
      for (const secret of [spki, jwk, publicKey.export({ type: 'spki', format: 'der' })]) {
        add(`${alg} public key as ${hs} secret`, hmacWith(secret, hs, { alg: hs, kid: alg }, claims));
        add(`${alg} public key as ${hs} secret, no kid`, hmacWith(secret, hs, { alg: hs }, claims), contexts.candidates);
      }
    }
  }
  const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
  const evil = (header: Record<string, unknown>): string => {
    const input = `${b64({ alg: 'ES256', ...header })}.${b64(claims)}`;
    return `${input}.${cryptoSign('sha256', Buffer.from(input), { key: attacker.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  };
  add('embedded jwk', evil({ jwk: attackerJwk }));
  add('embedded jwk with known kid', evil({ jwk: attackerJwk, kid: 'ES256' }));
  add('jku', evil({ jku: 'https://evil.example/jwks.json', kid: 'ES256' }));
  add('x5u', evil({ x5u: 'https://evil.example/cert.pem' }));
  for (const kid of ['../../../../dev/null', "' UNION SELECT 'secret", '\u0000', 'HS256\u0000', '*', 'HS256 ']) {
    add(`kid injection ${JSON.stringify(kid)}`, hmacWith('', 'HS256', { alg: 'HS256', kid }, claims));
    add(`kid injection ${JSON.stringify(kid)} signed with the real key`, signRaw(key('HS256'), { alg: 'HS256', kid }, claims));
  }
  add('crit b64 false', signRaw(key('HS256'), { alg: 'HS256', kid: 'HS256', b64: false, crit: ['b64'] }, claims));
  add('crit unknown', signRaw(key('ES256'), { alg: 'ES256', kid: 'ES256', crit: ['urn:unknown'], 'urn:unknown': 1 }, claims));
  add('crit understood', signRaw(key('EdDSA'), { alg: 'EdDSA', kid: 'EdDSA', crit: ['urn:example:ext'], 'urn:example:ext': 1 }, claims));
  add('crit naming a registered header', signRaw(key('HS512'), { alg: 'HS512', kid: 'HS512', crit: ['alg'] }, claims));

  for (const alg of ['ES256', 'ES384', 'ES512'] as const) {
    const { size, order } = ECDSA_CURVES[alg];
    const good = signRaw(key(alg), { alg, kid: alg }, claims);
    const [h, p, s] = good.split('.') as [string, string, string];
    const sig = base64url.decode(s);
    const r = sig.subarray(0, size);
    const sv = BigInt(`0x${Buffer.from(sig.subarray(size)).toString('hex')}`);
    const n = BigInt(`0x${Buffer.from(order).toString('hex')}`);
    const highS = Buffer.from((n - sv).toString(16).padStart(size * 2, '0'), 'hex');
    add(`${alg} psychic signature (r = s = 0)`, `${h}.${p}.${base64url.encode(new Uint8Array(2 * size))}`);
    add(`${alg} r = s = n`, `${h}.${p}.${base64url.encode(Buffer.concat([order, order]))}`);
    add(`${alg} high S`, `${h}.${p}.${base64url.encode(Buffer.concat([r, highS]))}`);
    const der = cryptoSign(`sha${alg.slice(2)}`, Buffer.from(`${h}.${p}`), key(alg).privateKey as KeyObject);
    add(`${alg} DER signature`, `${h}.${p}.${der.toString('base64url')}`);
  }
  for (const alg of ['PS256', 'PS384', 'PS512'] as const) {
    const input = `${b64({ alg, kid: alg })}.${b64(claims)}`;
    for (const saltLength of [0, 20, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
      const sig = cryptoSign(`sha${alg.slice(2)}`, Buffer.from(input), { key: key(alg).privateKey as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
      add(`${alg} salt length ${saltLength}`, `${input}.${sig.toString('base64url')}`);
    }
    const rs = cryptoSign(`sha${alg.slice(2)}`, Buffer.from(input), key(alg).privateKey as KeyObject);
    add(`${alg} header over a PKCS #1 v1.5 signature`, `${input}.${rs.toString('base64url')}`);
  }

  const dir = key(kidOf('dir', 'A256GCM'));
  const cbc = key(kidOf('dir', 'A128CBC-HS256'));
  add('deflate bomb', encryptDirRaw(dir, { alg: 'dir', enc: 'A256GCM', kid: dir.kid, zip: 'DEF' }, '\u0000'.repeat(20_000_000), rng.bytes(16), true));
  add('compressed at exactly the cap', encryptDirRaw(dir, { alg: 'dir', enc: 'A256GCM', kid: dir.kid, zip: 'DEF' },
    JSON.stringify({ ...claims, pad: '' }).padEnd(4096 - 2, ' ') + ' }', rng.bytes(16), true));
  add('zip without allowCompression context (strict)', encryptDirRaw(dir, { alg: 'dir', enc: 'A256GCM', kid: dir.kid, zip: 'DEF' }, claims, rng.bytes(16), true), contexts.strict);
  add('dir with an encrypted key', (() => {
    const t = encryptDirRaw(dir, { alg: 'dir', enc: 'A256GCM', kid: dir.kid }, claims, rng.bytes(16)).split('.');
    t[1] = base64url.encode(rng.bytes(32));
    return t.join('.');
  })());
  for (const ivBytes of [0, 8, 16, 32]) {
    const header = b64({ alg: 'dir', enc: 'A256GCM', kid: dir.kid });
    const iv = rng.bytes(ivBytes === 0 ? 12 : ivBytes);
    const cipher = createCipheriv('aes-256-gcm', dir.secret as Uint8Array, iv);
    cipher.setAAD(Buffer.from(header));
    const ct = Buffer.concat([cipher.update(bytesOf(claims)), cipher.final()]);
    add(`GCM with a ${ivBytes}-byte IV`, [header, '', ivBytes === 0 ? '' : base64url.encode(iv), ct.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.'));
  }
  const cbcToken = encryptDirRaw(cbc, { alg: 'dir', enc: 'A128CBC-HS256', kid: cbc.kid }, claims, rng.bytes(16)).split('.');
  const tag = base64url.decode(cbcToken[4] as string);
  for (const length of [0, 1, 8, 15, 17, 32]) {
    const t = [...cbcToken];
    t[4] = base64url.encode(length <= tag.length ? tag.subarray(0, length) : new Uint8Array([...tag, ...rng.bytes(length - tag.length)]));
    add(`CBC-HS tag of ${length} bytes`, t.join('.'));
  }
  const inner = encryptDirRaw(dir, { alg: 'dir', enc: 'A256GCM', kid: dir.kid }, claims, rng.bytes(16));
  add('JWE inside JWE', encryptDirRaw(dir, { alg: 'dir', enc: 'A256GCM', kid: dir.kid, cty: 'JWT' }, inner, rng.bytes(16)));
  add('unsigned JWS inside JWE', encryptDirRaw(dir, { alg: 'dir', enc: 'A256GCM', kid: dir.kid, cty: 'JWT' }, `${b64({ alg: 'none' })}.${b64(claims)}.`, rng.bytes(16)));
  add('claims under RSA-OAEP-256 without signature (strict)', encryptDirRaw(dir, { alg: 'dir', enc: 'A256GCM', kid: dir.kid }, claims, rng.bytes(16)), contexts.strict);
  add('oversized token', signRaw(key('HS256'), { alg: 'HS256', kid: 'HS256' }, { ...claims, pad: 'x'.repeat(9000) }));
  add('JWS header with enc', signRaw(key('HS256'), { alg: 'HS256', kid: 'HS256', enc: 'A256GCM' }, claims));
  add('duplicate alg in a signed header', signRaw(key('HS256'), '{"alg":"HS256","kid":"HS256","alg":"HS256"}', claims));
  add('duplicate sub in a signed payload', signRaw(key('HS256'), { alg: 'HS256', kid: 'HS256' }, `${JSON.stringify(claims).slice(0, -1)},"sub":"admin"}`));
  return cases;
}
