import type { SecretEncoding, VerifyCompatOptions } from '@tessera/core';
import type { Args, OptionSpecs } from './args.js';
import { UsageError } from './errors.js';

/** Options about how key text is read, shared by every command that takes keys. */
export const KEY_INPUT_OPTIONS: OptionSpecs = {
  'key-encoding': {
    type: 'string',
    value: 'encoding',
    description: 'how a secret given as text is decoded: base64 (dir default), base64url, hex, utf8 (HS* default)',
  },
};

const ENCODINGS: readonly SecretEncoding[] = ['base64', 'base64url', 'hex', 'utf8'];

/** The `--key-encoding` value, if given. */
export function secretEncodingOf(args: Args): SecretEncoding | undefined {
  return args.choice('key-encoding', ENCODINGS);
}

const VERIFY_COMPAT: readonly (keyof VerifyCompatOptions)[] = ['gcmIv128', 'zlibDeflate', 'jwtEnvelope', 'nestedWithoutCty'];
const DECRYPT_COMPAT: readonly (keyof VerifyCompatOptions)[] = ['gcmIv128', 'zlibDeflate'];

function compatFrom(args: Args, allowed: readonly (keyof VerifyCompatOptions)[]): { compat?: VerifyCompatOptions } {
  const names = args.strings('compat');
  if (names.length === 0) return {};
  const compat: VerifyCompatOptions = {};
  for (const name of names) {
    if (!(allowed as readonly string[]).includes(name)) {
      const shown = /^[A-Za-z0-9]{1,32}$/.test(name) ? `"${name}" ` : '';
      throw new UsageError(`--compat ${shown}is not a setting here; use ${allowed.join(', ')}`);
    }
    compat[name as keyof VerifyCompatOptions] = true;
  }
  return { compat };
}

/** Core's compatibility settings a JWE decrypter takes (`--compat gcmIv128,zlibDeflate`). */
export function decryptCompatOf(args: Args): { compat?: Pick<VerifyCompatOptions, 'gcmIv128' | 'zlibDeflate'> } {
  return compatFrom(args, DECRYPT_COMPAT);
}

/** Core's compatibility settings a token verifier takes (all four). */
export function verifyCompatOf(args: Args): { compat?: VerifyCompatOptions } {
  return compatFrom(args, VERIFY_COMPAT);
}
