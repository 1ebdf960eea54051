import { TokenHeaderError } from '../../errors.js';
import type { JoseHeader } from '../../types.js';
import { normalizeMediaType } from './media-type.js';
import type { Policy } from './policy.js';

/**
 * Header rules shared by every engine (RFC 7515 §5.2, RFC 7516 §5.2, RFC 8725 §3.1–3.2). Members that would name a
 * key (`jwk`, `jku`, `x5u`, `x5c`, `x5t`) are deliberately never read: keys come only from the configured resolvers.
 */

function checkAlg(alg: unknown, allowed: ReadonlySet<string>): void {
  if (typeof alg !== 'string') throw new TokenHeaderError('alg', '"alg" header parameter must be a string');
  // The allowlists hold only supported algorithms (checked at construction), so membership is the whole check.
  if (allowed.has(alg)) return;
  if (alg.toLowerCase() === 'none') {
    throw new TokenHeaderError('alg', 'unsecured tokens (alg "none") are never accepted', 'alg_not_allowed');
  }
  throw new TokenHeaderError('alg', '"alg" header parameter value is not allowed', 'alg_not_allowed');
}

function checkCrit(header: JoseHeader, critical: ReadonlySet<string>): void {
  const crit: unknown = header.crit;
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0) {
    throw new TokenHeaderError('crit', '"crit" header parameter must be a non-empty array of names');
  }
  for (let i = 0; i < crit.length; i++) {
    const name: unknown = crit[i];
    // `critical` never holds registered names or `b64`, so this also rejects those (RFC 7515 §4.1.11).
    if (typeof name !== 'string' || !critical.has(name)) {
      throw new TokenHeaderError('crit', '"crit" names a header parameter this verifier does not process');
    }
    if (!Object.hasOwn(header, name)) {
      throw new TokenHeaderError('crit', '"crit" names a header parameter that is absent');
    }
    if (crit.indexOf(name) !== i) throw new TokenHeaderError('crit', '"crit" must not repeat a name');
  }
}

function checkCommon(header: JoseHeader, policy: Policy): void {
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw new TokenHeaderError('kid', '"kid" header parameter must be a string');
  }
  if (header.cty !== undefined && typeof header.cty !== 'string') {
    throw new TokenHeaderError('cty', '"cty" header parameter must be a string');
  }
  checkCrit(header, policy.critical);
}

/**
 * Checks the expected `typ` (case-insensitive, `application/` optional — RFC 7515 §4.1.9). Applied to the header
 * the claims were signed under: the JWS (inner JWS of a nested token), or the JWE of an unsigned `dir` token.
 *
 * @throws {TokenHeaderError} `header_invalid` with `header: 'typ'`.
 */
export function checkTyp(header: JoseHeader, policy: Policy): void {
  const typ: unknown = header.typ;
  if (policy.typ === undefined) {
    if (typ !== undefined && typeof typ !== 'string') {
      throw new TokenHeaderError('typ', '"typ" header parameter must be a string');
    }
    return;
  }
  if (typ === undefined) throw new TokenHeaderError('typ', '"typ" header parameter is missing');
  if (typeof typ !== 'string' || !policy.typ.has(normalizeMediaType(typ))) {
    throw new TokenHeaderError('typ', '"typ" header parameter has an unexpected value');
  }
}

/**
 * Applies the JWS header rules: `alg` a string in the allowlist (never `none`), `kid`/`cty` strings, `crit` only
 * naming present parameters the caller processes, no `b64` (RFC 7797: it changes what is signed, so it is only
 * meaningful listed in `crit`, and `b64` is never a name a caller may list). `typ` is checked separately by
 * {@link checkTyp}.
 *
 * @throws {TokenHeaderError} `alg_not_allowed` or `header_invalid`.
 */
export function checkJwsHeader(header: JoseHeader, policy: Policy): void {
  checkAlg(header.alg, policy.algorithms);
  checkCommon(header, policy);
  // RFC 7797 §6: b64 MUST be listed in crit. Outside crit, a verifier that ignores it (jose does) would check the
  // signature over the encoded payload while the signer meant the raw one: refuse rather than guess.
  if (header.b64 !== undefined) {
    throw new TokenHeaderError('b64', '"b64" header parameter must be listed in "crit" (RFC 7797 §6); unencoded payloads are not supported');
  }
}

/**
 * Applies the JWE header rules: `alg` and `enc` in their allowlists, `zip` absent or an allowed `DEF`, then the rules
 * shared with JWS.
 *
 * @throws {TokenHeaderError} `alg_not_allowed` or `header_invalid`.
 */
export function checkJweHeader(header: JoseHeader, policy: Policy): void {
  if (policy.decryptionKeys === undefined) {
    throw new TokenHeaderError('alg', 'encrypted tokens are not accepted (no "decryptionKeys")', 'alg_not_allowed');
  }
  checkAlg(header.alg, policy.keyManagementAlgorithms);
  const enc: unknown = header.enc;
  if (typeof enc !== 'string') throw new TokenHeaderError('enc', '"enc" header parameter must be a string');
  if (!policy.contentEncryptionAlgorithms.has(enc)) {
    throw new TokenHeaderError('enc', '"enc" header parameter value is not allowed', 'alg_not_allowed');
  }
  const zip: unknown = header.zip;
  if (zip !== undefined) {
    if (zip !== 'DEF') {
      throw new TokenHeaderError('zip', '"zip" header parameter value is not supported', 'alg_not_allowed');
    }
    if (!policy.allowCompression) {
      throw new TokenHeaderError('zip', 'compressed tokens are not allowed', 'alg_not_allowed');
    }
  }
  checkCommon(header, policy);
}
