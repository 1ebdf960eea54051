import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair as joseGenerateKeyPair } from 'jose';
import type { EcdhAlgorithm, JwsAlgorithm, RsaOaepAlgorithm } from '../algorithms.js';
import { TesseraArgumentError } from '../errors.js';
import type { Jwk, KeyUse, TesseraKey } from '../types.js';
import { finishAsymmetric } from './asymmetric.js';
import { checkKidOption, checkUseOption, quote } from './validate-key.js';

/** Algorithms {@link generateKeyPair} makes keys for: asymmetric JWS algorithms and the asymmetric JWE ones. */
export type KeyPairAlgorithm =
  | Exclude<JwsAlgorithm, 'HS256' | 'HS384' | 'HS512'>
  | RsaOaepAlgorithm
  | EcdhAlgorithm;

/** Options of {@link generateKeyPair}. */
export interface GenerateKeyPairOptions {
  /** Curve for ECDH-ES* (the other algorithms fix their curve). @default 'P-256' */
  crv?: 'P-256' | 'P-384' | 'P-521' | 'X25519';
  /** RSA modulus size in bits (RS*, PS*, RSA-OAEP*), 2048 to 16384. @default 2048 */
  modulusLength?: number;
  /** Key id. @default the RFC 7638 thumbprint of the public key */
  kid?: string;
  /** `sig` or `enc`; must agree with `alg`. @default `sig` for JWS algorithms, `enc` for JWE ones */
  use?: KeyUse;
}

/** A generated key pair in every form Tessera and its peers take. */
export interface GeneratedKeyPair {
  readonly kid: string;
  readonly alg: KeyPairAlgorithm;
  readonly use: KeyUse;
  /** For signing / decrypting (non-extractable). */
  readonly privateKey: TesseraKey;
  /** For verifying / encrypting. */
  readonly publicKey: TesseraKey;
  /** The private JWK, with kid/alg/use — store it as a secret. */
  readonly privateJwk: Jwk;
  /** The public JWK, with kid/alg/use — publish it in a JWKS. */
  readonly publicJwk: Jwk;
  /** The private key as PKCS #8 PEM. */
  readonly privatePem: string;
  /** The public key as SPKI PEM. */
  readonly publicPem: string;
}

const RSA = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'RSA-OAEP', 'RSA-OAEP-256', 'RSA-OAEP-384',
  'RSA-OAEP-512']);
const ECDH = new Set(['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']);
const OTHER = new Set(['ES256', 'ES384', 'ES512', 'EdDSA']);
const CURVES = new Set(['P-256', 'P-384', 'P-521', 'X25519']);

/**
 * Generates an asymmetric key pair bound to one algorithm, with its JWKs (kid, alg, use) and PEMs.
 *
 * EdDSA keys are Ed25519. RSA keys use e = 65537. The kid defaults to the RFC 7638 thumbprint, so the same key
 * always gets the same kid.
 *
 * @param alg - RS256…PS512, ES256/384/512, EdDSA, RSA-OAEP(-256/-384/-512) or ECDH-ES(+A128KW/A192KW/A256KW); shared
 * keys (HS*, dir, A*KW, A*GCMKW) come from {@link generateSecret}
 * @param options - see {@link GenerateKeyPairOptions}
 * @returns the pair as TesseraKeys, JWKs and PEMs
 * @throws {TesseraArgumentError} `invalid_argument`: unknown `alg`, `crv` for a non-ECDH algorithm, bad
 * `modulusLength`, `use` contradicting `alg`
 * @see RFC 7518 §3 and §4 (algorithms), RFC 8037 (OKP keys), RFC 7638 (thumbprint)
 * @example
 * ```ts
 * const pair = await generateKeyPair('ES256');
 * const jwks = { keys: [pair.publicJwk] };
 * const enc = await generateKeyPair('ECDH-ES+A256KW', { crv: 'X25519' });
 * ```
 */
export async function generateKeyPair(alg: KeyPairAlgorithm, options: GenerateKeyPairOptions = {}): Promise<GeneratedKeyPair> {
  if (!RSA.has(alg) && !ECDH.has(alg) && !OTHER.has(alg)) {
    throw new TesseraArgumentError(`generateKeyPair takes an asymmetric JWS or JWE algorithm, not ${quote(alg)}`);
  }
  const { crv, modulusLength } = options;
  if (crv !== undefined && (!ECDH.has(alg) || !CURVES.has(crv))) {
    throw new TesseraArgumentError(
      ECDH.has(alg) ? 'options.crv must be "P-256", "P-384", "P-521" or "X25519"' : `options.crv applies to ECDH-ES algorithms only, not ${alg}`,
    );
  }
  if (modulusLength !== undefined) {
    if (!RSA.has(alg)) throw new TesseraArgumentError(`options.modulusLength applies to RSA algorithms only, not ${alg}`);
    if (!Number.isInteger(modulusLength) || modulusLength < 2048 || modulusLength > 16384 || modulusLength % 8 !== 0) {
      throw new TesseraArgumentError('options.modulusLength must be a multiple of 8 from 2048 to 16384');
    }
  }
  const use = checkUseOption(options.use, alg);
  const kid = checkKidOption(options.kid);

  // Extractable once, to write the JWK and PEM forms the caller asked for; the private TesseraKey is re-imported
  // non-extractable by finishAsymmetric.
  const pair = await joseGenerateKeyPair(alg, {
    extractable: true,
    ...(ECDH.has(alg) ? { crv: crv ?? 'P-256' } : {}),
    ...(RSA.has(alg) ? { modulusLength: modulusLength ?? 2048 } : {}),
  });
  const [rawPrivate, privatePem, publicPem] = await Promise.all([
    exportJWK(pair.privateKey),
    exportPKCS8(pair.privateKey),
    exportSPKI(pair.publicKey),
  ]);
  const { key_ops: _ops, ext: _ext, ...material } = rawPrivate;
  const done = await finishAsymmetric(material, alg, use, kid);
  const id = done.kid;
  return Object.freeze({
    kid: id,
    alg,
    use,
    privateKey: done.key,
    publicKey: done.publicKey,
    privateJwk: { ...material, kid: id, alg, use },
    publicJwk: { ...done.publicJwk },
    privatePem,
    publicPem,
  });
}
