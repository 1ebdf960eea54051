/**
 * Peer → core for the two Python services with their own conventions: the jwt_encrypt module (python-jose, a
 * `subject` claim, a float `exp`, optional expiry) and the JWE service (jwcrypto, `dir` keys printed as base64, a
 * `{"jwt": ...}` envelope, payloads encrypted directly). Each token is also read by the service's own reader, so
 * core's verdict sits next to the system it replaces.
 */
import { type JweContentAlgorithm, importSecret } from '@tessera/core';
import { expect } from 'vitest';
import {
  type InboundCase, type MakeVerifier, NOW, type PeerVerdict, STD_CLAIMS, compatOf, expectDeparture, expectOk,
  expectPeerError, expectTesseraError, headerOf,
} from './cases.js';
import { ENCS, type InteropKeys, PYTHON_JOSE_JWS, type PeerKey } from './fixtures.js';

const SUBJECT = 'user_12345';
const MODULE_CLAIMS = { role: 'user', email: 'user@example.com', permissions: ['read', 'write'] };
/** The JWE service's "encrypt payload directly" example: no exp, no iss/aud. */
const SERVICE_PAYLOAD = { user: 'john.doe', role: 'admin', permissions: ['read', 'write'] };
const MODULE = 'jwt_encrypt (python-jose)';
const SERVICE = 'JWE service (jwcrypto)';

type ModuleAlg = (typeof PYTHON_JOSE_JWS)[number];

function isHmac(alg: ModuleAlg): alg is 'HS256' | 'HS384' | 'HS512' {
  return alg === 'HS256' || alg === 'HS384' || alg === 'HS512';
}

/** The key a jwt_encrypt user holds: the text secret for HS*, else the PEM (private to sign, public to verify). */
function moduleKey(k: InteropKeys, alg: ModuleAlg, half: 'priv' | 'pub'): PeerKey {
  if (isHmac(alg)) return k.moduleSecret[alg].priv;
  return { pem: k.sig[alg][half].pem };
}

function moduleVerifierKey(k: InteropKeys, alg: ModuleAlg) {
  return isHmac(alg) ? k.moduleSecret[alg].verifier : k.sig[alg].verifier;
}

interface ModuleCaseOptions {
  readonly format: string;
  readonly alg: ModuleAlg;
  readonly expSeconds: number | null;
  readonly key?: (k: InteropKeys) => PeerKey;
  readonly check: InboundCase['check'];
  /** jwt_decrypt's arguments and verdict on the same token. */
  readonly peer: { readonly subject?: string; readonly check: PeerVerdict };
}

function moduleCase(id: string, o: ModuleCaseOptions): InboundCase {
  const key = o.key ?? ((k: InteropKeys) => moduleKey(k, o.alg, 'priv'));
  return {
    producer: MODULE,
    format: o.format,
    runner: 'python',
    job: (k) => ({ id, op: 'jwt_encrypt', alg: o.alg, key: key(k), subject: SUBJECT, claims: MODULE_CLAIMS,
      exp_seconds: o.expSeconds }),
    check: o.check,
    peerCheck: {
      consumer: 'jwt_decrypt',
      job: (token, k) => ({ id: `${id}:peer`, op: 'jwt_decrypt', alg: o.alg, token, subject: o.peer.subject ?? SUBJECT,
        key: o.key ? o.key(k) : moduleKey(k, o.alg, 'pub'), check_exp: true }),
      check: o.peer.check,
    },
  };
}

/** The peer's own reader rejecting its own bad token is the expected verdict: the cell passes. */
const peerRejects = (error: RegExp): PeerVerdict => (r) => {
  expectPeerError(r, error);
  return 'pass';
};

