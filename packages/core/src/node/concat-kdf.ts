import { createHash } from 'node:crypto';

/** A 32-bit big-endian length or counter. */
function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value, 0);
  return out;
}

/** `Datalen ‖ Data` (NIST SP 800-56A §5.8.1.2.1, as RFC 7518 §4.6.2 prescribes for each OtherInfo field). */
function lengthPrefixed(data: Buffer): Buffer {
  return Buffer.concat([uint32(data.length), data]);
}

/**
 * OtherInfo of the JWA Concat KDF (RFC 7518 §4.6.2): AlgorithmID (the `enc` for ECDH-ES, the `alg` with key wrap),
 * PartyUInfo (`apu`), PartyVInfo (`apv`), each length-prefixed, then SuppPubInfo (the key size in bits).
 *
 * @param algorithmId - `enc` (direct key agreement) or `alg` (with key wrap).
 * @param apu - The decoded `apu`, empty when absent.
 * @param apv - The decoded `apv`, empty when absent.
 * @param keyBits - keydatalen in bits.
 * @returns The OtherInfo bytes.
 */
export function otherInfo(algorithmId: string, apu: Buffer, apv: Buffer, keyBits: number): Buffer {
  return Buffer.concat([lengthPrefixed(Buffer.from(algorithmId, 'ascii')), lengthPrefixed(apu), lengthPrefixed(apv), uint32(keyBits)]);
}

/** The first round's counter, the only one key sizes up to 256 bits need. */
const ROUND_1 = uint32(1);

/**
 * The Concat KDF with SHA-256 (RFC 7518 §4.6.2; NIST SP 800-56A §5.8.1): rounds of SHA-256(counter ‖ Z ‖ OtherInfo),
 * concatenated and cut to `keyBytes`. One round for every key size JWE uses up to 256 bits, two for A192CBC-HS384
 * and A256CBC-HS512.
 *
 * @param z - The shared secret of the key agreement.
 * @param info - {@link otherInfo}.
 * @param keyBytes - How many bytes to derive.
 * @returns The derived key.
 */
export function concatKdf(z: Buffer, info: Buffer, keyBytes: number): Buffer {
  if (keyBytes <= 32) return createHash('sha256').update(ROUND_1).update(z).update(info).digest().subarray(0, keyBytes);
  const rounds: Buffer[] = [];
  for (let counter = 1; counter * 32 < keyBytes + 32; counter++) {
    rounds.push(createHash('sha256').update(uint32(counter)).update(z).update(info).digest());
  }
  return Buffer.concat(rounds).subarray(0, keyBytes);
}
