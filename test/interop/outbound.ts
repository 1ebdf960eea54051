/**
 * Core → peers: every format Tessera's issuer emits (JWS per algorithm, `dir` JWE per enc ± DEF — nested and
 * payload-only — and nested JWS-in-JWE per key-management algorithm), read by each library that supports it. Where
 * a library does not, its own error is asserted, so a change in either side shows up.
 */
import { type JweContentAlgorithm, type JwsAlgorithm, issueToken } from '@tessera/core';
import { expect } from 'vitest';
import { AUD, ISS, type OutboundCase, type Runner, expectOk, expectUnsupported } from './cases.js';
import {
  ALL_JWS, ECDH_CURVES, ENC_KEY_ALGS, ENCS, type EcdhCurve, type EncFixture, type EncKeyAlgorithm, type InteropKeys,
  KEY_WRAP_ALGS, PYTHON_JOSE_JWS, RSA_OAEP_ALGS,
} from './fixtures.js';
import type { PeerJob } from './peers.js';

/** `subject` as well as `sub`, so the jwt_decrypt module (which reads `subject`) can check Tessera's tokens. */
const CLAIMS = { subject: 'user_12345', role: 'user', scope: 'read' };
/** The Go issuer's claim set. */
const ISSUER_CLAIMS = { uid: 'u123', device_id: 'dev1', client_id: 'web', scope: ['read', 'write'] };
const BASE = { subject: 'u123', issuer: ISS, audience: AUD, expiresIn: '10m' } as const;

const PYTHON_JOSE_NO_ALG = /^JWKError: Unable to find an algorithm for key/;
const PYTHON_JOSE_NO_RAW_DEFLATE = /^error: Error -3 while decompressing data: incorrect header check$/;
const PYTHON_JOSE_NO_ECDH = /^JWEError: Algorithm ECDH-ES(\+A\d+KW)? not supported\.$/;
const SERVICE_NO_NESTED = /^JSONDecodeError: Expecting value: line 1 column 1 \(char 0\)$/;
/** go-jose v2 reads OKP keys for EdDSA only; its JWK parser has no X25519. */
const GO_JOSE_NO_X25519 = /^square\/go-jose: unknown curve X25519'$/;

function outCase(format: string, consumer: string, runner: Runner, issue: OutboundCase['issue'],
  job: (token: string, k: InteropKeys, id: string) => PeerJob, unsupported?: RegExp,
  read: 'claims' | 'plaintext' | 'payload' = 'claims'): OutboundCase {
  const id = `out:${consumer}:${format}`;
  return {
    format,
    consumer,
    runner,
    issue,
    job: (token, k) => job(token, k, id),
    check: (result, issued) => {
      if (unsupported !== undefined) return expectUnsupported(result, unsupported);
      const r = expectOk(result);
      const got = read === 'plaintext' ? JSON.parse(String(r.plaintext)) : r[read];
      expect(got).toEqual(issued.claims);
      return 'pass';
    },
  };
}

const zipName = (zip: 'DEF' | undefined) => (zip === undefined ? '' : '+DEF');

function jwsCases(alg: JwsAlgorithm, typ?: string): OutboundCase[] {
  const format = `JWS ${alg}${typ === undefined ? '' : `, typ ${typ}`}`;
  const issue = (k: InteropKeys) =>
    issueToken({ format: 'jwt', signingKey: k.sig[alg].signer, ...BASE, claims: CLAIMS, ...(typ ? { typ } : {}) });
  const verifyJob = (lib: string) => (token: string, k: InteropKeys, id: string): PeerJob =>
    ({ id, op: 'verify', lib, token, alg, key: k.sig[alg].pub, audience: AUD, issuer: ISS });
  const joseOk = PYTHON_JOSE_JWS.includes(alg) ? undefined : PYTHON_JOSE_NO_ALG;
  return [
    outCase(format, 'python-jose', 'python', issue, verifyJob('jose'), joseOk),
    outCase(format, 'PyJWT', 'python', issue, verifyJob('pyjwt')),
    outCase(format, 'jwcrypto', 'python', issue, verifyJob('jwcrypto')),
    // jwt_decrypt passes no audience to python-jose, which then rejects any token with `aud` (RFC 7519 §4.1.3):
    // tokens for it are issued the module's way, with the `subject` claim and without `aud`.
    ...(typ !== undefined ? [] : [outCase(`${format}, "subject" claim, no aud`, 'jwt_decrypt', 'python',
      (k) => issueToken({ format: 'jwt', signingKey: k.sig[alg].signer, subject: 'u123', expiresIn: '10m',
        claims: CLAIMS }),
      (token, k, id) => ({ id, op: 'jwt_decrypt', token, alg, key: k.sig[alg].pub, subject: CLAIMS.subject,
        check_exp: true }),
      joseOk)]),
    outCase(format, 'go-jose', 'go', issue, (token, k, id) => ({
      id, op: 'verify', token, alg, key: { jwk: k.sig[alg].pub.jwk }, audience: AUD, issuer: ISS,
    })),
  ];
}