/** The jwt_encrypt module's tokens, and its error cases side by side with jwt_decrypt's verdict. */
export function moduleCases(): InboundCase[] {
  const subjectVerifier = (make: MakeVerifier, k: InteropKeys, alg: ModuleAlg, subject = SUBJECT, requireExp = true) =>
    make({ keys: [moduleVerifierKey(k, alg)], subject, subjectClaim: 'subject', requireExp });
  const valid = PYTHON_JOSE_JWS.map((alg) => moduleCase(`in:module:${alg}`, {
    format: `JWS ${alg}, "subject" claim, float exp`,
    alg,
    expSeconds: 3600,
    check: async (token, k, make) => {
      const result = await subjectVerifier(make, k, alg).verify(token);
      expect(result.payload).toMatchObject({ subject: SUBJECT, ...MODULE_CLAIMS });
      expect(result.payload.exp).toBeGreaterThan(NOW + 3500);
      expect(result.payload.exp).toBeLessThan(NOW + 3700);
      return 'pass';
    },
    peer: {
      check: (r) => {
        expect(expectOk(r).claims).toMatchObject({ subject: SUBJECT });
        return 'pass';
      },
    },
  }));
  return [
    ...valid,
    moduleCase('in:module:wrong-subject', {
      format: 'HS256, other subject expected → wrong_token_subject',
      alg: 'HS256',
      expSeconds: 3600,
      check: async (token, k, make) => {
        await expectTesseraError(subjectVerifier(make, k, 'HS256', 'user_99999').verify(token), 'wrong_token_subject',
          /^"subject" claim does not match the expected subject$/);
        return 'pass';
      },
      peer: { subject: 'user_99999', check: peerRejects(/^Exception: wrong_token_subject$/) },
    }),
    moduleCase('in:module:no-exp', {
      format: 'HS256, no exp (expiration_timedelta=None) → claim_missing',
      alg: 'HS256',
      expSeconds: null,
      check: async (token, k, make) => {
        await expectTesseraError(subjectVerifier(make, k, 'HS256').verify(token), 'claim_missing',
          /^"exp" claim is missing$/);
        // check_exp=False's counterpart, asked for explicitly.
        const result = await subjectVerifier(make, k, 'HS256', SUBJECT, false).verify(token);
        expect(result.payload).not.toHaveProperty('exp');
        return 'pass';
      },
      peer: { check: peerRejects(/^JWTError: missing required key "exp" among claims$/) },
    }),
    moduleCase('in:module:expired', {
      format: 'HS256, expired → token_expired',
      alg: 'HS256',
      expSeconds: -120,
      check: async (token, k, make) => {
        await expectTesseraError(subjectVerifier(make, k, 'HS256').verify(token), 'token_expired',
          /^token has expired$/);
        return 'pass';
      },
      peer: { check: peerRejects(/^ExpiredSignatureError: Signature has expired\.$/) },
    }),
    moduleCase('in:module:short-key', {
      format: 'HS512 with a 32-byte secret (weak key)',
      alg: 'HS512',
      expSeconds: 3600,
      key: (k) => ({ text: (k.moduleSecret.HS512.priv.text ?? '').slice(0, 32) }),
      check: async (token, k, make) => {
        expect(headerOf(token)).toMatchObject({ alg: 'HS512' });
        const text = (k.moduleSecret.HS512.priv.text ?? '').slice(0, 32);
        return expectDeparture(['shortHmacKey'], async (on) => {
          const key = await importSecret(text, { alg: 'HS512', allowShortKey: on.has('shortHmacKey') });
          const result = await make({ keys: [key], subject: SUBJECT, subjectClaim: 'subject' }).verify(token);
          expect(result.payload).toMatchObject({ subject: SUBJECT, ...MODULE_CLAIMS });
        });
      },
      // python-jose signs and verifies with the weak key without a word.
      peer: {
        check: (r) => {
          expect(expectOk(r).claims).toMatchObject({ subject: SUBJECT });
          return 'pass';
        },
      },
    }),
    {
      producer: 'python-jose',
      format: 'JWS HS256, expired → token_expired',
      runner: 'python',
      job: (k) => ({ id: 'in:jose:expired', op: 'sign', lib: 'jose', alg: 'HS256', key: k.sig.HS256.priv,
        claims: { ...STD_CLAIMS, iat: NOW - 600, exp: NOW - 60 } }),
      check: async (token, k, make) => {
        await expectTesseraError(make({ keys: [k.sig.HS256.verifier] }).verify(token), 'token_expired',
          /^token has expired$/);
        return 'pass';
      },
    },
  ];
}

/** Base64 of the first 31 bytes of a 32-byte key: what a truncated JWE_ENCRYPTION_KEY looks like. */
function truncatedKey(b64: string | undefined): string {
  return Buffer.from(b64 ?? '', 'base64').subarray(0, 31).toString('base64');
}

function serviceJob(id: string, mode: 'jwt' | 'payload', enc: JweContentAlgorithm, zip: 'DEF' | undefined) {
  return (k: InteropKeys) => ({
    id, op: 'jwe_service', mode, enc, compression: zip ?? null, key_b64: k.dir[enc].pub.b64,
    ...(mode === 'jwt'
      ? { claims: STD_CLAIMS, sign: { lib: 'jose', alg: 'HS256', key: k.sig.HS256.priv } }
      : { payload: SERVICE_PAYLOAD }),
  });
}

/** The service's own decrypt_jwe_token / decrypt_jwe_to_payload on the token, with its key unless `keyB64`. */
function servicePeer(id: string, mode: 'jwt' | 'payload', enc: JweContentAlgorithm, check: PeerVerdict,
  keyB64?: (k: InteropKeys) => string): NonNullable<InboundCase['peerCheck']> {
  return {
    consumer: 'JWE service',
    job: (token: string, k: InteropKeys) => ({ id: `${id}:peer`, op: 'jwe_service', token, enc,
      key_b64: keyB64 ? keyB64(k) : k.dir[enc].priv.b64, extract_jwt: mode === 'jwt' }),
    check,
  };
}

