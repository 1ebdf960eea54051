import { InvalidKeyError } from '../errors.js';
import type { KeyDescription } from './validate-key.js';

// Internal: the little DER (X.690) that key import needs — read the algorithm of SPKI / PKCS#8 / X.509, and re-wrap
// PKCS#1 and SEC1 keys (what OpenSSL and Python's cryptography emit by default) into SPKI / PKCS#8, the only
// formats WebCrypto imports. Pure re-encoding: no arithmetic on key material.

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OID = 0x06;

/** One TLV: its tag, its content, and the whole encoding. */
interface Tlv {
  tag: number;
  value: Uint8Array;
  raw: Uint8Array;
}

function malformed(what: string): never {
  throw new InvalidKeyError(`malformed ${what}`);
}

function readTlv(buf: Uint8Array, pos: number, what: string): Tlv {
  const tag = buf[pos];
  let len = buf[pos + 1];
  if (tag === undefined || len === undefined) malformed(what);
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // Indefinite lengths are BER, not DER; more than 4 length bytes is never a key.
    if (n === 0 || n > 4) malformed(what);
    len = 0;
    for (let i = 0; i < n; i++) {
      const b = buf[p++];
      if (b === undefined) malformed(what);
      len = len * 256 + b;
    }
  }
  if (p + len > buf.length) malformed(what);
  return { tag, value: buf.subarray(p, p + len), raw: buf.subarray(pos, p + len) };
}

/** The TLVs inside a constructed value, in order. */
function children(value: Uint8Array, what: string): Tlv[] {
  const out: Tlv[] = [];
  for (let pos = 0; pos < value.length; ) {
    const t = readTlv(value, pos, what);
    out.push(t);
    pos += t.raw.length;
  }
  return out;
}

