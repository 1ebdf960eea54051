import { isKeyWrapAlgorithm } from '../../algorithms.js';
import { TokenFormatError, TokenHeaderError } from '../../errors.js';
import { hasOnlyTokenCharacters } from '../../lib/base64url.js';
import { decodeUtf8, parseStrictJsonBytes, parseStrictJsonObject } from '../../lib/strict-json.js';
import type { JoseHeader, JwtClaims, TesseraKey } from '../../types.js';
import type { VerifiedToken } from '../verified-token.js';
import { checkClaims } from './check-claims.js';
import { checkTyp } from './check-header.js';
import type { HeaderCache } from './header-cache.js';
import { normalizeMediaType } from './media-type.js';
import { openJwe, openJws } from './open-compact.js';
import { parseCompact, type ParsedJwe, type ParsedJws } from './parse-compact.js';
import type { Policy } from './policy.js';
import type { KeyedResult } from './with-candidate-keys.js';

/*
 * Every step returns its answer at once when the engine answered at once, and a promise only when it did not (see
 * VerificationEngine): a synchronous engine then verifies a token without a single promise hop before the one
 * `verifyCompact` returns.
 */

interface Signed {
  readonly payload: JwtClaims;
  readonly header: JoseHeader;
  readonly key: TesseraKey;
}

function parseClaims(text: string): JwtClaims {
  return parseStrictJsonObject(text, 'token payload') as JwtClaims;
}

/** Header rules, key selection, signature, then the payload as a strict JSON object (claims are checked by callers). */
function verifySigned(policy: Policy, headers: HeaderCache, jws: ParsedJws): Signed | Promise<Signed> {
  const opened = openJws(policy, jws);
  return opened instanceof Promise ? opened.then((result) => signed(headers, jws, result)) : signed(headers, jws, opened);
}

/** The verified JWS with its payload parsed; the engine's bytes are lent, so they are parsed here and not kept. */
function signed(headers: HeaderCache, jws: ParsedJws, { bytes, key }: KeyedResult): Signed {
  if (!jws.cached) headers.remember('jws', jws.protectedB64, jws.header);
  return { payload: parseStrictJsonBytes(bytes, 'token payload') as JwtClaims, header: jws.header, key };
}

/** True when the text is a JSON object rather than a compact JWS (whose first character is base64url). */
function startsLikeJsonObject(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}

/** True when the text has the shape of a compact JWS: base64url characters in exactly three segments. */
function looksLikeCompactJws(text: string): boolean {
  const first = text.indexOf('.');
  const second = first === -1 ? -1 : text.indexOf('.', first + 1);
  return second !== -1 && text.indexOf('.', second + 1) === -1 && hasOnlyTokenCharacters(text);
}

/**
 * The JWS inside the JWE service's envelope: a claims object with exactly one member, `jwt`, holding a string (the
 * `compat.jwtEnvelope` shape); otherwise undefined.
 */
function envelopedJws(claims: JwtClaims): string | undefined {
  const names = Object.keys(claims);
  const jwt = claims['jwt'];
  return names.length === 1 && names[0] === 'jwt' && typeof jwt === 'string' ? jwt : undefined;
}

/** Verifies `text` as the inner compact JWS of a nested token and checks its claims. */
function openNested(
  policy: Policy,
  headers: HeaderCache,
  text: string,
  what: string,
  encryptionHeader: JoseHeader,
  decryptionKey: TesseraKey,
): VerifiedToken | Promise<VerifiedToken> {
  // The plaintext is bounded by the token size or maxInflatedSize already, so no second size cap.
  const inner = parseCompact(text, Number.POSITIVE_INFINITY, headers);
  if (inner.kind !== 'jws') throw new TokenFormatError(`${what} is not a compact JWS`);
  const verified = verifySigned(policy, headers, inner);
  const finish = (result: Signed): VerifiedToken => {
    checkClaims(result.payload, policy);
    return { ...result, format: 'nested', encryptionHeader, decryptionKey };
  };
  return verified instanceof Promise ? verified.then(finish) : finish(verified);
}

function openEncrypted(policy: Policy, headers: HeaderCache, jwe: ParsedJwe): VerifiedToken | Promise<VerifiedToken> {
  const opened = openJwe(policy, jwe);
  return opened instanceof Promise
    ? opened.then((result) => readPlaintext(policy, headers, jwe, result))
    : readPlaintext(policy, headers, jwe, opened);
}

