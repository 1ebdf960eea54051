import { KeyObject, constants, sign as cryptoSign, type webcrypto } from 'node:crypto';
import { FlattenedSign, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { JWS_ALGORITHMS, type JwsAlgorithm } from '../src/algorithms.js';
import { joseEngine } from '../src/lib/jose-engine.js';
import { createKey } from '../src/lib/key.js';
import { ECDSA_CURVES } from '../src/node/ecdsa.js';
import { nodeEngine } from '../src/node/node-engine.js';
import { flipBit, jwsPair, jwsVerdict, signWith, withSegment, type JwsPair, type Verdict } from './node-engine-helpers.js';

const claims = { sub: 'user-1', scope: 'read', n: 42 };
const invalid = { ok: false, code: 'signature_invalid', message: 'signature verification failed', name: 'SignatureError' };
const pairs = new Map<JwsAlgorithm, Promise<JwsPair>>(JWS_ALGORITHMS.map((alg) => [alg, jwsPair(alg)]));
const pairFor = (alg: JwsAlgorithm): Promise<JwsPair> => pairs.get(alg) as Promise<JwsPair>;

/** Both engines' verdicts on one token; the test asserts they are equal and what they are. */
async function both(token: string, pair: JwsPair): Promise<Verdict> {
  const [node, jose] = await Promise.all([jwsVerdict(nodeEngine, token, pair.key), jwsVerdict(joseEngine, token, pair.key)]);
  expect(node).toEqual(jose);
  return node;
}

describe('nodeEngine.verifyJws', () => {
  it.each(JWS_ALGORITHMS)('verifies a %s token and returns the payload as a plain Uint8Array, as jose does', async (alg) => {
    const pair = await pairFor(alg);
    const token = await signWith(pair, alg, claims);
    const verdict = await both(token, pair);
    expect(verdict).toEqual({ ok: true, bytes: new TextEncoder().encode(JSON.stringify(claims)), plain: true });
  });

  it.each(JWS_ALGORITHMS)('rejects a %s token whose signature has one bit flipped', async (alg) => {
    const pair = await pairFor(alg);
    const token = await signWith(pair, alg, claims);
    const signature = token.split('.')[2] ?? '';
    expect(await both(withSegment(token, 2, flipBit(signature, 13)), pair)).toEqual(invalid);
  });

  it.each(JWS_ALGORITHMS)('rejects a %s token whose payload was changed after signing', async (alg) => {
    const pair = await pairFor(alg);
    const token = await signWith(pair, alg, claims);
    const forged = withSegment(token, 1, base64url.encode(JSON.stringify({ ...claims, scope: 'admin' })));
    expect(await both(forged, pair)).toEqual(invalid);
  });

  it.each(JWS_ALGORITHMS)('rejects a %s token with an empty signature', async (alg) => {
    const pair = await pairFor(alg);
    expect(await both(withSegment(await signWith(pair, alg, claims), 2, ''), pair)).toEqual(invalid);
  });

  it.each(['HS256', 'HS384', 'HS512'] as const)('rejects a %s MAC truncated to half its length', async (alg) => {
    const pair = await pairFor(alg);
    const token = await signWith(pair, alg, claims);
    const mac = base64url.decode(token.split('.')[2] ?? '');
    expect(await both(withSegment(token, 2, base64url.encode(mac.subarray(0, mac.length / 2))), pair)).toEqual(invalid);
  });

  it('rejects a token verified with another key of the same algorithm', async () => {
    const token = await signWith(await pairFor('ES256'), 'ES256', claims);
    expect(await both(token, await jwsPair('ES256'))).toEqual(invalid);
  });
});

describe('nodeEngine.verifyJws on ECDSA signature encodings', () => {
  const curves = ['ES256', 'ES384', 'ES512'] as const;
  const toBig = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  const toBytes = (value: bigint, size: number): Uint8Array => Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');

  async function signed(alg: (typeof curves)[number]): Promise<{ token: string; r: Uint8Array; s: Uint8Array; size: number; pair: JwsPair }> {
    const pair = await pairFor(alg);
    const token = await signWith(pair, alg, claims);
    const sig = base64url.decode(token.split('.')[2] ?? '');
    const size = ECDSA_CURVES[alg].size;
    return { token, r: sig.subarray(0, size), s: sig.subarray(size), size, pair };
  }
  const withSig = (token: string, ...parts: Uint8Array[]): string => withSegment(token, 2, base64url.encode(Buffer.concat(parts)));

  it.each(curves)('accepts the high-S twin (r, n − s) of a valid %s signature, as WebCrypto does', async (alg) => {
    const { token, r, s, size, pair } = await signed(alg);
    const n = toBig(ECDSA_CURVES[alg].order);
    const verdict = await both(withSig(token, r, toBytes(n - toBig(s), size)), pair);
    expect(verdict.ok).toBe(true);
  });

  it.each(curves)('rejects a %s signature whose r or s is 0 or the group order n', async (alg) => {
    const { token, r, s, size, pair } = await signed(alg);
    const zero = new Uint8Array(size);
    const n = ECDSA_CURVES[alg].order;
    // r + n and s + n do not fit; n itself and 0 are the edges of [1, n − 1].
    for (const forged of [withSig(token, zero, s), withSig(token, r, zero), withSig(token, n, s), withSig(token, r, n)]) {
      expect(await both(forged, pair)).toEqual(invalid);
    }
  });

  it.each(curves)('rejects a %s signature one byte too short or too long', async (alg) => {
    const { token, r, s, pair } = await signed(alg);
    expect(await both(withSig(token, r, s.subarray(1)), pair)).toEqual(invalid);
    expect(await both(withSig(token, r, s, new Uint8Array(1)), pair)).toEqual(invalid);
  });

  it('rejects an ES256 signature in DER form instead of IEEE P1363', async () => {
    const pair = await pairFor('ES256');
    const token = await signWith(pair, 'ES256', claims);
    const [h, p] = token.split('.');
    const der = cryptoSign('sha256', Buffer.from(`${h}.${p}`), KeyObject.from(pair.signKey as unknown as webcrypto.CryptoKey));
    expect(await both(withSegment(token, 2, der.toString('base64url')), pair)).toEqual(invalid);
  });
});

describe('nodeEngine.verifyJws on RSA signatures', () => {
  function pssSigned(token: string, pair: JwsPair, hash: string, saltLength: number): string {
    const [h, p] = token.split('.');
    const key = KeyObject.from(pair.signKey as unknown as webcrypto.CryptoKey);
    const sig = cryptoSign(hash, Buffer.from(`${h}.${p}`), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    return withSegment(token, 2, sig.toString('base64url'));
  }

  it.each([['PS256', 'sha256', 32], ['PS384', 'sha384', 48], ['PS512', 'sha512', 64]] as const)(
    'accepts a %s signature whose salt is as long as the hash and rejects other salt lengths',
    async (alg, hash, hashBytes) => {
      const pair = await pairFor(alg);
      const token = await signWith(pair, alg, claims);
      expect((await both(pssSigned(token, pair, hash, hashBytes), pair)).ok).toBe(true);
      for (const saltLength of [0, hashBytes - 1, hashBytes + 1, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
        expect(await both(pssSigned(token, pair, hash, saltLength), pair)).toEqual(invalid);
      }
    },
  );

  it('rejects an RS256 signature one byte longer than the modulus', async () => {
    const pair = await pairFor('RS256');
    const token = await signWith(pair, 'RS256', claims);
    const sig = base64url.decode(token.split('.')[2] ?? '');
    expect(await both(withSegment(token, 2, base64url.encode(Buffer.concat([new Uint8Array(1), sig]))), pair)).toEqual(invalid);
  });

  it('rejects a PS256 token checked with the RS256 form of padding (an RS256 signature)', async () => {
    const rs = await pairFor('RS256');
    const token = await signWith(rs, 'RS256', claims);
    const ps = { ...rs, key: createKey({ kid: 'x', alg: 'PS256', use: 'sig', type: 'public', key: rs.key.key }) };
    // The CryptoKey is RSASSA-PKCS1-v1_5, which jose refuses for PS256: both engines give signature_invalid.
    expect(await both(withSegment(token, 0, base64url.encode('{"alg":"PS256"}')), ps)).toEqual(invalid);
  });
});

describe('nodeEngine.verifyJws leaves the unusual to jose', () => {
  it('gives jose\'s verdict for a private key handed to a verifier', async () => {
    const pair = await pairFor('ES384');
    const token = await signWith(pair, 'ES384', claims);
    const [node, jose] = await Promise.all([jwsVerdict(nodeEngine, token, pair.privateKey), jwsVerdict(joseEngine, token, pair.privateKey)]);
    expect(node).toEqual(jose);
    expect(node).toEqual(invalid);
  });

  it('gives jose\'s verdict for an unencoded-payload token (crit b64: false)', async () => {
    const pair = await pairFor('HS256');
    const jws = await new FlattenedSign(new TextEncoder().encode('abc'))
      .setProtectedHeader({ alg: 'HS256', b64: false, crit: ['b64'] })
      .sign(pair.signKey);
    const detached = `${jws.protected ?? ''}.abc.${jws.signature}`;
    const [node, jose] = await Promise.all([jwsVerdict(nodeEngine, detached, pair.key), jwsVerdict(joseEngine, detached, pair.key)]);
    expect(node).toEqual(jose);
    expect(node).toMatchObject({ ok: true });
  });

  it('gives jose\'s verdict when the header alg differs from the key\'s', async () => {
    const pair = await pairFor('HS256');
    const token = await signWith(pair, 'HS256', claims);
    const relabelled = withSegment(token, 0, base64url.encode('{"alg":"HS512"}'));
    const [node, jose] = await Promise.all([jwsVerdict(nodeEngine, relabelled, pair.key), jwsVerdict(joseEngine, relabelled, pair.key)]);
    expect(node).toEqual(jose);
    expect(node).toEqual(invalid);
  });
});
