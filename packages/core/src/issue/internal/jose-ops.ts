import { CompactEncrypt, CompactSign, type CompactJWEHeaderParameters, type CompactJWSHeaderParameters } from 'jose';
import type { JwsAlgorithm } from '../../algorithms.js';
import { TesseraArgumentError, UnsupportedAlgorithmError } from '../../errors.js';
import { getDefaultEngine } from '../../lib/default-engine.js';
import type { JwsSigningHeader } from '../../lib/engine.js';
import type { TesseraKey } from '../../types.js';
import { keyFailure, type EncryptionTarget } from './keys.js';

/** Optional header members Tessera writes, in this order, after `alg` (and `enc`, `zip`). */
export interface HeaderMembers {
  typ?: string | undefined;
  cty?: string | undefined;
  kid?: string | undefined;
}

/** Reads an optional non-empty string header option. */
export function headerOption(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TesseraArgumentError(`"${name}" must be a non-empty string`);
  }
  return value;
}

/** Reads the `zip` option: absent, or `'DEF'` (RFC 7516 §4.1.3). */
export function zipOption(zip: unknown): 'DEF' | undefined {
  if (zip === undefined || zip === 'DEF') return zip;
  if (typeof zip !== 'string') throw new TesseraArgumentError('"zip" must be "DEF" or undefined');
  throw new UnsupportedAlgorithmError(`zip "${zip}" is not supported; use "DEF" or leave it out`);
}

function withMembers<T extends Record<string, unknown>>(header: T, members: HeaderMembers): T {
  const target: Record<string, unknown> = header;
  if (members.typ !== undefined) target.typ = members.typ;
  if (members.cty !== undefined) target.cty = members.cty;
  if (members.kid !== undefined) target.kid = members.kid;
  return header;
}

/**
 * Signs `payload` as a compact JWS with header `{ alg, typ?, cty?, kid? }`: by the default engine where it signs (the
 * node:crypto engine on Node; `TESSERA_ENGINE=jose` forces jose), else, and for any key it leaves alone, by jose.
 */
export async function signCompact(payload: Uint8Array, key: TesseraKey, alg: JwsAlgorithm, members: HeaderMembers,
  name: string): Promise<string> {
  const header = withMembers<CompactJWSHeaderParameters & JwsSigningHeader>({ alg }, members);
  const engine = getDefaultEngine();
  try {
    return await (engine.signJws?.(header, payload, key) ?? new CompactSign(payload).setProtectedHeader(header).sign(key.key));
  } catch (err) {
    throw keyFailure(err, `"${name}" cannot sign with ${alg}`);
  }
}

/** Encrypts `plaintext` as a compact JWE with header `{ alg, enc, zip?, typ?, cty?, kid? }` (plus `epk` for ECDH-ES). */
export async function encryptCompact(plaintext: Uint8Array, target: EncryptionTarget, zip: 'DEF' | undefined,
  members: HeaderMembers, name: string): Promise<string> {
  const header: CompactJWEHeaderParameters = { alg: target.alg, enc: target.enc };
  if (zip !== undefined) header.zip = zip;
  withMembers(header, members);
  const key = await target.key;
  try {
    return await new CompactEncrypt(plaintext).setProtectedHeader(header).encrypt(key);
  } catch (err) {
    throw keyFailure(err, `"${name}" cannot encrypt with ${target.alg} and ${target.enc}`);
  }
}
