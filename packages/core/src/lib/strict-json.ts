import { TokenFormatError } from '../errors.js';

/**
 * Strict decoding of the JSON parts of a token: fatal UTF-8 (a byte-order mark is kept, so it makes the JSON
 * invalid instead of being silently dropped), a top-level object, and no duplicate member names anywhere — RFC 7515
 * §4 / RFC 7519 §4 let a parser reject duplicates, and accepting them lets two parsers read different claims.
 *
 * Duplicates are found by counting, not by a second parser. `JSON.parse` (native speed) has already accepted the
 * text, and in valid JSON every `"` that is not escaped opens or closes a string token, each string token being a
 * member name or a string value. `JSON.parse` keeps one key per distinct (decoded) name in each object and drops
 * every earlier member with a repeated name — its name token, its value and every string inside that value. So the
 * parsed tree holds exactly as many strings (keys plus string values) as the text holds string tokens when no
 * object repeats a name, and strictly fewer when one does: the check is exact, at every depth, escapes included
 * (`"a"` and `"\u0061"` are one name). Counting quotes needs no parser state, so it is a single tight loop over
 * bytes, about half the cost of walking string tokens with `indexOf`.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();
/**
 * Reused for the UTF-8 bytes of texts handed to {@link parseStrictJsonObject}: every token part fits, and the
 * counting is synchronous, so no caller can observe or share it. Longer texts get bytes of their own.
 */
const scratch = new Uint8Array(4096);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Decodes UTF-8 bytes, throwing `token_malformed` on any invalid sequence.
 *
 * @param bytes The bytes to decode.
 * @param what What they are, for the message (`'token header'`).
 * @returns The text, a leading byte-order mark included.
 * @throws {TokenFormatError} `token_malformed` when the bytes are not valid UTF-8.
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
 * @param text The JSON text.
 * @param what What it is, for the message (`'token header'`, `'token payload'`).
 * @returns The parsed object.
 * @throws {TokenFormatError} `token_malformed` when the text is not JSON, not an object, or repeats a member name.
 */
export function parseStrictJsonObject(text: string, what: string): Record<string, unknown> {
  return checkNoDuplicates(parseObject(text, what), quotesIn(text), what);
}

/**
 * Decodes `bytes` as UTF-8 ({@link decodeUtf8}) and parses them as {@link parseStrictJsonObject} does, counting
 * the quotes over the bytes it already has — the cheaper way when the caller starts from bytes (a payload).
 *
 * @param bytes The UTF-8 bytes of the JSON text.
 * @param what What they are, for the message (`'token header'`, `'token payload'`).
 * @returns The parsed object.
 * @throws {TokenFormatError} `token_malformed` when the bytes are not UTF-8, not JSON, not an object, or repeat a
 *   member name (checked in that order, so each message is the one {@link decodeUtf8} then
 *   {@link parseStrictJsonObject} give).
 */
export function parseStrictJsonBytes(bytes: Uint8Array, what: string): Record<string, unknown> {
  const value = parseObject(decodeUtf8(bytes, what), what);
  return checkNoDuplicates(value, countQuotes(bytes, bytes.length), what);
}

/** Unescaped quotes in `text`, counted over its UTF-8 bytes (in the scratch buffer when they fit). */
function quotesIn(text: string): number {
  if (text.length <= scratch.length) {
    const { read, written } = encoder.encodeInto(text, scratch);
    // Non-ASCII text can need more bytes than the scratch holds; the count must cover all of it.
    if (read === text.length) return countQuotes(scratch, written);
  }
  const bytes = encoder.encode(text);
  return countQuotes(bytes, bytes.length);
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new TokenFormatError(`${what} is not valid JSON`, 'token_malformed', { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenFormatError(`${what} must be a JSON object`, 'token_malformed');
  }
  return value as Record<string, unknown>;
}

function checkNoDuplicates(value: Record<string, unknown>, quotes: number, what: string): Record<string, unknown> {
  if (quotes !== 2 * countStrings(value)) {
    throw new TokenFormatError(`${what} has duplicate member names`, 'token_malformed');
  }
  return value;
}

/**
 * Counts the unescaped `"` in the first `length` bytes of valid JSON. A backslash occurs only inside a string and
 * starts an escape whose next byte (`"`, `\`, `/`, or the letter of `\b`, `\uXXXX`, …) is never a delimiter, so
 * skipping that byte is all the escape handling needed. UTF-8 multi-byte sequences use bytes ≥ 0x80 only.
 */
function countQuotes(bytes: Uint8Array, length: number): number {
  let quotes = 0;
  for (let i = 0; i < length; i++) {
    const c = bytes[i];
    if (c === QUOTE) quotes++;
    else if (c === BACKSLASH) i++;
  }
  return quotes;
}

/** An object with nothing of its own: `for…in` over it lists exactly what every parsed object would inherit. */
const EMPTY: object = Object.freeze({});

/** True when `Object.prototype` (or something in front of it) has gained an enumerable property. */
function inheritsEnumerable(): boolean {
  for (const _ in EMPTY) return true;
  return false;
}

/**
 * Counts the strings of a parsed JSON value — own keys of every object plus every string value — iteratively, so
 * deep nesting cannot overflow the stack. `for…in` is the fastest walk of a fresh `JSON.parse` object, but it would
 * also list enumerable properties inherited from a polluted `Object.prototype` (and make the count meaningless), so
 * then `Object.values` (own keys only) is used instead.
 */
function countStrings(root: object): number {
  const ownOnly = inheritsEnumerable();
  let count = 0;
  let pending: object[] | undefined;
  let node: object | undefined = root;
  while (node !== undefined) {
    let items: unknown[];
    if (Array.isArray(node)) {
      items = node;
    } else if (ownOnly) {
      items = Object.values(node);
      count += items.length;
    } else {
      for (const key in node) {
        count++;
        const item = (node as Record<string, unknown>)[key];
        if (typeof item === 'string') count++;
        else if (typeof item === 'object' && item !== null) (pending ??= []).push(item);
      }
      node = pending?.pop();
      continue;
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === 'string') count++;
      else if (typeof item === 'object' && item !== null) (pending ??= []).push(item);
    }
    node = pending?.pop();
  }
  return count;
}
