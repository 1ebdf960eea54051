import type { HeadersLike } from '../types.js';

/**
 * One request header, by lower-case name: a string, or undefined when absent. Several values (a repeated header
 * Node kept as an array) come back as an array so callers can refuse them.
 */
export function readHeader(headers: HeadersLike, name: string): string | readonly string[] | undefined {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    const value = (headers as Headers).get(name);
    return value === null ? undefined : value;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  return record[name];
}

/** The value of cookie `name` from a `Cookie` header, or undefined; `several` is set when it appears twice. */
export function readCookie(header: string, name: string): { value: string | undefined; several: boolean } {
  let value: string | undefined;
  let several = false;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    if (value !== undefined) several = true;
    value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  }
  return { value, several };
}