function dirCases(enc: JweContentAlgorithm, zip: 'DEF' | undefined): OutboundCase[] {
  const nested = `nested dir ${enc}${zipName(zip)} (HS256)`;
  const payload = `payload dir ${enc}${zipName(zip)}`;
  const issueNested = (k: InteropKeys) => issueToken({
    format: 'jwe-dir', signingKey: k.sig.HS256.signer, encryptionKey: k.dir[enc].encrypter, zip, ...BASE,
    claims: CLAIMS,
  });
  const issuePayload = (k: InteropKeys) => issueToken({
    format: 'jwe-dir', encryptionKey: k.dir[enc].encrypter, zip, ...BASE, claims: CLAIMS,
  });
  const pyNested = (lib: string) => (token: string, k: InteropKeys, id: string): PeerJob => ({
    id, op: 'nested', lib, token, sign: { alg: 'HS256', key: k.sig.HS256.pub }, encrypt: { key: k.dir[enc].priv },
    audience: AUD, issuer: ISS,
  });
  const pyDecrypt = (lib: string) => (token: string, k: InteropKeys, id: string): PeerJob =>
    ({ id, op: 'decrypt', lib, token, key: k.dir[enc].priv });
  const service = (extract: boolean) => (token: string, k: InteropKeys, id: string): PeerJob =>
    ({ id, op: 'jwe_service', token, enc, key_b64: k.dir[enc].priv.b64, extract_jwt: extract });
  const joseZip = zip === 'DEF' ? PYTHON_JOSE_NO_RAW_DEFLATE : undefined;
  return [
    outCase(nested, 'python-jose', 'python', issueNested, pyNested('jose'), joseZip),
    outCase(nested, 'jwcrypto', 'python', issueNested, pyNested('jwcrypto')),
    outCase(nested, 'JWE service', 'python', issueNested, service(true), SERVICE_NO_NESTED),
    outCase(nested, 'go-jose', 'go', issueNested, (token, k, id) => ({
      id, op: 'nested', token, sign: { alg: 'HS256', jwk: k.sig.HS256.pub.jwk },
      encrypt: { alg: 'dir', jwk: k.dir[enc].priv.jwk }, audience: AUD, issuer: ISS,
    })),
    outCase(payload, 'python-jose', 'python', issuePayload, pyDecrypt('jose'), joseZip, 'plaintext'),
    outCase(payload, 'jwcrypto', 'python', issuePayload, pyDecrypt('jwcrypto'), undefined, 'plaintext'),
    outCase(payload, 'JWE service', 'python', issuePayload, service(false), undefined, 'payload'),
    outCase(payload, 'go-jose', 'go', issuePayload, (token, k, id) => ({
      id, op: 'decrypt', token, alg: 'dir', key: { jwk: k.dir[enc].priv.jwk },
    }), undefined, 'plaintext'),
  ];
}

/** jwcrypto 1.1 has no RSA-OAEP-384/512: its decrypt tries the key, which refuses the algorithm. */
const JWCRYPTO_NO_ALG = /^InvalidJWEData: No recipient matched the provided key\["Failed: \[InvalidJWEOperation\('Algorithm not allowed'\)\]"\]$/;
/** go-jose v2 has no RSA-OAEP-384/512: decryption fails on the unknown key management. */
const GO_JOSE_NO_ALG = /^square\/go-jose: error in cryptographic primitive$/;

