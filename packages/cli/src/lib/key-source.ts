import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidKeyError } from '@tessera/core';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/** Where a key comes from: a JWKS URL, or key text read from a file, the environment or the argument itself. */
export type KeySource =
  | { kind: 'url'; url: string; label: string }
  | { kind: 'text'; text: string; label: string };

const MAX_KEY_FILE_BYTES = 1024 * 1024;
const KEY_FILE_NAME = /\.(pem|json|jwk|jwks|key|crt|cer|txt)$/i;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function readKeyFile(io: CliIo, path: string, flag: string): Promise<KeySource> {
  const label = `key file "${path}"`;
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(io.cwd, path));
  } catch (err) {
    throw new InvalidKeyError(`${flag}: cannot read ${label} (${(err as { code?: string }).code ?? 'read error'})`);
  }
  if (bytes.length > MAX_KEY_FILE_BYTES) throw new InvalidKeyError(`${flag}: ${label} is larger than ${MAX_KEY_FILE_BYTES} bytes`);
  return { kind: 'text', text: bytes.toString('utf8').trim(), label };
}

/**
 * Reads where a key is, from a flag's value:
 * - `https://…` or `http://…`: a JWKS URL (fetched later, by core's `createRemoteJwks`);
 * - `env:NAME`: the value of an environment variable (keeps secrets out of the process list and shell history);
 * - `@path`, or the path of an existing file: the file's content (PEM, JWK, JWKS or a secret);
 * - anything else: the key itself (a secret, or JWK/PEM text).
 * Surrounding whitespace of key text is dropped.
 * @param spec - the flag's value
 * @param flag - the flag's name, for messages (`--key`)
 * @param io - environment, working directory
 * @returns the source, with a label for messages that never shows key material
 * @throws {UsageError} `usage` for an unset variable or a missing file named like a key file
 * @throws {InvalidKeyError} `invalid_key` for an unreadable file
 */
export async function readKeySource(spec: string, flag: string, io: CliIo): Promise<KeySource> {
  if (/^https?:\/\//i.test(spec)) {
    let where: string;
    try {
      const url = new URL(spec);
      where = `${url.origin}${url.pathname}`;
    } catch {
      throw new UsageError(`${flag}: not a valid URL`);
    }
    return { kind: 'url', url: spec, label: `the JWKS at ${where}` };
  }
  if (spec.startsWith('env:')) {
    const name = spec.slice(4);
    const value = io.env[name];
    if (value === undefined || value.trim() === '') throw new UsageError(`${flag}: environment variable ${name} is not set`);
    return { kind: 'text', text: value.trim(), label: `environment variable ${name}` };
  }
  if (spec.startsWith('@')) return readKeyFile(io, spec.slice(1), flag);
  if (await isFile(resolve(io.cwd, spec))) return readKeyFile(io, spec, flag);
  if (KEY_FILE_NAME.test(spec)) throw new UsageError(`${flag}: no such file "${spec}"`);
  return { kind: 'text', text: spec.trim(), label: `the ${flag} value` };
}
