import { TesseraArgumentError } from '../../errors.js';
import type { JwtClaims, TesseraKey } from '../../types.js';
import type { SignJwtOptions } from '../sign-jwt.js';
import { buildClaims } from './build-claims.js';
import { isPlainObject, toJson, utf8 } from './encode.js';
import { headerOption, signCompact } from './jose-ops.js';
import { signingAlgorithm } from './keys.js';

/** A signed JWT and the exact JSON its payload segment carries. */
export interface SignedClaims {
  readonly token: string;
  readonly json: string;
  readonly claims: JwtClaims;
}

/** Reads an options argument: absent, or a plain object. */
export function optionsObject<T extends object>(options: T | undefined, name: string): Partial<T> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new TesseraArgumentError(`"${name}" must be a plain object`);
  return options;
}

/**
 * Builds the claims, serializes them once, and signs them as a compact JWS with header `{ alg, typ, kid? }`.
 * Shared by signJwt, signAndEncrypt and issueToken so each token is built by one code path.
 */
export async function signClaims(claims: JwtClaims, key: TesseraKey, options: SignJwtOptions, keyName: string)
  : Promise<SignedClaims> {
  const alg = signingAlgorithm(key, keyName);
  const typ = headerOption(options.typ, 'typ') ?? 'JWT';
  const kid = headerOption(options.kid, 'kid') ?? key.kid;
  const built = buildClaims(claims, options);
  const json = toJson(built, 'claims');
  const token = await signCompact(utf8(json), key, alg, { typ, kid }, keyName);
  return { token, json, claims: built };
}
