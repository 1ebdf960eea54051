import { TokenFormatError } from '@tessera/core';
import { InvalidRequestError } from './errors.js';
import { readCookie, readHeader } from './lib/headers.js';
import type { RequestLike } from './types.js';

/** Where tokens are looked for; resolved from the verifier's `extract` option. */
export interface ExtractOptions {
  /** Read `Authorization: Bearer` / `Authorization: DPoP`. @default true */
  authorization?: boolean;
  /**
   * Another header holding the token, as `Bearer <token>` or the bare token (the reference's
   * `X-System-Authorization`). @default undefined
   */
  header?: string;
  /** A cookie holding the bare token. @default undefined */
  cookie?: string;
}

/** A token found in a request. */
export interface ExtractedToken {
  /** The token. */
  token: string;
  /** `DPoP` only for `Authorization: DPoP`; every other place is `Bearer`. */
  scheme: 'Bearer' | 'DPoP';
  /** Where it was found. */
  source: 'authorization' | 'header' | 'cookie';
}

// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function single(value: string | readonly string[] | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    if (value.length > 1) throw new InvalidRequestError(`the ${name} header must appear once`);
    return value[0];
  }
  return value;
}

/** A token found where it sits, its RFC 6750 syntax not yet checked (the verifier checks it on a cache miss only). */
export interface FoundToken extends ExtractedToken {
  /** Where it was found, for the error message: `the Authorization header`, `the X-Token header`, `the sid cookie`. */
  where: string;
}

/**
 * Whether `token` has the RFC 6750 §2.1 b64token syntax. The verifier caches only such tokens, so a cache hit never
 * needs the check.
 */
export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token);
}

/** @throws {InvalidRequestError} `invalid_request` naming where the token was, when it is not a b64token */
export function assertTokenSyntax(found: FoundToken): void {
  if (!B64TOKEN.test(found.token)) throw new InvalidRequestError(`${found.where} is malformed`);
}

// A second place or an oversized token is refused after the syntax of what was found so far: the same answer,
// whichever check runs first.
function place(found: FoundToken | undefined, next: FoundToken, maxTokenSize: number): FoundToken {
  if (found !== undefined) {
    assertTokenSyntax(found);
    assertTokenSyntax(next);
    throw new InvalidRequestError(`a token was sent in more than one place (${found.source} and ${next.source})`);
  }
  if (next.token.length > maxTokenSize) {
    assertTokenSyntax(next);
    throw new TokenFormatError(`token is larger than ${maxTokenSize} bytes`, 'token_too_large');
  }
  return next;
}

/** Whether `value` starts with `scheme` (lower case, letters only) followed by `end`, compared case-insensitively. */
function isScheme(value: string, scheme: string, end: number): boolean {
  if (end !== scheme.length) return false;
  for (let i = 0; i < end; i++) if ((value.charCodeAt(i) | 0x20) !== scheme.charCodeAt(i)) return false;
  return true;
}

/** The token after the scheme's space(s). */
function tokenAfter(value: string, space: number): string {
  let start = space + 1;
  while (value.charCodeAt(start) === 32) start++;
  return value.slice(start);
}

/**
 * Finds the access token of a request: `Authorization: Bearer|DPoP <token>`, then the configured header, then the
 * configured cookie. Exactly one place may hold a token.
 *
 * @param request - the request
 * @param options - where to look
 * @param maxTokenSize - the largest token accepted, in bytes (checked before anything else reads it)
 * @returns the token, or undefined when the request carries none (another `Authorization` scheme, such as Basic,
 *   counts as none)
 * @throws {InvalidRequestError} `invalid_request`: a malformed `Authorization` or token header, a repeated header,
 *   a token in two places
 * @throws {TokenFormatError} `token_too_large`
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 */
export function extractToken(request: RequestLike, options: ExtractOptions, maxTokenSize = 8192): ExtractedToken | undefined {
  const found = findToken(request, options, maxTokenSize);
  if (found === undefined) return undefined;
  assertTokenSyntax(found);
  return { token: found.token, scheme: found.scheme, source: found.source };
}

/**
 * The token of the commonest request, `Authorization: Bearer <token>` written exactly so (one header, that spelling,
 * one space), or undefined for anything else. The verifier's synchronous cache-hit path reads it before
 * {@link findToken} when the Authorization header is the only place a token may be; it is only ever looked up in the
 * cache (which holds verified, b64token-shaped tokens within the size limit), and anything else takes the full path.
 * @internal
 */
export function plainBearer(headers: RequestLike['headers']): string | undefined {
  const value = readHeader(headers, 'authorization');
  return typeof value === 'string' && value.startsWith('Bearer ') && value.charCodeAt(7) !== 32 ? value.slice(7) : undefined;
}

/**
 * {@link extractToken} without the b64token check of the token itself, which the caller makes with
 * {@link assertTokenSyntax} (the verifier: on a cache miss only). Every other refusal, and the order of refusals,
 * is `extractToken`'s.
 * @internal
 */
export function findToken(request: RequestLike, options: ExtractOptions, maxTokenSize: number): FoundToken | undefined {
  const headers = request.headers;
  let found: FoundToken | undefined;

  if (options.authorization !== false) {
    const value = single(readHeader(headers, 'authorization'), 'Authorization');
    if (value !== undefined && value !== '') {
      const space = value.indexOf(' ');
      const end = space < 0 ? value.length : space;
      const scheme = isScheme(value, 'bearer', end) ? 'Bearer' : isScheme(value, 'dpop', end) ? 'DPoP' : undefined;
      if (scheme !== undefined) {
        if (space < 0) throw new InvalidRequestError('the Authorization header is malformed');
        found = place(found, { token: tokenAfter(value, space), scheme, source: 'authorization', where: 'the Authorization header' }, maxTokenSize);
      }
    }
  }
  if (options.header !== undefined) {
    const value = single(readHeader(headers, options.header), options.header);
    if (value !== undefined && value !== '') {
      const space = value.indexOf(' ');
      if (space >= 0 && !isScheme(value, 'bearer', space)) throw new InvalidRequestError(`the ${options.header} header is malformed`);
      const token = space < 0 ? value : tokenAfter(value, space);
      found = place(found, { token, scheme: 'Bearer', source: 'header', where: `the ${options.header} header` }, maxTokenSize);
    }
  }
  if (options.cookie !== undefined) {
    let value: string | undefined;
    if (request.cookies !== undefined) value = request.cookies[options.cookie];
    else {
      const header = single(readHeader(headers, 'cookie'), 'Cookie');
      if (header !== undefined) {
        const cookie = readCookie(header, options.cookie);
        if (cookie.several) throw new InvalidRequestError(`the ${options.cookie} cookie must appear once`);
        value = cookie.value;
      }
    }
    if (value !== undefined && value !== '') {
      found = place(found, { token: value, scheme: 'Bearer', source: 'cookie', where: `the ${options.cookie} cookie` }, maxTokenSize);
    }
  }
  return found;
}
