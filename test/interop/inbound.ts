/**
 * Peer → core: tokens made by python-jose, PyJWT, jwcrypto, the jwt_encrypt module, the JWE service and go-jose, in
 * each reference system's configuration, read by core's verifier.
 */
import {
  type JweContentAlgorithm, type JwsAlgorithm, type VerifyOptions, importPem, importSecret,
} from '@tessera/core';
import { expect } from 'vitest';
import {
  AUD, type InboundCase, ISS, type MakeVerifier, STD_CLAIMS, compatOf, expectDeparture, expectOk, headerOf,
} from './cases.js';
import type { DepartureId } from './departures.js';
import {
  ALL_JWS, ECDH_CURVES, ENC_KEY_ALGS, ENCS, type EncFixture, type InteropKeys, KEY_WRAP_ALGS, PYTHON_JOSE_JWS,
  RSA_OAEP_ALGS,
} from './fixtures.js';
import { moduleCases, serviceCases } from './inbound-legacy.js';

const ZIPS = [undefined, 'DEF'] as const;
const zipName = (zip: 'DEF' | undefined) => (zip === undefined ? '' : '+DEF');

function verifier(make: MakeVerifier, keys: VerifyOptions['keys'], extra: Omit<VerifyOptions, 'keys'> = {}) {
  return make({ keys, issuer: ISS, audience: AUD, ...extra });
}

/** What the peer's producer needs to put the key's kid in the header (asymmetric keys only). */
function kidHeader(kid: string | undefined): Record<string, string> {
  return kid === undefined ? {} : { kid };
}

function jwsCase(producer: string, lib: string, alg: JwsAlgorithm): InboundCase {
  const id = `in:${lib}:jws:${alg}`;
  return {
    producer,
    format: `JWS ${alg}`,
    runner: lib === 'go' ? 'go' : 'python',
    job: (k) => {
      const f = k.sig[alg];
      if (lib === 'go') return { id, op: 'sign', alg, kid: f.kid, key: { jwk: f.priv.jwk }, claims: STD_CLAIMS };
      return { id, op: 'sign', lib, alg, key: f.priv, claims: STD_CLAIMS, headers: kidHeader(f.kid) };
    },
    check: async (token, k, make) => {
      const result = await verifier(make, [k.sig[alg].verifier]).verify(token);
      expect(result.format).toBe('jws');
      expect(result.header.alg).toBe(alg);
      expect(result.payload).toEqual(STD_CLAIMS);
      return 'pass';
    },
  };
}

/** Which departures a python-jose JWE with this enc/zip shows (a GCM token with DEF shows both). */
function pythonJoseDepartures(lib: string, enc: JweContentAlgorithm, zip: 'DEF' | undefined): DepartureId[] {
  if (lib !== 'jose') return [];
  return [...(enc.endsWith('GCM') ? ['gcmIv128' as const] : []), ...(zip === 'DEF' ? ['zlibDeflate' as const] : [])];
}

function dirNestedCase(producer: string, lib: string, enc: JweContentAlgorithm, zip: 'DEF' | undefined): InboundCase {
  const id = `in:${lib}:dir-nested:${enc}${zipName(zip)}`;
  return {
    producer,
    format: `nested dir ${enc}${zipName(zip)} (HS256)`,
    runner: lib === 'go' ? 'go' : 'python',
    job: (k) => {
      const hs = k.sig.HS256;
      const dir = k.dir[enc];
      if (lib === 'go') {
        return { id, op: 'nested', claims: STD_CLAIMS, zip: zip ?? '', sign: { jwk: hs.priv.jwk, alg: 'HS256' },
          encrypt: { jwk: dir.pub.jwk, alg: 'dir', enc } };
      }
      return { id, op: 'nested', lib, claims: STD_CLAIMS, sign: { alg: 'HS256', key: hs.priv },
        encrypt: { alg: 'dir', enc, zip, key: dir.pub } };
    },
    check: async (token, k, make) => {
      expect(headerOf(token)).toMatchObject({ alg: 'dir', enc, cty: 'JWT', ...(zip ? { zip } : {}) });
      const read = async (compat = {}) => {
        const result = await verifier(make, [k.sig.HS256.verifier], { decryptionKeys: [k.dir[enc].decrypter], compat })
          .verify(token);
        expect(result.format).toBe('nested');
        expect(result.payload).toEqual(STD_CLAIMS);
      };
      const departures = pythonJoseDepartures(lib, enc, zip);
      if (departures.length > 0) return expectDeparture(departures, (on) => read(compatOf(on)));
      await read();
      return 'pass';
    },
  };
}

