import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/** The most the CLI reads from stdin or an input file (a token, claims, a plaintext). */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * Reads all of stdin, up to {@link MAX_INPUT_BYTES}.
 * @throws {UsageError} `usage` when stdin holds more
 */
export async function readStdin(io: CliIo): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`stdin holds more than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(bytes);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Decodes UTF-8 strictly; undefined when the bytes are not text. */
export function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

async function readInputFile(io: CliIo, path: string, what: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(resolve(io.cwd, path));
    if (bytes.length > MAX_INPUT_BYTES) throw new UsageError(`${what} file "${path}" is larger than ${MAX_INPUT_BYTES} bytes`);
    return new Uint8Array(bytes);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${what} file "${path}" (${(err as { code?: string }).code ?? 'read error'})`);
  }
}

/**
 * Reads a token: the argument itself, or stdin when it is `-`. Surrounding whitespace and a `Bearer ` prefix are
 * dropped, so a header value or `echo`'s newline can be passed as they are.
 * @param arg - the positional argument
 * @param io - for stdin
 * @returns the compact token text
 * @throws {UsageError} `usage` when there is no token
 */
export async function readToken(arg: string | undefined, io: CliIo): Promise<string> {
  if (arg === undefined) throw new UsageError('no token given: pass it as an argument, or "-" to read it from stdin');
  let text = arg;
  if (arg === '-') {
    const decoded = utf8OrUndefined(await readStdin(io));
    if (decoded === undefined) throw new UsageError('the token on stdin is not UTF-8 text');
    text = decoded;
  }
  text = text.trim().replace(/^bearer\s+/i, '');
  if (text === '') throw new UsageError(arg === '-' ? 'stdin is empty: no token to read' : 'the token is empty');
  return text;
}

/**
 * Reads a data argument (claims, a plaintext): `-` for stdin, `@path` for a file, anything else is the data itself.
 * @param arg - the positional argument
 * @param io - for stdin and files
 * @param what - what the data is, for messages ("claims", "plaintext")
 * @returns the bytes
 * @throws {UsageError} `usage` when the file cannot be read or the input is too large
 */
export async function readData(arg: string, io: CliIo, what: string): Promise<Uint8Array> {
  if (arg === '-') return readStdin(io);
  if (arg.startsWith('@')) return readInputFile(io, arg.slice(1), what);
  return new TextEncoder().encode(arg);
}

/**
 * Parses JSON that must be an object, with a message that never quotes the input (JSON.parse's own messages do).
 * @throws {UsageError} `usage` naming `what`
 */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${what} must be valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}
