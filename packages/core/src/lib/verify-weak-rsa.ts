import { SignatureError } from '../errors.js';
import type { TesseraKey } from '../types.js';
import { decodeSegment } from './base64url.js';
import type { CompactJws } from './engine.js';

/** WebCrypto parameters per RS* and PS* alg: PSS with a salt as long as the hash (RFC 7518 §3.5), as jose uses. */
const PARAMS: Readonly<Record<string, AlgorithmIdentifier | RsaPssParams>> = Object.freeze({
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  RS384: { name: 'RSASSA-PKCS1-v1_5' },
  RS512: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 },
  PS384: { name: 'RSA-PSS', saltLength: 48 },
  PS512: { name: 'RSA-PSS', saltLength: 64 },
});

const encoder = new TextEncoder();

/**
 * Verifies an RS* or PS* signature made with an RSA key of 1024–2047 bits, imported with `allowWeakRsa` (a
 * verify-only key). jose refuses any RSA key under 2048 bits (RFC 7518 §3.3), so the jose engine verifies these few
 * tokens with WebCrypto directly, with the parameters jose would use; the node engine checks them with node:crypto
 * and the same parameters. Nothing else is relaxed: the key's own `alg`, hash and padding still bind the check.
 *
 * @param jws - The token, its header already checked by the policy.
 * @param key - A public key with `verifyOnly: 'allowWeakRsa'`, bound to `jws.header.alg`.
 * @returns The payload bytes.
 * @throws {SignatureError} `signature_invalid` when the signature does not verify (or WebCrypto refuses it).
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.3
 */
export async function verifyWeakRsa(jws: CompactJws, key: TesseraKey): Promise<Uint8Array> {
  const params = PARAMS[key.alg];
  let valid = false;
  try {
    if (params !== undefined && !(key.key instanceof Uint8Array) && key.type === 'public') {
      const data = encoder.encode(`${jws.protectedB64}.${jws.payloadB64}`);
      const signature = decodeSegment(jws.signatureB64) as Uint8Array<ArrayBuffer>;
      valid = await globalThis.crypto.subtle.verify(params, key.key, signature, data);
    }
  } catch (cause) {
    throw new SignatureError(undefined, { cause });
  }
  if (!valid) throw new SignatureError();
  return decodeSegment(jws.payloadB64);
}
