// Project Wycheproof's JOSE vectors through the whole verifier. Most payloads are not JWT claims ("Test", "foo"), so
// the verdict compared is the cryptographic one: did the engine accept the signature / open the ciphertext? A spy
// engine around joseEngine records that. The few departures from Wycheproof's labels are listed and explained.
import { readFileSync } from 'node:fs';
import { importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { isJwsAlgorithm } from '../src/algorithms.js';
import type { VerificationEngine } from '../src/lib/engine.js';
import { createKey } from '../src/lib/key.js';
import type { TesseraKey } from '../src/types.js';
import { createTokenVerifier, joseEngine } from '../src/verify/index.js';
import { expectRejection } from './verify-helpers.js';

interface Vector { tcId: number; comment: string; jws?: unknown; jwe?: unknown; result: 'valid' | 'invalid' | 'acceptable' }
interface Group { comment: string; public?: JWK; private?: JWK; tests: Vector[] }

function groups(file: string): Group[] {
  const url = new URL(`../../../test/vectors/wycheproof/testvectors_v1/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { testGroups: Group[] }).testGroups;
}

function headerOf(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** A JWK without the members that would make jose refuse or restrict the import (Tessera binds alg/use itself). */
function bareJwk(jwk: JWK): JWK {
  const { alg: _alg, use: _use, key_ops: _ops, ...rest } = jwk;
  return rest;
}

/** The verdict the engine reached: did any call succeed? */
async function engineVerdict(build: (engine: VerificationEngine) => ReturnType<typeof createTokenVerifier>, token: string) {
  let opened = false;
  const engine: VerificationEngine = {
    name: 'spy',
    verifyJws: async (jws, key) => {
      const bytes = await joseEngine.verifyJws(jws, key);
      opened = true;
      return bytes;
    },
    decryptJwe: async (jwe, key, limits) => {
      const bytes = await joseEngine.decryptJwe(jwe, key, limits);
      opened = true;
      return bytes;
    },
  };
  let error: unknown;
  try {
    await build(engine).verify(token);
  } catch (err) {
    error = err;
  }
  return { opened, error };
}

describe('Wycheproof JWS vectors', () => {
  // 372 and 373 are labelled valid, but their MAC only matches once the inserted "?" is stripped: a strict verifier
  // rejects them. 367 and 370 ("invalidBase64Padding") equal the valid 357 byte for byte in this copy (no padding).
  const departures = new Map([[372, 'rejected'], [373, 'rejected'], [367, 'verified'], [370, 'verified']]);
  const all = groups('json_web_signature_test.json').flatMap((g) => g.tests.map((t) => ({ g, t })));

  it('reaches the same verdict as Wycheproof on every compact vector, bar the explained departures', async () => {
    const mismatches: string[] = [];
    for (const { g, t } of all) {
      const token = t.jws;
      let opened = false;
      if (typeof token === 'string') {
        const jwk = (g.public ?? g.private) as JWK;
        const headerAlg = headerOf(token).alg;
        // The RFC 7520 groups carry a wrong JWK "alg"; select by kty and the token instead (vectors README).
        const alg = !g.comment.startsWith('rfc7520') && isJwsAlgorithm(jwk.alg) ? jwk.alg : headerAlg;
        if (isJwsAlgorithm(alg)) {
          const forEncryption = jwk.use === 'enc' || (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify'));
          const material = (await importJWK(jwk.kty === 'oct' ? { kty: 'oct', k: jwk.k } : bareJwk(jwk), alg)) as CryptoKey | Uint8Array;
          const key: TesseraKey = createKey({ alg, use: forEncryption ? 'enc' : 'sig', type: jwk.kty === 'oct' ? 'secret' : 'public', key: material });
          // An encryption key is refused as a verification key at construction (rejectWrongUse/rejectWrongKeyOps).
          if (!forEncryption) ({ opened } = await engineVerdict((engine) => createTokenVerifier({ keys: key, engine, requireExp: false }), token));
          else expect(() => createTokenVerifier({ keys: key })).toThrow(/is an encryption key/);
        }
      }
      const expected = departures.get(t.tcId) ?? (t.result === 'valid' ? 'verified' : t.result === 'invalid' ? 'rejected' : undefined);
      if (expected !== undefined && (expected === 'verified') !== opened) mismatches.push(`${t.tcId} ${g.comment}/${t.comment}: ${t.result}`);
    }
    expect(mismatches).toEqual([]);
    expect(all.length).toBe(401);
  }, 60_000);

  it.each([360, 365, 368, 375, 372, 373])('rejects tcId %i, which plain jose accepts or mislabels, as non-canonical base64url', async (tcId) => {
    const vector = all.find(({ t }) => t.tcId === tcId)?.t;
    // The base64 group's HS256 key is 32 zero bytes.
    const key = createKey({ alg: 'HS256', use: 'sig', type: 'secret', key: new Uint8Array(32) });
    await expectRejection(createTokenVerifier({ keys: key, requireExp: false }).verify(vector?.jws as string), 'token_malformed', 'token segment is not canonical base64url');
  });
});

// The JWE vectors run one test per tcId, with exact codes and on both engines, in vectors-wycheproof-jwe.test.ts.