/** The JWE service's tokens (every enc, with and without DEF) and its two error cases. */
export function serviceCases(): InboundCase[] {
  const zips = [undefined, 'DEF'] as const;
  const out: InboundCase[] = [];
  for (const enc of ENCS) {
    for (const zip of zips) {
      const name = `dir ${enc}${zip ? '+DEF' : ''}`;
      const jwtId = `in:service:jwt:${enc}${zip ?? ''}`;
      out.push({
        producer: SERVICE,
        format: `{"jwt"} envelope ${name} (HS256)`,
        runner: 'python',
        job: serviceJob(jwtId, 'jwt', enc, zip),
        check: async (token, k, make) => {
          const header = headerOf(token);
          expect(header).toEqual({ alg: 'dir', enc, ...(zip ? { zip } : {}) });
          const keys = { keys: [k.sig.HS256.verifier], decryptionKeys: [k.dir[enc].decrypter] };
          const cell = await expectDeparture(['jwtEnvelope'], async (on) => {
            const result = await make({ ...keys, compat: compatOf(on) }).verify(token);
            expect(result.format).toBe('nested');
            expect(result.header).toMatchObject({ alg: 'HS256' });
            expect(result.encryptionHeader).toEqual(header);
            expect(result.payload).toEqual(STD_CLAIMS);
          });
          // Pins the hazard core's README warns about: without the setting and with requireExp off, the envelope
          // passes as unsigned dir claims and the inner JWT comes back unverified in payload.jwt.
          const loose = await make({ ...keys, requireExp: false }).verify(token);
          expect(loose.format).toBe('jwe');
          expect(Object.keys(loose.payload)).toEqual(['jwt']);
          return cell;
        },
        // decrypt_jwe_token hands back the inner JWT: a compact JWS.
        peerCheck: servicePeer(jwtId, 'jwt', enc, (r) => {
          expect(expectOk(r).jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
          return 'pass';
        }),
      });
      const payloadId = `in:service:payload:${enc}${zip ?? ''}`;
      out.push({
        producer: SERVICE,
        format: `payload directly ${name}, no exp`,
        runner: 'python',
        job: serviceJob(payloadId, 'payload', enc, zip),
        check: async (token, k, make) => {
          const strict = make({ decryptionKeys: [k.dir[enc].decrypter] });
          await expectTesseraError(strict.verify(token), 'claim_missing', /^"exp" claim is missing$/);
          const legacy = make({ decryptionKeys: [k.dir[enc].decrypter], requireExp: false });
          const result = await legacy.verify(token);
          expect(result.format).toBe('jwe');
          expect(result.payload).toEqual(SERVICE_PAYLOAD);
          return 'pass';
        },
        peerCheck: servicePeer(payloadId, 'payload', enc, (r) => {
          expect(expectOk(r).payload).toEqual(SERVICE_PAYLOAD);
          return 'pass';
        }),
      });
    }
  }
  out.push({
    producer: SERVICE,
    format: 'payload dir A256GCM, wrong key → decryption_failed',
    runner: 'python',
    job: serviceJob('in:service:wrong-key', 'payload', 'A256GCM', undefined),
    check: async (token, k, make) => {
      const v = make({ decryptionKeys: [k.otherDir.decrypter], requireExp: false });
      await expectTesseraError(v.verify(token), 'decryption_failed', /^decryption failed$/);
      return 'pass';
    },
    peerCheck: servicePeer('in:service:wrong-key', 'payload', 'A256GCM',
      peerRejects(/^InvalidJWEData: No recipient matched the provided key/), (k) => k.otherDir.priv.b64 ?? ''),
  }, {
    producer: SERVICE,
    format: 'A256GCM key of 31 bytes → invalid_key',
    runner: 'python',
    job: serviceJob('in:service:short-key', 'payload', 'A256GCM', undefined),
    check: async (_token, k) => {
      await expectTesseraError(importSecret(truncatedKey(k.dir.A256GCM.priv.b64), { alg: 'dir', enc: 'A256GCM' }),
        'invalid_key', /^expected 32 bytes for A256GCM, got 31$/);
      return 'pass';
    },
    peerCheck: servicePeer('in:service:short-key', 'payload', 'A256GCM',
      peerRejects(/^ValueError: Invalid key size: expected 32 bytes for A256GCM, got 31 bytes$/),
      (k) => truncatedKey(k.dir.A256GCM.priv.b64)),
  });
  return out;
}
