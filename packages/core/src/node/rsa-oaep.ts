import { constants, privateDecrypt, type KeyObject } from 'node:crypto';
import type { JweContentAlgorithm, RsaOaepAlgorithm } from '../algorithms.js';
import type { CompactJwe } from '../lib/engine.js';
import type { KeyManager } from './key-manager.js';

/** The OAEP hash (and MGF1 hash: WebCrypto and Node use one for both) of each alg (RFC 7518 §4.3). */
export const OAEP_HASH: Readonly<Record<RsaOaepAlgorithm, string>> = Object.freeze({
  'RSA-OAEP': 'sha1',
  'RSA-OAEP-256': 'sha256',
  'RSA-OAEP-384': 'sha384',
  'RSA-OAEP-512': 'sha512',
});

/**
 * Key management RSA-OAEP, RSA-OAEP-256/384/512 (RFC 7518 §4.3): the Encrypted Key is the content key encrypted with
 * RSAES-OAEP. Any failure — a wrong key, a tampered or mis-sized encrypted key — is one and the same `undefined`,
 * and the engine then still runs the content decryption with a random key, as jose does (RFC 7516 §11.5), so a
 * caller cannot tell a bad OAEP padding from a bad content tag, by answer or by time.
 *
 * @param alg - The OAEP variant.
 * @param privateKey - The RSA private key (≥ 2048 bits: checked when prepared).
 * @returns The key manager.
 */
export function rsaOaepManager(alg: RsaOaepAlgorithm, privateKey: KeyObject): KeyManager {
  const options = Object.freeze({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[alg] });
  return Object.freeze({
    contentKey(jwe: CompactJwe, _enc: JweContentAlgorithm, cekBytes: number): Buffer | undefined {
      let cek: Buffer;
      try {
        cek = privateDecrypt(options, Buffer.from(jwe.encryptedKeyB64, 'base64url'));
      } catch {
        return undefined;
      }
      return cek.length === cekBytes ? cek : undefined;
    },
  });
}
