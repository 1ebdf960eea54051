import { TokenFormatError } from '../errors.js';

/**
 * Strict decoding of the JSON parts of a token: fatal UTF-8 (a byte-order mark is kept, so it makes the JSON
 * invalid instead of being silently dropped), a top-level object, and no duplicate member names anywhere — RFC 7515
 * §4 / RFC 7519 §4 let a parser reject duplicates, and accepting them lets two parsers read different claims.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 bytes, throwing `token_malformed` on any invalid sequence.
 *
 * @param bytes The bytes to decode.
 * @param what What they are, for the message (`'token header'`).
 */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new TokenFormatError(`${what} is not valid UTF-8`, 'token_malformed', { cause });
  }
}

/**
 * Parses `text` as a JSON object whose objects (at any depth) have no duplicate member names.
 *
 * `JSON.parse` does the parsing (native speed) and silently keeps the last duplicate. Duplicates are then found by
 * counting: every member name in valid JSON is a string followed by `:`, so the text has as many member-name tokens
 * as the parsed objects have keys exactly when no object repeated a name.
 *
 * @param text The JSON text.
 * @param what What it is, for the message (`'token header'`, `'token payload'`).
 * @returns The parsed object.
 * @throws {TokenFormatError} `token_malformed` when the text is not JSON, not an object, or repeats a member name.
 */
export function parseStrictJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TokenFormatError(`${what} is not valid JSON`, 'token_malformed', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenFormatError(`${what} must be a JSON object`, 'token_malformed');
  }
  if (countMemberNames(text) !== countKeys(value)) {
    throw new TokenFormatError(`${what} has duplicate member names`, 'token_malformed');
  }
  return value as Record<string, unknown>;
}

/** Counts member-name tokens (a string followed by optional whitespace and `:`) in valid JSON text. */
function countMemberNames(text: string): number {
  let count = 0;
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = open;
    for (;;) {
      close = text.indexOf('"', close + 1);
      let backslashes = 0;
      while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
      if ((backslashes & 1) === 0) break;
    }
    let next = close + 1;
    let c = text.charCodeAt(next);
    while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = text.charCodeAt(++next);
    if (c === 0x3a) count++;
    open = text.indexOf('"', next);
  }
  return count;
}

/** Counts own keys of every object in a parsed JSON value, iteratively (deep nesting must not overflow the stack). */
function countKeys(root: object): number {
  let count = 0;
  const pending: object[] = [root];
  while (pending.length > 0) {
    const node = pending.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) pending.push(item);
    } else {
      for (const key in node) {
        count++;
        const item = node[key];
        if (typeof item === 'object' && item !== null) pending.push(item);
      }
    }
  }
  return count;
}
