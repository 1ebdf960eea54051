import { InvalidKeyError } from '../errors.js';
import type { Jwk } from '../types.js';
import { pkcs8FromEcScalar, pkcs8FromOkpSeed } from './der.js';
import { decodeBase64Url } from './encoding.js';

// Internal: a private JWK carries its public members next to its private ones (RFC 7518 §6.2.2, §6.3.2; RFC 8037
// §2), and nothing makes them agree. A key whose `d` does not belong to its `x`/`y` would sign or decrypt as one key
// while being published, thumbprinted and selected as another; RSA CRT members that do not fit `n` produce faulty
// signatures, the raw material of fault attacks. Every private key is checked here before it is imported.

function bigint(jwk: Jwk, name: 'n' | 'e' | 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi'): bigint | undefined {
  const value = jwk[name];
  if (typeof value !== 'string' || value === '') return undefined;
  let hex = '';
  for (const byte of decodeBase64Url(value, `JWK "${name}"`, true)) hex += byte.toString(16).padStart(2, '0');
  return BigInt(`0x${hex}`);
}

/**
 * RSA: n = p·q, and d, dp, dq, qi fit n, e, p, q (e·d ≡ 1 mod p−1 and q−1, dp = d mod p−1, dq = d mod q−1,
 * qi·q ≡ 1 mod p) — multiplications and remainders, once, at import. A key without p and q is left to the importer,
 * which refuses it.
 */
function checkRsa(jwk: Jwk): void {
  const [n, e, d, p, q, dp, dq, qi] = (['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const).map((name) => bigint(jwk, name));
  if (n === undefined || e === undefined || d === undefined || p === undefined || q === undefined) return;
  if (p <= 1n || q <= 1n || p * q !== n) {
    throw new InvalidKeyError('RSA private key does not belong to its public key: "p" · "q" is not "n"');
  }
  const consistent = (e * d) % (p - 1n) === 1n && (e * d) % (q - 1n) === 1n
    && (dp === undefined || dp === d % (p - 1n))
    && (dq === undefined || dq === d % (q - 1n))
    && (qi === undefined || (qi * q) % p === 1n);
  if (!consistent) {
    throw new InvalidKeyError('RSA private key members do not fit together: "d", "dp", "dq" or "qi" is not derived from "n", "e", "p", "q"');
  }
}

/** The public JWK WebCrypto computes from a PKCS #8 that holds only the private scalar or seed. */
async function publicFromPrivate(der: Uint8Array, algorithm: EcKeyImportParams | { name: string }, usage: KeyUsage): Promise<JsonWebKey | undefined> {
  const subtle = globalThis.crypto.subtle;
  try {
    const key = await subtle.importKey('pkcs8', der as Uint8Array<ArrayBuffer>, algorithm, true, [usage]);
    return await subtle.exportKey('jwk', key);
  } catch {
    // Not a valid scalar for the curve: the import that follows refuses the key with its own message.
    return undefined;
  }
}

/**
 * EC and OKP: the public key computed from `d` (imported alone as PKCS #8, so the runtime derives the point) must be
 * the JWK's `x` (and `y`). Comparing encodings is exact: RFC 7518 §6.2.1 and RFC 8037 §2 fix their length.
 */
async function checkCurve(jwk: Jwk): Promise<void> {
  const { kty, crv, d } = jwk;
  if (typeof crv !== 'string' || typeof d !== 'string') return;
  const scalar = decodeBase64Url(d, 'JWK "d"', true);
  if (kty === 'EC') {
    const der = pkcs8FromEcScalar(scalar, crv);
    const derived = der && (await publicFromPrivate(der, { name: 'ECDH', namedCurve: crv }, 'deriveBits'));
    if (derived !== undefined && (derived.x !== jwk.x || derived.y !== jwk.y)) {
      throw new InvalidKeyError('JWK "d" does not belong to the public key "x", "y"');
    }
    return;
  }
  const der = pkcs8FromOkpSeed(scalar, crv);
  const derived = der && (await publicFromPrivate(der, { name: crv }, crv === 'X25519' ? 'deriveBits' : 'sign'));
  if (derived !== undefined && derived.x !== jwk.x) throw new InvalidKeyError('JWK "d" does not belong to the public key "x"');
}

/**
 * Refuses a private JWK whose private members do not belong to its public ones: RSA `p`·`q` ≠ `n` (or CRT members
 * that do not fit), EC/OKP `d` whose public key is not `x`/`y`.
 *
 * @param jwk A private JWK already checked for type, curve and strength.
 * @throws {InvalidKeyError} `invalid_key` naming the members that disagree.
 */
export async function assertPrivateMatchesPublic(jwk: Jwk): Promise<void> {
  if (jwk.kty === 'RSA') checkRsa(jwk);
  else if (jwk.kty === 'EC' || jwk.kty === 'OKP') await checkCurve(jwk);
}
