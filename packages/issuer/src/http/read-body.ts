import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { OAuthError } from '../errors.js';

/** A parsed request body. */
export type ParsedBody =
  | { readonly kind: 'form'; readonly params: ReadonlyMap<string, string> }
  | { readonly kind: 'json'; readonly value: Record<string, unknown> };

/** Which body types a route takes. */
export interface ReadBodyOptions {
  /** Largest body, in bytes. */
  readonly limit: number;
  /** Accept `application/x-www-form-urlencoded`. */
  readonly form: boolean;
  /** Accept `application/json`. */
  readonly json: boolean;
}

/** Strict UTF-8: a malformed sequence is an error, never silently replaced. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function bad(message: string): OAuthError {
  return new OAuthError('invalid_request', message);
}

function decodeComponent(text: string, what: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw bad(`${what} is not valid application/x-www-form-urlencoded`);
  }
}

/**
 * Parses an `application/x-www-form-urlencoded` body strictly: a repeated parameter is an error (RFC 6749 §3.2), a
 * parameter without a value is treated as omitted (§3.1), bad percent-encoding is an error.
 *
 * @param text - the body
 * @returns the parameters
 * @throws {OAuthError} `invalid_request`
 */
export function parseForm(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const seen = new Set<string>();
  if (text.length === 0) return params;
  for (const pair of text.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), 'a parameter name');
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), `parameter "${name.slice(0, 40)}"`);
    if (seen.has(name)) throw bad(`parameter "${name.slice(0, 40)}" is repeated`);
    seen.add(name);
    if (value !== '') params.set(name, value);
  }
  return params;
}

function mediaType(ctx: Context): { type: string; charset: string | undefined } | undefined {
  const header = ctx.get('content-type');
  if (header === '') return undefined;
  const [type = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const p of params) {
    const [k, v] = p.split('=');
    if (k?.trim().toLowerCase() === 'charset') charset = v?.trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { type: type.trim().toLowerCase(), charset };
}

/**
 * Reads and parses a request body with a size cap, accepting only the content types the route takes. Every failure
 * is a 400 `invalid_request` (the connection is closed after an oversized body).
 *
 * @param ctx - the Koa context
 * @param options - the size cap and accepted types
 * @returns the parsed body
 * @throws {OAuthError} `invalid_request` for a wrong or missing content type, an oversized, truncated, non-UTF-8 or
 *   malformed body, a repeated form parameter, or JSON that is not an object
 */
export async function readBody(ctx: Context, options: ReadBodyOptions): Promise<ParsedBody> {
  const media = mediaType(ctx);
  const isForm = media?.type === 'application/x-www-form-urlencoded';
  const isJson = media?.type === 'application/json';
  if (!((isForm && options.form) || (isJson && options.json))) {
    const accepted = [options.form ? 'application/x-www-form-urlencoded' : '', options.json ? 'application/json' : '']
      .filter(Boolean).join(' or ');
    throw bad(`the request body must be ${accepted}`);
  }
  if (media?.charset !== undefined && media.charset !== 'utf-8' && media.charset !== 'utf8') {
    throw bad('the request body must be UTF-8');
  }
  let bytes: Buffer;
  try {
    const length = ctx.get('content-length');
    bytes = await getRawBody(ctx.req, { limit: options.limit, length: length === '' ? undefined : length });
  } catch (err) {
    const type = (err as { type?: unknown }).type;
    if (type === 'entity.too.large') {
      ctx.set('Connection', 'close');
      throw bad(`the request body is larger than ${options.limit} bytes`);
    }
    throw bad('the request body could not be read');
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw bad('the request body is not valid UTF-8');
  }
  if (isForm) return { kind: 'form', params: parseForm(text) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('the request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('the JSON body must be an object');
  return { kind: 'json', value: value as Record<string, unknown> };
}
