import { TesseraArgumentError } from '../../errors.js';

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** True for `{}`-style objects (prototype `Object.prototype` or `null`): what a JWT claims set or JSON payload is. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Serializes a JSON payload once. `JSON.stringify` of an object cannot repeat a member name, so what we write never
 * has duplicate members (RFC 7519 §4, RFC 8259 §4).
 */
export function toJson(value: Record<string, unknown>, name: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new TesseraArgumentError(`"${name}" cannot be serialized as JSON`, { cause });
  }
  if (typeof json !== 'string') throw new TesseraArgumentError(`"${name}" cannot be serialized as JSON`);
  return json;
}
