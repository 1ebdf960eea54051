import { createHmac, createSecretKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { JwsAlgorithm } from '../algorithms.js';
import type { JwsSigningHeader } from '../lib/engine.js';
import type { TesseraKey } from '../types.js';
import { ECDSA_CURVES } from './ecdsa.js';
import { HMAC_HASH } from './hmac.js';
import { jwsKeyObject } from './node-key.js';
import { rsaParameters, type RsaAlgorithm } from './rsa.js';

/**
 * Signs a JWS signing input (RFC 7515 §5.1: the ASCII `protected.payload`). HMAC, ECDSA and Ed25519 sign at once, in
 * a few tens of microseconds (what the engine's verification of the same token costs, also done at once): the thread
 * pool's round trip would cost more CPU than it moves off the event loop. RSA signs on the thread pool.
 */
type Signer = (signingInput: Buffer) => Buffer | Promise<Buffer>;

/**
 * Signs on libuv's thread pool, as WebCrypto (and so jose) does: the event loop stays free during an RSA-2048
 * signature (about a millisecond of CPU) and several run in parallel on a machine with several cores.
 */
function onThreadPool(hash: string, options: Parameters<typeof cryptoSign>[2]): Signer {
  return (signingInput) => new Promise((resolve, reject) => {
    cryptoSign(hash, signingInput, options, (err, signature) => (err === null ? resolve(signature) : reject(err)));
  });
}

function rsaSigner(alg: RsaAlgorithm, key: KeyObject): Signer {
  const { hash, options } = rsaParameters(alg, key);
  return onThreadPool(hash, options);
}

/**
 * The signer of a key jose would sign with, or `undefined` to leave the key to jose (which then signs, or refuses
 * it with its own error): the same checks as on the verifying side, with `sign` usage and a private key.
 */
function prepareSigner(key: TesseraKey): Signer | undefined {
  const alg = key.alg as JwsAlgorithm;
  const material = key.key;
  switch (alg) {
    case 'HS256': case 'HS384': case 'HS512': {
      if (key.type !== 'secret') return undefined;
      // An empty HMAC key is refused by WebCrypto's importKey; leave it to jose to say so.
      const secret = material instanceof Uint8Array
        ? (material.length === 0 ? undefined : createSecretKey(material))
        : jwsKeyObject(alg, material, 'secret', 'sign');
      if (secret === undefined) return undefined;
      const hash = HMAC_HASH[alg];
      return (signingInput) => createHmac(hash, secret).update(signingInput).digest();
    }
    case 'RS256': case 'RS384': case 'RS512': case 'PS256': case 'PS384': case 'PS512': {
      const keyObject = material instanceof Uint8Array ? undefined : jwsKeyObject(alg, material, 'private', 'sign');
      return keyObject && rsaSigner(alg, keyObject);
    }
    case 'ES256': case 'ES384': case 'ES512': {
      const keyObject = material instanceof Uint8Array ? undefined : jwsKeyObject(alg, material, 'private', 'sign');
      const curve = ECDSA_CURVES[alg];
      // IEEE P1363 (R ‖ S, fixed size), the JWS form (RFC 7518 §3.4), not OpenSSL's DER.
      if (keyObject?.asymmetricKeyDetails?.namedCurve !== curve.openssl) return undefined;
      const options = Object.freeze({ key: keyObject, dsaEncoding: 'ieee-p1363' as const });
      return (signingInput) => cryptoSign(curve.hash, signingInput, options);
    }
    case 'EdDSA': {
      const keyObject = material instanceof Uint8Array ? undefined : jwsKeyObject(alg, material, 'private', 'sign');
      // Pure Ed25519 (RFC 8037 §3.1): no pre-hash.
      return keyObject?.asymmetricKeyType === 'ed25519' ? (signingInput) => cryptoSign(null, signingInput, keyObject) : undefined;
    }
    default:
      return undefined;
  }
}

const signers = new WeakMap<TesseraKey, Signer | null>();

/** The signer of `key`, prepared on first use and cached per key object (`null` when the key is left to jose). */
function signerOf(key: TesseraKey): Signer | null {
  let signer = signers.get(key);
  if (signer === undefined) {
    try {
      signer = key.use === 'sig' ? prepareSigner(key) ?? null : null;
    } catch {
      // Whatever node:crypto cannot take (an exotic key), jose still decides about.
      signer = null;
    }
    signers.set(key, signer);
  }
  return signer;
}

/**
 * The node engine's {@link VerificationEngine.signJws}: the protected header and payload encoded with `Buffer`'s
 * base64url and the signature made by node:crypto — HMAC, ECDSA and Ed25519 at once (about half of jose's CPU per
 * ES256 or EdDSA token), RSA on the thread pool as WebCrypto does. Keys jose would refuse, and every key type this
 * does not know, are left to jose (`undefined`).
 *
 * @param header - The protected header, `alg` first.
 * @param payload - The payload bytes.
 * @param key - A signing key whose `alg` is `header.alg`.
 * @returns The compact JWS (a promise of it for RSA), or `undefined` to sign with jose.
 */
export function nodeSignJws(header: JwsSigningHeader, payload: Uint8Array, key: TesseraKey): string | Promise<string> | undefined {
  const signer = signerOf(key);
  if (signer === null || key.alg !== header.alg) return undefined;
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${
    Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64url')}`;
  const signature = signer(Buffer.from(signingInput, 'latin1'));
  return signature instanceof Promise
    ? signature.then((bytes) => `${signingInput}.${bytes.toString('base64url')}`)
    : `${signingInput}.${signature.toString('base64url')}`;
}