/** What a decrypted JWE holds: claims, a nested JWS, or (under compat settings) an envelope or a JWS without `cty`. */
function readPlaintext(
  policy: Policy,
  headers: HeaderCache,
  jwe: ParsedJwe,
  { bytes, key: decryptionKey }: KeyedResult,
): VerifiedToken | Promise<VerifiedToken> {
  const header = jwe.header;
  if (!jwe.cached) headers.remember('jwe', jwe.protectedB64, header);
  const text = decodeUtf8(bytes, 'decrypted token');
  const cty = header.cty;
  if (cty !== undefined && normalizeMediaType(cty) === 'jwt') {
    return openNested(policy, headers, text, 'decrypted token', header, decryptionKey);
  }
  const jsonObject = startsLikeJsonObject(text);
  if (!jsonObject) {
    // RFC 7519 §5.2: a nested JWT says so with cty JWT. Guessing from the plaintext is what python-jose's readers
    // do; Tessera does it only when asked, and the inner signature is verified either way.
    if (looksLikeCompactJws(text) && !(cty === undefined && policy.compat.nestedWithoutCty)) {
      throw new TokenHeaderError('cty', cty === undefined
        ? 'encrypted token holds a JWS but has no "cty": "JWT" (RFC 7519 §5.2); compat.nestedWithoutCty reads it'
        : 'encrypted token holds a JWS but its "cty" is not "JWT" (RFC 7519 §5.2)');
    }
    if (!looksLikeCompactJws(text)) {
      // Say what is wrong with the plaintext, not with the outer token's encoding (which was fine: it decrypted).
      throw new TokenFormatError('decrypted token is neither JWT claims nor a compact JWS');
    }
    // A JWS read under compat.nestedWithoutCty.
    return openNested(policy, headers, text, 'decrypted token', header, decryptionKey);
  }
  if (header.alg === 'dir' && policy.compat.jwtEnvelope) {
    const claims = parseClaims(text);
    const jwt = envelopedJws(claims);
    if (jwt !== undefined) {
      return openNested(policy, headers, jwt, 'the "jwt" member of the decrypted token', header, decryptionKey);
    }
    return openClaims(policy, header, claims, decryptionKey);
  }
  return openClaims(policy, header, text, decryptionKey);
}

/**
 * A JWE whose plaintext is the claims themselves (no inner signature): trusted only under a shared key (`dir`, `A*KW`,
 * `A*GCMKW`), which only its holders can encrypt with.
 */
function openClaims(policy: Policy, header: JoseHeader, plaintext: string | JwtClaims,
  decryptionKey: TesseraKey): VerifiedToken {
  if (policy.requireSignedJwe) {
    throw new TokenHeaderError('cty', 'encrypted token must contain a signed JWT (requireSignedJwe)');
  }
  if (header.alg !== 'dir' && !isKeyWrapAlgorithm(header.alg)) {
    // Anyone holding the recipient's public key can produce this ciphertext: it proves nothing about the issuer.
    throw new TokenHeaderError('cty', `encrypted token under "${header.alg}" must contain a signed JWT`);
  }
  checkTyp(header, policy);
  const payload = typeof plaintext === 'string' ? parseClaims(plaintext) : plaintext;
  checkClaims(payload, policy);
  return { payload, header, format: 'jwe', encryptionHeader: header, key: decryptionKey, decryptionKey };
}

/**
 * The verification pipeline every engine shares: size cap, strict split and header decode, header rules, key
 * selection, signature or decryption (via the engine), nested JWS, then the claims policy. `headers` is the
 * verifier's cache of protected headers already checked under `policy`.
 *
 * Always a promise, even when every step answered at once: a bad token is a rejection, never a synchronous throw.
 *
 * @throws {TesseraError} with a stable code for every way a token can be bad (as a rejection).
 */
export function verifyCompact(policy: Policy, headers: HeaderCache, token: unknown): Promise<VerifiedToken> {
  try {
    return Promise.resolve(verifyToken(policy, headers, token));
  } catch (err) {
    return Promise.reject(err);
  }
}

function verifyToken(policy: Policy, headers: HeaderCache, token: unknown): VerifiedToken | Promise<VerifiedToken> {
  const parsed = parseCompact(token, policy.maxTokenSize, headers);
  if (parsed.kind === 'jwe') return openEncrypted(policy, headers, parsed);
  const verified = verifySigned(policy, headers, parsed);
  return verified instanceof Promise ? verified.then((result) => jwsToken(policy, result)) : jwsToken(policy, verified);
}

function jwsToken(policy: Policy, { payload, header, key }: Signed): VerifiedToken {
  checkClaims(payload, policy);
  return { payload, header, format: 'jws', key };
}
