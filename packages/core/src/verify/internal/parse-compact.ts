import { TokenFormatError } from '../../errors.js';
import { decodeSegment, hasOnlyTokenCharacters, isCanonicalSegment } from '../../lib/base64url.js';
import type { CompactJwe, CompactJws } from '../../lib/engine.js';
import { parseStrictJsonBytes } from '../../lib/strict-json.js';
import type { JoseHeader } from '../../types.js';
import type { HeaderCache } from './header-cache.js';

/** Whether the header came from the {@link HeaderCache} (already checked under this policy). */
interface Cached {
  readonly cached: boolean;
}

/** A compact token split and its header decoded; which of the two is known from the segment count. */
export type CompactToken = ParsedJws | ParsedJwe;

/** A compact JWS as {@link parseCompact} returns it. */
export type ParsedJws = { readonly kind: 'jws' } & CompactJws & Cached;

/** A compact JWE as {@link parseCompact} returns it. */
export type ParsedJwe = { readonly kind: 'jwe' } & CompactJwe & Cached;

const NOT_CANONICAL = 'token segment is not canonical base64url';

function segment(value: string): string {
  if (!isCanonicalSegment(value)) throw new TokenFormatError(NOT_CANONICAL);
  return value;
}

function decodeHeader(protectedB64: string): JoseHeader {
  return parseStrictJsonBytes(decodeSegment(protectedB64), 'token header') as JoseHeader;
}

/**
 * Splits a compact token and decodes its protected header, strictly: size first (before anything is read), then
 * exactly 3 (JWS) or 5 (JWE) segments of canonical base64url, then a header that is a UTF-8 JSON object without
 * duplicate member names. No header rule is applied here.
 *
 * @param token The token as received.
 * @param maxSize The largest accepted length.
 * @param headers Headers of earlier verified tokens, used instead of decoding an identical header again.
 * @throws {TokenFormatError} `token_too_large` or `token_malformed`.
 */
export function parseCompact(token: unknown, maxSize: number, headers: HeaderCache): CompactToken {
  if (typeof token !== 'string') throw new TokenFormatError('token must be a string');
  if (token.length > maxSize) {
    throw new TokenFormatError(`token exceeds the maximum size of ${maxSize} bytes`, 'token_too_large');
  }
  // One pass over the whole token rejects padding, whitespace and every non-base64url character at once.
  if (!hasOnlyTokenCharacters(token)) throw new TokenFormatError(NOT_CANONICAL);
  const d1 = token.indexOf('.');
  const d2 = d1 === -1 ? -1 : token.indexOf('.', d1 + 1);
  const d3 = d2 === -1 ? -1 : token.indexOf('.', d2 + 1);
  const d4 = d3 === -1 ? -1 : token.indexOf('.', d3 + 1);
  const d5 = d4 === -1 ? -1 : token.indexOf('.', d4 + 1);
  const jws = d2 !== -1 && d3 === -1;
  if (!jws && (d4 === -1 || d5 !== -1)) {
    throw new TokenFormatError('token must have 3 (JWS) or 5 (JWE) base64url segments');
  }
  const protectedB64 = segment(token.slice(0, d1));
  if (jws) {
    const payloadB64 = segment(token.slice(d1 + 1, d2));
    const signatureB64 = segment(token.slice(d2 + 1));
    const known = headers.get('jws', protectedB64);
    const header = known ?? decodeHeader(protectedB64);
    return { kind: 'jws', cached: known !== undefined, token, header, protectedB64, payloadB64, signatureB64 };
  }
  const encryptedKeyB64 = segment(token.slice(d1 + 1, d2));
  const ivB64 = segment(token.slice(d2 + 1, d3));
  const ciphertextB64 = segment(token.slice(d3 + 1, d4));
  const tagB64 = segment(token.slice(d4 + 1));
  const known = headers.get('jwe', protectedB64);
  return {
    kind: 'jwe',
    cached: known !== undefined,
    token,
    header: known ?? decodeHeader(protectedB64),
    protectedB64,
    encryptedKeyB64,
    ivB64,
    ciphertextB64,
    tagB64,
  };
}
