import { TokenFormatError, type JoseHeader } from '@tessera/core';
import { base64url, decodeProtectedHeader } from 'jose';
import { utf8OrUndefined } from './input.js';

/** A compact token read without any check: its protected header and, for a JWS, its payload bytes. */
export type Unverified =
  | { kind: 'jws'; header: JoseHeader; payload: Uint8Array }
  | { kind: 'jwe'; header: JoseHeader };

/**
 * Reads a compact JWS or JWE without verifying anything, with jose's `decodeProtectedHeader` — for display only.
 * @param token - the compact token
 * @returns the header, and the payload of a JWS
 * @throws {TokenFormatError} `token_malformed` when it is not a compact JWS or JWE
 */
export function decodeUnverified(token: string): Unverified {
  const parts = token.split('.');
  if (parts.length !== 3 && parts.length !== 5) throw new TokenFormatError('token must have 3 (JWS) or 5 (JWE) base64url segments');
  let header: JoseHeader;
  try {
    header = decodeProtectedHeader(token) as JoseHeader;
  } catch (cause) {
    throw new TokenFormatError('the protected header is not base64url-encoded JSON', 'token_malformed', { cause });
  }
  if (parts.length === 5) return { kind: 'jwe', header };
  try {
    return { kind: 'jws', header, payload: base64url.decode(parts[1]!) };
  } catch (cause) {
    throw new TokenFormatError('the payload is not base64url', 'token_malformed', { cause });
  }
}

/** What a payload or plaintext holds, for display. */
export type Content =
  | { kind: 'json'; value: Record<string, unknown> }
  | { kind: 'jws'; token: string }
  | { kind: 'text'; value: string }
  | { kind: 'binary'; bytes: Uint8Array };

/** Classifies bytes: a JSON object, a compact JWS (a nested token), other text, or binary. */
export function classify(bytes: Uint8Array): Content {
  const text = utf8OrUndefined(bytes);
  if (text === undefined) return { kind: 'binary', bytes };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { kind: 'json', value: value as Record<string, unknown> };
    } catch {
      // not JSON: shown as text
    }
  }
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(trimmed)) {
    try {
      if (decodeUnverified(trimmed).kind === 'jws') return { kind: 'jws', token: trimmed };
    } catch {
      // three dotted segments that are not a JWS: shown as text
    }
  }
  return { kind: 'text', value: text };
}
