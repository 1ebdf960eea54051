import { isJweContentAlgorithm, type JweContentAlgorithm, type KeyAlgorithm } from '../algorithms.js';
import { InvalidKeyError, TesseraArgumentError } from '../errors.js';
import type { Jwk, KeyUse, TesseraKey } from '../types.js';
import { finishAsymmetric } from './asymmetric.js';
import { decodeBase64Url } from './encoding.js';
import { createSecretKey } from './secret-key.js';
import {
  assertKeyTypeFitsAlg,
  checkAlg,
  checkAllowWeakRsaOption,
  checkKidOption,
  checkUseOption,
  isSymmetricAlgorithm,
  quote,
  useOf,
} from './validate-key.js';

/** Options of {@link importJwk}. They fill in what the JWK lacks and may never contradict it. */
export interface ImportJwkOptions {
  /** Algorithm to bind the key to. @default the JWK's `alg` (one of the two is required) */
  alg?: KeyAlgorithm;
  /** `sig` or `enc`; must agree with the algorithm. @default the use of the algorithm */
  use?: KeyUse;
  /** Key id. @default the JWK's `kid`, else the RFC 7638 thumbprint for asymmetric keys (none for secrets) */
  kid?: string;
  /** For an `oct` key with alg `dir`: the content encryption it is sized for. @default the JWK's non-standard `enc` */
  enc?: JweContentAlgorithm;
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

const OPS: Record<KeyUse, readonly string[]> = {
  sig: ['sign', 'verify'],
  enc: ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey', 'deriveKey', 'deriveBits'],
};

function pick<T>(fromJwk: T | undefined, fromOptions: T | undefined, name: string): T | undefined {
  if (fromJwk !== undefined && fromOptions !== undefined && fromJwk !== fromOptions) {
    throw new InvalidKeyError(`JWK "${name}" ${quote(fromJwk)} contradicts options.${name} ${quote(fromOptions)}`);
  }
  return fromJwk ?? fromOptions;
}

function jwkAlg(jwk: Jwk): KeyAlgorithm | undefined {
  if (jwk.alg === undefined) return undefined;
  if (typeof jwk.alg !== 'string' || jwk.alg === '') throw new InvalidKeyError('JWK "alg" must be a non-empty string');
  return checkAlg(jwk.alg, 'JWK "alg"');
}

function checkJwkUse(jwk: Jwk, alg: KeyAlgorithm): void {
  const expected = useOf(alg);
  if (jwk.use !== undefined && jwk.use !== expected) {
    throw new InvalidKeyError(`JWK "use" ${quote(jwk.use)} does not fit ${alg} (a "${expected}" algorithm)`);
  }
  const ops: unknown = jwk.key_ops;
  if (ops === undefined) return;
  if (!Array.isArray(ops) || ops.some((op) => typeof op !== 'string')) throw new InvalidKeyError('JWK "key_ops" must be an array of strings');
  if (!ops.some((op: string) => OPS[expected].includes(op))) throw new InvalidKeyError(`JWK "key_ops" allows no ${expected} operation`);
}

function jwkEnc(jwk: Jwk): JweContentAlgorithm | undefined {
  const enc: unknown = (jwk as Record<string, unknown>)['enc'];
  if (enc === undefined) return undefined;
  if (!isJweContentAlgorithm(enc)) throw new InvalidKeyError(`JWK "enc" ${quote(enc)} is not a supported content encryption`);
  return enc;
}

/**
 * Imports a JSON Web Key and binds it to one algorithm.
 *
 * The algorithm comes from `options.alg` or the JWK's `alg` (one is required; if both are given they must agree,
 * as must `use` and `kid`). `oct` keys pass the same size rules and algorithm-confusion refusal as
 * {@link importSecret}; a `dir` key also needs its `enc` (from `options.enc`). Asymmetric keys pass the same type,
 * curve and strength checks as {@link importPem}; a JWK with `d` becomes a `private` key.
 *
 * @param jwk - the JWK (public, private or `oct`)
 * @param options - see {@link ImportJwkOptions}
 * @returns a frozen key; asymmetric keys carry `publicJwk` with kid/alg/use and no private members
 * @throws {InvalidKeyError} `invalid_key`: no `alg`, contradicting options, wrong `use`/`key_ops`, malformed or
 * weak key, wrong type for the algorithm, bad size
 * @throws {UnsupportedAlgorithmError} `unsupported_algorithm`: an `alg` Tessera does not support (e.g. RSA1_5)
 * @throws {TesseraArgumentError} `invalid_argument`: a `dir` key without `enc`, malformed options, `allowWeakRsa`
 * with an algorithm other than RS* or PS*
 * @see RFC 7517 §4 (JWK members), RFC 7638 (thumbprint kid)
 * @example
 * ```ts
 * const key = await importJwk({ kty: 'oct', k: '...', alg: 'HS256', kid: 'hmac-1' });
 * const dir = await importJwk({ kty: 'oct', k: '...' }, { alg: 'dir', enc: 'A256GCM' });
 * ```
 */
export async function importJwk(jwk: Jwk, options: ImportJwkOptions = {}): Promise<TesseraKey> {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new InvalidKeyError('JWK must be an object');
  if (typeof options !== 'object' || options === null) throw new TesseraArgumentError('options must be an object');
  const alg = pick(jwkAlg(jwk), options.alg === undefined ? undefined : checkAlg(options.alg), 'alg');
  if (alg === undefined) throw new InvalidKeyError('JWK has no "alg"; pass options.alg (every Tessera key is bound to one algorithm)');
  checkJwkUse(jwk, alg);
  const use = checkUseOption(options.use, alg);
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || jwk.kid === '')) throw new InvalidKeyError('JWK "kid" must be a non-empty string');
  const kid = pick(jwk.kid, checkKidOption(options.kid), 'kid');
  const allowWeakRsa = checkAllowWeakRsaOption(options.allowWeakRsa, alg);

  const { kty } = jwk;
  if (typeof kty !== 'string' || kty === '') throw new InvalidKeyError('JWK "kty" is missing or not a string');
  assertKeyTypeFitsAlg({ kty, crv: typeof jwk.crv === 'string' ? jwk.crv : undefined }, alg);

  if (isSymmetricAlgorithm(alg)) {
    if (typeof jwk.k !== 'string') throw new InvalidKeyError('JWK "k" is missing or not a string');
    if (jwk.k === '') throw new InvalidKeyError('key is empty');
    let enc: JweContentAlgorithm | undefined;
    if (alg === 'dir') {
      if (options.enc !== undefined && !isJweContentAlgorithm(options.enc)) throw new TesseraArgumentError('options.enc is not a supported content encryption');
      enc = pick(jwkEnc(jwk), options.enc, 'enc');
    } else if (options.enc !== undefined) {
      throw new TesseraArgumentError('options.enc applies to alg "dir" only');
    }
    return createSecretKey(decodeBase64Url(jwk.k, 'JWK "k"', true), alg, enc, kid);
  }
  return (await finishAsymmetric(jwk, alg, use, kid, allowWeakRsa)).key;
}
