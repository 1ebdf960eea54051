import { base64url } from 'jose';

const encoder = new TextEncoder();

interface NodeCrypto {
  hash?: (algorithm: string, data: string, outputEncoding: 'base64url') => string;
  createHash: (algorithm: string) => { update(data: string, encoding: 'utf8'): { digest(encoding: 'base64url'): string } };
}

/**
 * Node's `crypto` when the runtime is Node, found without a static `node:` import so browsers, workers and bundlers
 * never see one (`process.getBuiltinModule`, Node ≥ 20.16). Elsewhere undefined, and WebCrypto is used.
 */
function nodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  const mod = proc.getBuiltinModule('node:crypto') as NodeCrypto | undefined;
  return typeof mod?.createHash === 'function' ? mod : undefined;
}

const node = nodeCrypto();

/**
 * base64url(SHA-256(UTF-8 of `text`)), unpadded: the same value as core's `tokenFingerprint`, and the DPoP `ath`
 * (RFC 9449 §4.2: the token is ASCII, so UTF-8 and ASCII agree). Synchronous on Node (node:crypto, about a
 * microsecond for a token), a promise elsewhere (WebCrypto).
 */
export const sha256Base64url: (text: string) => string | Promise<string> =
  node === undefined
    ? async (text) => base64url.encode(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text))))
    : typeof node.hash === 'function'
      ? (text) => (node.hash as NonNullable<NodeCrypto['hash']>)('sha256', text, 'base64url')
      : (text) => node.createHash('sha256').update(text, 'utf8').digest('base64url');
