import { createECDH, createPublicKey, diffieHellman, type ECDH, type KeyObject } from 'node:crypto';
import type { EcdhAlgorithm, JweContentAlgorithm } from '../algorithms.js';
import type { CompactJwe } from '../lib/engine.js';
import { unwrapAesKw } from './aes-kw.js';
import { concatKdf, otherInfo } from './concat-kdf.js';
import { canonicalMember, DELEGATE, type KeyManager } from './key-manager.js';

/** The curves ECDH-ES runs on here, with what each needs. */
interface Curve {
  readonly kty: 'EC' | 'OKP';
  /** Bytes per coordinate (and of Z). */
  readonly size: number;
  /** OpenSSL's name, for `createECDH` (P-curves only). */
  readonly openssl?: string;
}

const CURVES: Readonly<Record<string, Curve>> = Object.freeze({
  'P-256': { kty: 'EC', size: 32, openssl: 'prime256v1' },
  'P-384': { kty: 'EC', size: 48, openssl: 'secp384r1' },
  'P-521': { kty: 'EC', size: 66, openssl: 'secp521r1' },
  X25519: { kty: 'OKP', size: 32 },
});

/** The members a plain public `epk` has (RFC 7518 §4.6.1.1): anything more is left to jose. */
const EC_MEMBERS = 4;
const OKP_MEMBERS = 3;

/** The recipient's side of the agreement: Z from the sender's public point. */
type Agree = (x: Buffer, y: Buffer | undefined) => Buffer;

function agreement(crv: string, privateKey: KeyObject): Agree | undefined {
  const curve = CURVES[crv];
  if (curve === undefined) return undefined;
  if (curve.openssl !== undefined) {
    // createECDH takes the sender's point as raw bytes: no KeyObject per token, which is most of the cost of an
    // epk import. OpenSSL checks the point is on the curve (and not at infinity) before multiplying. The private
    // scalar is read out of the key once, here, and lives on only inside this ECDH object.
    const d = privateKey.export({ format: 'jwk' }).d;
    if (typeof d !== 'string') return undefined;
    const ecdh: ECDH = createECDH(curve.openssl);
    ecdh.setPrivateKey(Buffer.from(d, 'base64url'));
    const prefix = Buffer.of(0x04);
    return (x, y) => ecdh.computeSecret(Buffer.concat([prefix, x, y as Buffer]));
  }
  return (x) => {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: x.toString('base64url') }, format: 'jwk' });
    return diffieHellman({ privateKey, publicKey });
  };
}

/**
 * The sender's public point from a plain `epk` — exactly `kty`, `crv`, `x` (and `y` for EC), canonical base64url of
 * the curve's coordinate size — or {@link DELEGATE} for anything else: private members (jose refuses an `epk` with
 * `d`, `p`, …), `ext`, `key_ops`, a `kid`, odd encodings. jose then reads the token, and its verdict is the one given.
 */
function senderPoint(epk: unknown): { crv: string; x: Buffer; y: Buffer | undefined } | typeof DELEGATE {
  if (typeof epk !== 'object' || epk === null || Array.isArray(epk)) return DELEGATE;
  const { kty, crv, x, y } = epk as Record<string, unknown>;
  // Own members only: a header's crv of "constructor" or "__proto__" names no curve.
  const curve = typeof crv === 'string' && Object.hasOwn(CURVES, crv) ? CURVES[crv] : undefined;
  if (curve === undefined || kty !== curve.kty || Object.keys(epk).length !== (kty === 'EC' ? EC_MEMBERS : OKP_MEMBERS)) {
    return DELEGATE;
  }
  const xBytes = canonicalMember(x);
  const yBytes = kty === 'EC' ? canonicalMember(y) : undefined;
  if (xBytes === DELEGATE || xBytes === undefined || xBytes.length !== curve.size) return DELEGATE;
  if (kty === 'EC' && (yBytes === DELEGATE || yBytes === undefined || yBytes.length !== curve.size)) return DELEGATE;
  return { crv: crv as string, x: xBytes, y: yBytes as Buffer | undefined };
}

const EMPTY = Buffer.alloc(0);

/** True when every byte is zero: an X25519 result from a low-order point (RFC 7748 §6.1). */
function allZero(z: Buffer): boolean {
  let bits = 0;
  for (let i = 0; i < z.length; i++) bits |= z[i] as number;
  return bits === 0;
}

/**
 * Key management ECDH-ES and ECDH-ES+A128KW/A192KW/A256KW (RFC 7518 §4.6) on P-256, P-384, P-521 and X25519: Z from
 * the recipient's private key and the sender's `epk`, the key from the Concat KDF (AlgorithmID the `enc` for direct
 * agreement, the `alg` with key wrap; PartyUInfo/PartyVInfo from `apu`/`apv`), then AES Key Unwrap of the Encrypted
 * Key with it (key wrap) or the key itself (direct). jose's checks hold: the `epk` must be on the recipient's curve
 * (another curve, or a point not on it, fails), carry no private member (left to jose, which refuses it), `apu` and
 * `apv` must differ when both are present, and an X25519 agreement yielding all zeros (a low-order point) fails.
 *
 * @param alg - The ECDH-ES variant.
 * @param crv - The recipient key's curve.
 * @param privateKey - The recipient's private key.
 * @returns The key manager, or `undefined` for a curve this engine does not take.
 */
export function ecdhManager(alg: EcdhAlgorithm, crv: string, privateKey: KeyObject): KeyManager | undefined {
  const agree = agreement(crv, privateKey);
  if (agree === undefined) return undefined;
  const direct = alg === 'ECDH-ES';
  const kwBytes = direct ? 0 : Number(alg.slice(9, 12)) / 8;
  // OtherInfo without apu/apv, per AlgorithmID: the common case, computed once.
  const plainInfo = new Map<string, Buffer>();
  return Object.freeze({
    contentKey(jwe: CompactJwe, enc: JweContentAlgorithm, cekBytes: number): Buffer | undefined | typeof DELEGATE {
      const header = jwe.header;
      const sender = senderPoint(header.epk);
      if (sender === DELEGATE) return DELEGATE;
      const apu = canonicalMember(header.apu);
      const apv = canonicalMember(header.apv);
      if (apu === DELEGATE || apv === DELEGATE) return DELEGATE;
      // jose: "apu" and "apv" must be distinct; direct agreement carries no Encrypted Key, key wrap one.
      if (apu !== undefined && apv !== undefined && apu.equals(apv)) return undefined;
      if (direct !== (jwe.encryptedKeyB64 === '')) return undefined;
      // A point of another curve cannot be combined with this key (WebCrypto refuses; so does the token).
      if (sender.crv !== crv) return undefined;
      let z: Buffer;
      try {
        z = agree(sender.x, sender.y);
      } catch {
        return undefined;
      }
      if (allZero(z)) return undefined;
      const algorithmId = direct ? enc : alg;
      const keyBytes = direct ? cekBytes : kwBytes;
      let info: Buffer;
      if (apu === undefined && apv === undefined) {
        info = plainInfo.get(algorithmId) ?? otherInfo(algorithmId, EMPTY, EMPTY, keyBytes * 8);
        plainInfo.set(algorithmId, info);
      } else {
        info = otherInfo(algorithmId, apu ?? EMPTY, apv ?? EMPTY, keyBytes * 8);
      }
      const derived = concatKdf(z, info, keyBytes);
      if (direct) return derived;
      return unwrapAesKw(derived, kwBytes, Buffer.from(jwe.encryptedKeyB64, 'base64url'), cekBytes);
    },
  });
}
