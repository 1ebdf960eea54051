import { parseDuration } from '@tessera/core';
import { IssuerConfigError } from '../errors.js';
import type { ClientConfig } from './client-config.js';
import { clientSource } from './load-clients.js';

/** True for a plain object (a mapping in a client file). */
export function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates one client; `fail(field, message)` throws naming the client, field and file. */
export class Checker {
  readonly #id: string | undefined;
  readonly #file: string | undefined;
  readonly #names: Readonly<Record<string, string>>;
  constructor(config: ClientConfig) {
    const source = clientSource(config);
    this.#id = typeof config.id === 'string' ? config.id : undefined;
    this.#file = source?.file;
    this.#names = source?.fieldNames ?? {};
  }
  fail(field: string, message: string, cause?: unknown): never {
    throw new IssuerConfigError(message, { client: this.#id, field: this.#names[field] ?? field, file: this.#file },
      cause === undefined ? {} : { cause });
  }
  strings(value: unknown, field: string): string[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
      this.fail(field, 'must be a list of non-empty strings');
    }
    return value as string[];
  }
  duration(value: unknown, field: string, fallback: number): number {
    if (value === undefined) return fallback;
    let seconds: number;
    try {
      seconds = parseDuration(value, field);
    } catch (cause) {
      return this.fail(field, 'must be a whole number of seconds or a duration such as "15m", "2h", "14d"', cause);
    }
    if (seconds <= 0) this.fail(field, 'must be greater than zero');
    return seconds;
  }
  bool(value: unknown, field: string): boolean {
    if (value === undefined) return false;
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false');
    return value;
  }
  async key<T>(field: string, load: () => Promise<T>): Promise<T> {
    try {
      return await load();
    } catch (err) {
      const message = err instanceof Error ? err.message.replace(/^"[^"]*":?\s*/, '') : 'cannot be imported';
      return this.fail(field, message, err);
    }
  }
}

