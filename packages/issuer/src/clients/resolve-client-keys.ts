import {
  importJwk,
  importPem,
  importSecret,
  isJweContentAlgorithm,
  isJweKeyAlgorithm,
  type Jwk,
  type JweContentAlgorithm,
  type TesseraKey,
} from '@tessera/core';
import type { ClientConfig, TokenFormat } from './client-config.js';
import { isPlain, type Checker } from './client-checker.js';
import type { ClientDefaults } from './resolve-client.js';

/** True for a key from core's importers (what a client configured in code may pass). */
export function isTesseraKey(value: unknown): value is TesseraKey {
  return typeof value === 'object' && value !== null && 'alg' in value && 'key' in value && 'use' in value && 'type' in value;
}

function secretInput(value: unknown): { text: string; encoding: 'utf8' | 'hex' | 'base64' } | undefined {
  if (typeof value === 'string') return { text: value, encoding: 'utf8' };
  if (isPlain(value) && typeof value.hex === 'string' && Object.keys(value).length === 1) {
    return { text: value.hex, encoding: 'hex' };
  }
  return undefined;
}

/** Imports a client's own signing key (HS* text, `{ hex }` or a key), checking its size. */
export async function resolveSigningKey(c: Checker, config: ClientConfig): Promise<TesseraKey | undefined> {
  const value = config.signingKey;
  if (value === undefined) {
    if (config.signingKeyAlg !== undefined) c.fail('signingKeyAlg', 'is only used with signingKey');
    return undefined;
  }
  if (isTesseraKey(value)) {
    if (value.use !== 'sig' || value.type === 'public') c.fail('signingKey', 'must be a private or secret signing key');
    return value;
  }
  const alg = config.signingKeyAlg ?? 'HS256';
  if (alg !== 'HS256' && alg !== 'HS384' && alg !== 'HS512') {
    c.fail('signingKeyAlg', `must be HS256, HS384 or HS512 for a secret given as text (got ${JSON.stringify(alg)})`);
  }
  const input = secretInput(value);
  if (input === undefined) c.fail('signingKey', 'must be a string, { hex } or a TesseraKey');
  return c.key('signingKey', () => importSecret(input.text, { alg, encoding: input.encoding }));
}

/** Imports a client's encryption key for `jwe` / `jwe-dir` and resolves `enc` and `zip`. */
export async function resolveEncryption(c: Checker, config: ClientConfig, format: TokenFormat, defaults: ClientDefaults):
  Promise<{ key: TesseraKey | undefined; enc: JweContentAlgorithm | undefined; zip: 'DEF' | undefined }> {
  const e = config.encryption;
  if (format !== 'jwe' && format !== 'jwe-dir') {
    if (e !== undefined) c.fail('encryption', `is only used with format "jwe" or "jwe-dir" (format is "${format}")`);
    return { key: undefined, enc: undefined, zip: undefined };
  }
  if (e !== undefined && !isPlain(e)) c.fail('encryption', 'must be a mapping');
  const enc = e?.enc;
  if (enc !== undefined && !isJweContentAlgorithm(enc)) {
    c.fail('encryption.enc', `must be one of A128GCM, A192GCM, A256GCM, A128CBC-HS256, A192CBC-HS384, A256CBC-HS512 (got ${JSON.stringify(enc)})`);
  }
  const zip = e?.zip ?? undefined;
  if (zip !== undefined && zip !== 'DEF') c.fail('encryption.zip', 'must be "DEF" or null');
  const raw = e?.key;
  if (format === 'jwe-dir') {
    if (e?.alg !== undefined && e.alg !== 'dir') c.fail('encryption.alg', 'must be "dir" for format "jwe-dir"');
    if (raw === undefined) c.fail('encryption.key', 'is required for format "jwe-dir" (a dir secret, base64)');
    const contentEnc = enc ?? (isTesseraKey(raw) ? raw.enc : undefined) ?? 'A256GCM';
    if (isTesseraKey(raw)) {
      if (raw.alg !== 'dir') c.fail('encryption.key', `must be a dir secret (got alg ${raw.alg})`);
      return { key: raw, enc: contentEnc, zip };
    }
    const input = typeof raw === 'string' ? { text: raw, encoding: 'base64' as const } : secretInput(raw);
    if (input === undefined) c.fail('encryption.key', 'must be a base64 string, { hex } or a TesseraKey');
    const key = await c.key('encryption.key',
      () => importSecret(input.text, { alg: 'dir', enc: contentEnc, encoding: input.encoding }));
    return { key, enc: contentEnc, zip };
  }
  // Nested `jwe`: a recipient key, or the issuer's own current enc key.
  if (raw === undefined) {
    if (defaults.encryptionKeys.current('enc') === undefined) {
      c.fail('encryption.key', 'is required for format "jwe" when the issuer has no encryptionKeys');
    }
    return { key: undefined, enc: enc ?? 'A256GCM', zip };
  }
  if (isTesseraKey(raw)) {
    if (raw.use !== 'enc' || raw.alg === 'dir') c.fail('encryption.key', 'must be a public encryption key');
    return { key: raw, enc: enc ?? 'A256GCM', zip };
  }
  const alg = e?.alg;
  if (alg !== undefined && (!isJweKeyAlgorithm(alg) || alg === 'dir')) {
    c.fail('encryption.alg', `must be RSA-OAEP-256, ECDH-ES or ECDH-ES+A128KW/A192KW/A256KW (got ${JSON.stringify(alg)})`);
  }
  let key: TesseraKey;
  if (typeof raw === 'string' && raw.includes('-----BEGIN')) {
    if (alg === undefined) c.fail('encryption.alg', 'is required with a PEM key');
    key = await c.key('encryption.key', () => importPem(raw, { alg, use: 'enc' }));
  } else {
    let jwk: unknown = raw;
    if (typeof raw === 'string') {
      try {
        jwk = JSON.parse(raw);
      } catch (cause) {
        c.fail('encryption.key', 'must be PEM text, a JWK or a TesseraKey', cause);
      }
    }
    if (!isPlain(jwk)) c.fail('encryption.key', 'must be PEM text, a JWK or a TesseraKey');
    key = await c.key('encryption.key', () => importJwk(jwk as Jwk, { ...(alg === undefined ? {} : { alg }), use: 'enc' }));
  }
  if (key.type === 'secret' || key.alg === 'dir') c.fail('encryption.key', 'must be a public key for format "jwe"');
  return { key, enc: enc ?? 'A256GCM', zip };
}