/** Reads `buf` as exactly one TLV with the expected tag. */
function single(buf: Uint8Array, tag: number, what: string): Tlv {
  const t = readTlv(buf, 0, what);
  if (t.tag !== tag || t.raw.length !== buf.length) malformed(what);
  return t;
}

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((s, p) => s + p.length, 0);
  const head = [tag, ...encodeLength(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let o = head.length;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// Object identifiers, as the hex of their DER content.
const OID_RSA = '2a864886f70d010101'; // 1.2.840.113549.1.1.1 rsaEncryption
const OID_RSA_PSS = '2a864886f70d01010a'; // 1.2.840.113549.1.1.10 id-RSASSA-PSS
const OID_EC = '2a8648ce3d0201'; // 1.2.840.10045.2.1 id-ecPublicKey
const CURVES: Record<string, string> = {
  '2a8648ce3d030107': 'P-256', // 1.2.840.10045.3.1.7
  '2b81040022': 'P-384', // 1.3.132.0.34
  '2b81040023': 'P-521', // 1.3.132.0.35
  '2b8104000a': 'secp256k1', // 1.3.132.0.10
};
const OKP: Record<string, string> = {
  '2b656e': 'X25519', // 1.3.101.110
  '2b656f': 'X448',
  '2b6570': 'Ed25519',
  '2b6571': 'Ed448',
};

function describeAlgorithmIdentifier(algId: Tlv, what: string): KeyDescription {
  if (algId.tag !== SEQUENCE) malformed(what);
  const [oid, params] = children(algId.value, what);
  if (oid === undefined || oid.tag !== OID) malformed(what);
  const o = hex(oid.value);
  if (o === OID_RSA) return { kty: 'RSA' };
  if (o === OID_RSA_PSS) {
    throw new InvalidKeyError('RSA-PSS (id-RSASSA-PSS) keys are not supported by WebCrypto; use an rsaEncryption key');
  }
  if (o === OID_EC) {
    if (params === undefined || params.tag !== OID) throw new InvalidKeyError('EC key without a named curve is not supported');
    return { kty: 'EC', crv: CURVES[hex(params.value)] ?? 'unknown-curve' };
  }
  const okp = OKP[o];
  if (okp !== undefined) return { kty: 'OKP', crv: okp };
  throw new InvalidKeyError('unsupported key algorithm in PEM');
}

/** The key type of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). */
export function describeSpki(der: Uint8Array): KeyDescription {
  const [algId, key] = children(single(der, SEQUENCE, 'SPKI').value, 'SPKI');
  if (algId === undefined || key === undefined || key.tag !== BIT_STRING) malformed('SPKI');
  return describeAlgorithmIdentifier(algId, 'SPKI');
}

/** The key type of a PKCS #8 PrivateKeyInfo (RFC 5208 §5). */
export function describePkcs8(der: Uint8Array): KeyDescription {
  const [version, algId, key] = children(single(der, SEQUENCE, 'PKCS#8').value, 'PKCS#8');
  if (version?.tag !== INTEGER || algId === undefined || key?.tag !== OCTET_STRING) malformed('PKCS#8');
  return describeAlgorithmIdentifier(algId, 'PKCS#8');
}

/** The SubjectPublicKeyInfo of an X.509 certificate (RFC 5280 §4.1). */
export function spkiFromCertificate(der: Uint8Array): Uint8Array {
  const [tbs] = children(single(der, SEQUENCE, 'certificate').value, 'certificate');
  if (tbs?.tag !== SEQUENCE) malformed('certificate');
  const fields = children(tbs.value, 'certificate');
  // tbsCertificate: [0] version (optional), serial, signature, issuer, validity, subject, subjectPublicKeyInfo.
  const spki = fields[fields[0]?.tag === 0xa0 ? 6 : 5];
  if (spki?.tag !== SEQUENCE) malformed('certificate');
  return spki.raw;
}

const RSA_ALG_ID = tlv(SEQUENCE, tlv(OID, hexBytes(OID_RSA)), tlv(NULL));
const VERSION_0 = tlv(INTEGER, Uint8Array.of(0));

function hexBytes(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** PKCS #1 RSAPublicKey (RFC 8017 §A.1.1) → SubjectPublicKeyInfo. */
export function spkiFromPkcs1(der: Uint8Array): Uint8Array {
  const [n, e, extra] = children(single(der, SEQUENCE, 'PKCS#1 public key').value, 'PKCS#1 public key');
  if (n?.tag !== INTEGER || e?.tag !== INTEGER || extra !== undefined) malformed('PKCS#1 public key');
  return tlv(SEQUENCE, RSA_ALG_ID, tlv(BIT_STRING, Uint8Array.of(0), der));
}

/** PKCS #1 RSAPrivateKey (RFC 8017 §A.1.2) → PKCS #8 PrivateKeyInfo. */
export function pkcs8FromPkcs1(der: Uint8Array): Uint8Array {
  const fields = children(single(der, SEQUENCE, 'PKCS#1 private key').value, 'PKCS#1 private key');
  if (fields.length < 9 || fields.some((f) => f.tag !== INTEGER && f.tag !== SEQUENCE)) malformed('PKCS#1 private key');
  return tlv(SEQUENCE, VERSION_0, RSA_ALG_ID, tlv(OCTET_STRING, der));
}

/** SEC 1 ECPrivateKey (RFC 5915 §3) → PKCS #8 PrivateKeyInfo, taking the curve from its `parameters`. */
export function pkcs8FromSec1(der: Uint8Array): { der: Uint8Array; crv: string } {
  const fields = children(single(der, SEQUENCE, 'SEC1 private key').value, 'SEC1 private key');
  const [version, key] = fields;
  if (version?.tag !== INTEGER || key?.tag !== OCTET_STRING) malformed('SEC1 private key');
  const params = fields.find((f) => f.tag === 0xa0);
  const curveOid = params === undefined ? undefined : children(params.value, 'SEC1 private key')[0];
  if (curveOid?.tag !== OID) throw new InvalidKeyError('SEC1 key has no named curve parameters');
  const algId = tlv(SEQUENCE, tlv(OID, hexBytes(OID_EC)), curveOid.raw);
  return { der: tlv(SEQUENCE, VERSION_0, algId, tlv(OCTET_STRING, der)), crv: CURVES[hex(curveOid.value)] ?? 'unknown-curve' };
}

const EC_CURVE_OIDS: Readonly<Record<string, string>> = Object.freeze({
  'P-256': '2a8648ce3d030107',
  'P-384': '2b81040022',
  'P-521': '2b81040023',
});
const OKP_CURVE_OIDS: Readonly<Record<string, string>> = Object.freeze({ Ed25519: '2b6570', X25519: '2b656e' });

/**
 * PKCS #8 holding only an EC private scalar `d` (RFC 5915 ECPrivateKey without its optional public key), so that
 * whoever imports it computes the public point from `d` itself.
 * @returns the DER, or undefined for a curve other than P-256/384/521
 */
export function pkcs8FromEcScalar(d: Uint8Array, crv: string): Uint8Array | undefined {
  const oid = EC_CURVE_OIDS[crv];
  if (oid === undefined) return undefined;
  const ecPrivateKey = tlv(SEQUENCE, tlv(INTEGER, Uint8Array.of(1)), tlv(OCTET_STRING, d));
  const algId = tlv(SEQUENCE, tlv(OID, hexBytes(OID_EC)), tlv(OID, hexBytes(oid)));
  return tlv(SEQUENCE, VERSION_0, algId, tlv(OCTET_STRING, ecPrivateKey));
}

/**
 * PKCS #8 of an Ed25519 / X25519 private key (RFC 8410 §7: the 32-byte seed in an OCTET STRING), from which the
 * importer computes the public key itself.
 * @returns the DER, or undefined for another curve
 */
export function pkcs8FromOkpSeed(d: Uint8Array, crv: string): Uint8Array | undefined {
  const oid = OKP_CURVE_OIDS[crv];
  if (oid === undefined) return undefined;
  return tlv(SEQUENCE, VERSION_0, tlv(SEQUENCE, tlv(OID, hexBytes(oid))), tlv(OCTET_STRING, tlv(OCTET_STRING, d)));
}
