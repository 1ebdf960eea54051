import { exportJWK, importPKCS8, importSPKI } from 'jose';
import type { KeyAlgorithm } from '../algorithms.js';
import { InvalidKeyError, TesseraArgumentError } from '../errors.js';
import type { KeyUse, TesseraKey } from '../types.js';
import { finishAsymmetric } from './asymmetric.js';
import { describePkcs8, describeSpki, pkcs8FromPkcs1, pkcs8FromSec1, spkiFromCertificate, spkiFromPkcs1 } from './der.js';
import { type PemBlock, parsePem, toPem } from './pem.js';
import {
  assertKeyTypeFitsAlg,
  checkAlg,
  checkAllowWeakRsaOption,
  checkKidOption,
  checkUseOption,
  type KeyDescription,
} from './validate-key.js';

/** Options of {@link importPem}. */
export interface ImportPemOptions {
  /** The one algorithm the key is bound to (an asymmetric JWS or JWE algorithm). */
  alg: Exclude<KeyAlgorithm, 'dir'>;
  /** `sig` or `enc`; must agree with `alg`. @default the use of `alg` */
  use?: KeyUse;
  /** Key id. @default the RFC 7638 thumbprint of the public key */
  kid?: string;
  /**
   * Compatibility setting: accept an RS* or PS* public key whose modulus is at least 1024 but under 2048 bits (PyJWT and
   * python-jose sign with any size; RFC 7518 §3.3 and §3.5 require 2048). Such a key is marked
   * `verifyOnly: 'allowWeakRsa'`: it verifies that peer's tokens, and signing with it is refused. Private keys, other
   * algorithms, moduli under 1024 bits and an exponent of 1 are still refused; a 2048-bit key imports as usual.
   * @default false
   * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.3
   */
  allowWeakRsa?: boolean;
}

/** A PEM block reduced to what WebCrypto imports: SPKI or PKCS #8 DER, and what kind of key it holds. */
interface Normalized {
  format: 'spki' | 'pkcs8';
  der: Uint8Array;
  desc: KeyDescription;
}

function normalize(block: PemBlock): Normalized {
  switch (block.label) {
    case 'PUBLIC KEY':
      return { format: 'spki', der: block.der, desc: describeSpki(block.der) };
    case 'CERTIFICATE': {
      const spki = spkiFromCertificate(block.der);
      return { format: 'spki', der: spki, desc: describeSpki(spki) };
    }
    case 'RSA PUBLIC KEY':
      return { format: 'spki', der: spkiFromPkcs1(block.der), desc: { kty: 'RSA' } };
    case 'PRIVATE KEY':
      return { format: 'pkcs8', der: block.der, desc: describePkcs8(block.der) };
    case 'RSA PRIVATE KEY':
      return { format: 'pkcs8', der: pkcs8FromPkcs1(block.der), desc: { kty: 'RSA' } };
    case 'EC PRIVATE KEY': {
      const { der, crv } = pkcs8FromSec1(block.der);
      return { format: 'pkcs8', der, desc: { kty: 'EC', crv } };
    }
    default:
      throw new InvalidKeyError(`unsupported PEM type "${block.label}"`);
  }
}

/** The one key block of a PEM text; a certificate chain counts as its first (leaf) certificate. */
function pickBlock(pem: string): PemBlock {
  const blocks = parsePem(pem).filter((b) => b.label !== 'EC PARAMETERS');
  const first = blocks[0];
  if (first === undefined) throw new InvalidKeyError('not a PEM key (no "-----BEGIN ...-----" block)');
  const rest = first.label === 'CERTIFICATE' ? blocks.filter((b) => b.label !== 'CERTIFICATE') : blocks.slice(1);
  if (rest.length > 0) throw new InvalidKeyError('PEM holds more than one key; pass exactly one');
  return first;
}

/**
 * Imports an asymmetric key from PEM and binds it to one algorithm.
 *
 * Reads SPKI (`PUBLIC KEY`), PKCS #8 (`PRIVATE KEY`) and X.509 (`CERTIFICATE`, the leaf of a chain), and also
 * PKCS #1 (`RSA PUBLIC KEY`, `RSA PRIVATE KEY`) and SEC 1 (`EC PRIVATE KEY`), which OpenSSL and Python's
 * cryptography write by default. The key must fit `alg` (RSA ≥ 2048 bits — or ≥ 1024 for a verify-only public key
 * with `allowWeakRsa` — with an odd exponent ≥ 3 and no ROCA fingerprint for RS*, PS*, RSA-OAEP*; P-256/384/521 for ES256/384/512;
 * Ed25519 for EdDSA; P-256/384/521 or X25519 for ECDH-ES*).
 * Private keys are held non-extractable; their public JWK is derived once here.
 *
 * @param pem - the PEM text (text outside the key block is ignored)
 * @param options - algorithm binding; see {@link ImportPemOptions}
 * @returns a frozen `public` or `private` key with `publicJwk` (kid, alg, use; no private members)
 * @throws {InvalidKeyError} `invalid_key`: not PEM, encrypted, malformed DER, several keys, a key type that does
 * not fit `alg` ("an EC P-256 key cannot be used with RS256"), a weak RSA key
 * @throws {UnsupportedAlgorithmError} `unsupported_algorithm`: an `alg` Tessera does not support
 * @throws {TesseraArgumentError} `invalid_argument`: `use` contradicting `alg`, empty `kid`, `allowWeakRsa` with an
 * algorithm other than RS* or PS*
 * @see RFC 7468 (PEM labels), RFC 7638 (thumbprint kid)
 * @example
 * ```ts
 * const key = await importPem(fs.readFileSync('issuer.pub.pem', 'utf8'), { alg: 'RS256' });
 * key.publicJwk; // { kty: 'RSA', n, e, kid: '<thumbprint>', alg: 'RS256', use: 'sig' }
 * // A legacy peer's 1024-bit key: verifies its tokens, never signs (key.verifyOnly === 'allowWeakRsa').
 * const legacy = await importPem(peerPublicPem, { alg: 'RS256', allowWeakRsa: true });
 * ```
 */
export async function importPem(pem: string, options: ImportPemOptions): Promise<TesseraKey> {
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('options.alg is required');
  const alg = checkAlg(options.alg);
  const use = checkUseOption(options.use, alg);
  const kid = checkKidOption(options.kid);
  const allowWeakRsa = checkAllowWeakRsaOption(options.allowWeakRsa, alg);
  if (pem === undefined || pem === null || (typeof pem === 'string' && pem.trim() === '')) throw new InvalidKeyError('key is empty');
  if (typeof pem !== 'string') throw new TesseraArgumentError('pem must be a string');

  const { format, der, desc } = normalize(pickBlock(pem));
  assertKeyTypeFitsAlg(desc, alg);
  let jwk;
  try {
    const cryptoKey =
      format === 'spki'
        ? await importSPKI(toPem('PUBLIC KEY', der), alg)
        : // Extractable only for this one export: the public members come from it; the key kept is re-imported.
          await importPKCS8(toPem('PRIVATE KEY', der), alg, { extractable: true });
    jwk = await exportJWK(cryptoKey);
  } catch (cause) {
    throw new InvalidKeyError(`PEM key could not be imported for ${alg}`, { cause });
  }
  return (await finishAsymmetric(jwk, alg, use, kid, allowWeakRsa)).key;
}