type EncKeyAlg = (typeof ENC_KEY_ALGS)[number] | (typeof RSA_OAEP_ALGS)[number];

/**
 * ES256 inside a JWE to an encryption key (`fixture` picks it: per algorithm, ECDH-ES+A256KW per curve, or a shared
 * key-wrapping key); `cannotMake` when the producer has no such key management (its error is asserted).
 */
function asymNestedCase(producer: string, lib: string, alg: EncKeyAlg | EncFixture['alg'], enc: JweContentAlgorithm,
  fixture: (k: InteropKeys) => EncFixture = (k) => k.enc[alg as EncKeyAlg], curve = '', cannotMake?: RegExp): InboundCase {
  const id = `in:${lib}:nested:${alg}:${enc}${curve}`;
  return {
    // go-jose v2 has X25519 only for signatures (EdDSA), not for ECDH-ES.
    ...(lib === 'go' && curve === 'X25519' ? { cannotMake: /^square\/go-jose: unknown curve X25519'$/ } : {}),
    ...(cannotMake === undefined ? {} : { cannotMake }),
    producer,
    format: `nested ${alg}${curve ? ` ${curve}` : ''}/${enc} (ES256)`,
    runner: lib === 'go' ? 'go' : 'python',
    job: (k) => {
      const es = k.sig.ES256;
      const e = fixture(k);
      if (lib === 'go') {
        return { id, op: 'nested', claims: STD_CLAIMS, sign: { jwk: es.priv.jwk, kid: es.kid, alg: 'ES256' },
          encrypt: { jwk: e.pub.jwk, kid: e.kid, alg, enc } };
      }
      return { id, op: 'nested', lib, claims: STD_CLAIMS, encrypt: { alg, enc, kid: e.kid, key: e.pub },
        sign: { alg: 'ES256', key: es.priv, headers: { kid: es.kid } } };
    },
    check: async (token, k, make) => {
      const read = async (compat = {}) => {
        const result = await verifier(make, [k.sig.ES256.verifier], { decryptionKeys: [fixture(k).decrypter], compat })
          .verify(token);
        expect(result.format).toBe('nested');
        expect(result.encryptionHeader).toMatchObject({ alg, enc, cty: 'JWT', kid: fixture(k).kid });
        expect(result.payload).toEqual(STD_CLAIMS);
      };
      const departures = pythonJoseDepartures(lib, enc, undefined);
      if (departures.length > 0) return expectDeparture(departures, (on) => read(compatOf(on)));
      await read();
      return 'pass';
    },
  };
}

/** python-jose's jwe.encrypt sets no cty unless asked: a JWS inside a JWE without the RFC 7519 §5.2 marker. */
function noCtyCase(): InboundCase {
  const enc = 'A256CBC-HS512';
  return {
    producer: 'python-jose',
    format: `nested dir ${enc} (HS256), no cty (jwe.encrypt default)`,
    runner: 'python',
    job: (k) => ({ id: 'in:jose:no-cty', op: 'nested', lib: 'jose', cty: '', claims: STD_CLAIMS,
      sign: { alg: 'HS256', key: k.sig.HS256.priv }, encrypt: { alg: 'dir', enc, key: k.dir[enc].pub } }),
    check: async (token, k, make) => {
      expect(headerOf(token)).toEqual({ alg: 'dir', enc });
      return expectDeparture(['nestedWithoutCty'], async (on) => {
        const v = verifier(make, [k.sig.HS256.verifier], { decryptionKeys: [k.dir[enc].decrypter], compat: compatOf(on) });
        const result = await v.verify(token);
        expect(result.format).toBe('nested');
        expect(result.header).toMatchObject({ alg: 'HS256' });
        expect(result.payload).toEqual(STD_CLAIMS);
      });
    },
  };
}

/**
 * A token signed with a key RFC 7518 forbids: core refuses the key itself by default, and reads the token with a key
 * imported under the compatibility option (verify-only).
 */
function weakKeyCase(alg: 'HS256' | 'RS256'): InboundCase {
  const hmac = alg === 'HS256';
  return {
    producer: 'PyJWT',
    format: hmac ? 'JWS HS256 with a 16-byte secret (weak key)' : 'JWS RS256 with a 1024-bit RSA key (weak key)',
    runner: 'python',
    job: (k) => ({ id: `in:pyjwt:weak:${alg}`, op: 'sign', lib: 'pyjwt', alg, claims: STD_CLAIMS,
      key: hmac ? k.weak.hmac16 : k.weak.rsa1024.priv }),
    check: async (token, k, make) => {
      expect(headerOf(token)).toMatchObject({ alg });
      return expectDeparture([hmac ? 'shortHmacKey' : 'shortRsaKey'], async (on) => {
        const key = hmac
          ? await importSecret(k.weak.hmac16.b64 ?? '', { alg, encoding: 'base64', allowShortKey: on.has('shortHmacKey') })
          : await importPem(k.weak.rsa1024.pub.pem ?? '', { alg, allowWeakRsa: on.has('shortRsaKey') });
        expect(key.verifyOnly).toBe(hmac ? 'allowShortKey' : 'allowWeakRsa');
        const result = await verifier(make, [key]).verify(token);
        expect(result.payload).toEqual(STD_CLAIMS);
      });
    },
  };
}

const ISSUER_REQUEST = {
  iss: ISS, aud: AUD, sub: 'u123', uid: 'u123', device_id: 'dev1', client_id: 'web', scope: ['read', 'write'],
  access_ttl: 600, refresh_ttl: 14 * 86400,
};

/** The Go issuer's IssueAccessAndRefreshJWE: ES256 (typ JWT, kid) in ECDH-ES+A256KW or RSA-OAEP-256 / A256GCM. */
function goIssuerCase(alg: 'ECDH-ES+A256KW' | 'RSA-OAEP-256', which: 'access' | 'refresh'): InboundCase {
  const id = `in:go:issue:${alg}`;
  return {
    producer: 'go-jose (issuer)',
    format: `${which} token ${alg}/A256GCM (ES256)`,
    runner: 'go',
    field: which,
    job: (k) => {
      const es = k.sig.ES256;
      const e = k.enc[alg];
      return { id, op: 'issue', ...ISSUER_REQUEST, sign: { jwk: es.priv.jwk, kid: es.kid, alg: 'ES256' },
        encrypt: { jwk: e.pub.jwk, kid: e.kid, alg, enc: 'A256GCM' } };
    },
    check: async (token, k, make) => {
      const v = verifier(make, [k.sig.ES256.verifier], { decryptionKeys: [k.enc[alg].decrypter] });
      const result = await v.verify(token);
      expect(result.format).toBe('nested');
      expect(result.encryptionHeader).toMatchObject({ alg, enc: 'A256GCM', cty: 'JWT', kid: k.enc[alg].kid });
      expect(result.header).toMatchObject({ alg: 'ES256', typ: 'JWT', kid: k.sig.ES256.kid });
      const p = result.payload;
      expect(p).toMatchObject({ iss: ISS, sub: 'u123', aud: [AUD], uid: 'u123', device_id: 'dev1', client_id: 'web',
        scope: ['read', 'write'] });
      expect(p.exp! - p.iat!).toBe(which === 'access' ? ISSUER_REQUEST.access_ttl : ISSUER_REQUEST.refresh_ttl);
      expect(p.nbf).toBe(p.iat! - 60);
      expect(p.jti).toMatch(/^[0-9a-f]{32}$/);
      if (which === 'refresh') expect(p).toMatchObject({ rid: expect.any(String), fid: expect.any(String) });
      else expect(p).not.toHaveProperty('rid');
      return 'pass';
    },
    // The issuer's own DecryptAndVerify: jwt.ParseSignedAndEncrypted, Decrypt, Claims, Validate(iss, aud).
    peerCheck: {
      consumer: 'go-jose',
      job: (token, k) => ({ id: `${id}:${which}:peer`, op: 'nested', token, issuer: ISS, audience: AUD,
        sign: { alg: 'ES256', jwk: k.sig.ES256.pub.jwk }, encrypt: { alg, jwk: k.enc[alg].priv.jwk } }),
      check: (r) => {
        expect(expectOk(r).claims).toMatchObject({ uid: 'u123', device_id: 'dev1', client_id: 'web' });
        return 'pass';
      },
    },
  };
}

function each<T>(values: readonly T[], make: (value: T) => InboundCase): InboundCase[] {
  return values.map(make);
}

/** What a producer answers for a key management it does not have. */
const CANNOT_MAKE: Readonly<Record<string, Readonly<Record<string, RegExp>>>> = {
  jose: {
    'RSA-OAEP-384': /^JWEError: Algorithm RSA-OAEP-384 not supported\.$/,
    'RSA-OAEP-512': /^JWEError: Algorithm RSA-OAEP-512 not supported\.$/,
    A128GCMKW: /^JWEError: Algorithm A128GCMKW not supported\.$/,
    A192GCMKW: /^JWEError: Algorithm A192GCMKW not supported\.$/,
    A256GCMKW: /^JWEError: Algorithm A256GCMKW not supported\.$/,
  },
  jwcrypto: {
    'RSA-OAEP-384': /^InvalidJWEOperation: Algorithm not allowed$/,
    'RSA-OAEP-512': /^InvalidJWEOperation: Algorithm not allowed$/,
  },
  go: {
    'RSA-OAEP-384': /^square\/go-jose: unknown\/unsupported algorithm$/,
    'RSA-OAEP-512': /^square\/go-jose: unknown\/unsupported algorithm$/,
  },
};

/**
 * ES256 inside RSA-OAEP with SHA-1/384/512 and inside every AES key wrap: A256GCM content (python-jose's 16-byte GCM
 * IV is then its gcmIv128 departure, read under these key managements too) and, for the shared keys, A128CBC-HS256.
 */
function managedEach(producer: string, lib: string): InboundCase[] {
  const cannot = (alg: string): RegExp | undefined => CANNOT_MAKE[lib]?.[alg];
  return [
    ...RSA_OAEP_ALGS.map((alg) => asymNestedCase(producer, lib, alg, 'A256GCM', undefined, '', cannot(alg))),
    ...KEY_WRAP_ALGS.flatMap((alg) => (['A256GCM', 'A128CBC-HS256'] as const).map((enc) =>
      asymNestedCase(producer, lib, alg, enc, (k) => k.wrap[alg], '', cannot(alg)))),
  ];
}

/** Every peer → core case, grouped by producer. */
export function inboundCases(): InboundCase[] {
  const dirEach = (producer: string, lib: string) =>
    ENCS.flatMap((enc) => ZIPS.map((zip) => dirNestedCase(producer, lib, enc, zip)));
  const asymEach = (producer: string, lib: string) => [
    ...ENC_KEY_ALGS.map((alg) => asymNestedCase(producer, lib, alg, 'A256GCM')),
    ...ECDH_CURVES.map((crv) => asymNestedCase(producer, lib, 'ECDH-ES+A256KW', 'A256GCM', (k) => k.curves[crv], crv)),
    ...managedEach(producer, lib),
  ];
  return [
    ...each(PYTHON_JOSE_JWS, (alg) => jwsCase('python-jose', 'jose', alg)),
    ...dirEach('python-jose', 'jose'),
    noCtyCase(),
    asymNestedCase('python-jose', 'jose', 'RSA-OAEP-256', 'A256GCM'),
    asymNestedCase('python-jose', 'jose', 'RSA-OAEP-256', 'A256CBC-HS512'),
    ...managedEach('python-jose', 'jose'),
    ...moduleCases(),
    ...each(ALL_JWS, (alg) => jwsCase('PyJWT', 'pyjwt', alg)),
    weakKeyCase('HS256'),
    weakKeyCase('RS256'),
    ...each(ALL_JWS, (alg) => jwsCase('jwcrypto', 'jwcrypto', alg)),
    ...dirEach('jwcrypto', 'jwcrypto'),
    ...asymEach('jwcrypto', 'jwcrypto'),
    ...serviceCases(),
    ...(['ECDH-ES+A256KW', 'RSA-OAEP-256'] as const).flatMap((alg) =>
      (['access', 'refresh'] as const).map((which) => goIssuerCase(alg, which))),
    ...each(ALL_JWS, (alg) => jwsCase('go-jose', 'go', alg)),
    ...dirEach('go-jose', 'go'),
    ...asymEach('go-jose', 'go'),
  ];
}