/** What each peer answers for a key management it does not have (asserted, so a new peer version shows up). */
const UNSUPPORTED: Readonly<Record<string, Partial<Record<'python-jose' | 'jwcrypto' | 'go-jose', RegExp>>>> = {
  'RSA-OAEP-384': {
    'python-jose': /^JWEError: Algorithm RSA-OAEP-384 not supported\.$/,
    jwcrypto: JWCRYPTO_NO_ALG,
    'go-jose': GO_JOSE_NO_ALG,
  },
  'RSA-OAEP-512': {
    'python-jose': /^JWEError: Algorithm RSA-OAEP-512 not supported\.$/,
    jwcrypto: JWCRYPTO_NO_ALG,
    'go-jose': GO_JOSE_NO_ALG,
  },
  A128GCMKW: { 'python-jose': /^JWEError: Algorithm A128GCMKW not supported\.$/ },
  A192GCMKW: { 'python-jose': /^JWEError: Algorithm A192GCMKW not supported\.$/ },
  A256GCMKW: { 'python-jose': /^JWEError: Algorithm A256GCMKW not supported\.$/ },
};

/**
 * ES256 inside a JWE to `alg` (the Go issuer's shape and claims); `curve` picks an ECDH-ES+A256KW key on it, `fixture`
 * another key (RSA-OAEP with another hash, a shared key-wrapping key).
 */
function nestedCases(alg: EncKeyAlgorithm | EncFixture['alg'], curve?: EcdhCurve,
  fixture?: (k: InteropKeys) => EncFixture): OutboundCase[] {
  const format = `nested ${alg}${curve ? ` ${curve}` : ''}/A256GCM (ES256)`;
  const key = (k: InteropKeys) => fixture?.(k) ?? (curve === undefined ? k.enc[alg as EncKeyAlgorithm] : k.curves[curve]);
  const unsupported = UNSUPPORTED[alg] ?? {};
  const issue = (k: InteropKeys) => issueToken({
    format: 'jwe', signingKey: k.sig.ES256.signer, encryptionKey: key(k).encrypter, enc: 'A256GCM', ...BASE,
    claims: ISSUER_CLAIMS,
  });
  const py = (lib: string) => (token: string, k: InteropKeys, id: string): PeerJob => ({
    id, op: 'nested', lib, token, sign: { alg: 'ES256', key: k.sig.ES256.pub }, encrypt: { key: key(k).priv },
    audience: AUD, issuer: ISS,
  });
  return [
    outCase(format, 'python-jose', 'python', issue, py('jose'),
      alg.startsWith('ECDH') ? PYTHON_JOSE_NO_ECDH : unsupported['python-jose']),
    outCase(format, 'jwcrypto', 'python', issue, py('jwcrypto'), unsupported.jwcrypto),
    outCase(format, 'go-jose', 'go', issue, (token, k, id) => ({
      id, op: 'nested', token, sign: { alg: 'ES256', jwk: k.sig.ES256.pub.jwk },
      encrypt: { alg, jwk: key(k).priv.jwk }, audience: AUD, issuer: ISS,
    }), curve === 'X25519' ? GO_JOSE_NO_X25519 : unsupported['go-jose']),
  ];
}

/** Every core → peer case. */
export function outboundCases(): OutboundCase[] {
  return [
    ...ALL_JWS.flatMap((alg) => jwsCases(alg)),
    // RFC 9068 access tokens: none of the peers checks typ, so they read these like any JWT.
    ...jwsCases('ES256', 'at+jwt'),
    ...ENCS.flatMap((enc) => [undefined, 'DEF' as const].flatMap((zip) => dirCases(enc, zip))),
    ...ENC_KEY_ALGS.flatMap((alg) => nestedCases(alg)),
    ...ECDH_CURVES.flatMap((crv) => nestedCases('ECDH-ES+A256KW', crv)),
    ...RSA_OAEP_ALGS.flatMap((alg) => nestedCases(alg)),
    ...KEY_WRAP_ALGS.flatMap((alg) => nestedCases(alg, undefined, (k) => k.wrap[alg])),
  ];
}
