// Internal: the ROCA fingerprint test (CVE-2017-15361) on an RSA modulus — key validation, not cryptography: it only
// asks which residues the modulus leaves modulo a few small primes.
//
// M. Nemec, M. Sýs, P. Švenda, D. Klinec, V. Matyáš, "The Return of Coppersmith's Attack: Practical Factorization of
// Widely Used RSA Moduli", ACM CCS 2017, doi:10.1145/3133956.3133969, §2.3 and §3. Infineon's RSALib generated every
// prime as p = k·M + (65537^a mod M), M the product of the first primes, so that p — and the modulus N = p·q — is,
// modulo each small prime r dividing M, a power of 65537. The published detection tests the 38 odd primes up to 167:
// every RSALib modulus passes all 38, a modulus made any other way (residues spread over the non-zero classes) with
// probability Π |⟨65537⟩ mod r| / (r − 1) ≈ 2^-28. A 2048-bit RSALib modulus can be factored for about 100 CPU-years
// (paper, Table 1), well within an attacker's reach, so Tessera refuses it.

/** The odd primes up to 167: the primes of M the published detection tests (2 says nothing: N is odd). */
const PRIMES: readonly number[] = (() => {
  const out: number[] = [];
  for (let n = 3; n <= 167; n += 2) {
    let prime = true;
    for (let d = 3; d * d <= n; d += 2) if (n % d === 0) prime = false;
    if (prime) out.push(n);
  }
  return out;
})();

/** For each prime r, which residues mod r are powers of 65537 (the subgroup 65537 generates in (Z/rZ)*). */
const SUBGROUPS: readonly Uint8Array[] = PRIMES.map((r) => {
  const member = new Uint8Array(r);
  const g = 65537 % r;
  for (let x = 1; member[x] === 0; x = (x * g) % r) member[x] = 1;
  return member;
});

/**
 * True when the big-endian modulus `n` carries the ROCA fingerprint: modulo every prime of the published test it is
 * a power of 65537.
 *
 * @param n The RSA modulus, big-endian, unsigned.
 * @returns Whether RSALib (or anything sharing its structure) made this modulus.
 */
export function hasRocaFingerprint(n: Uint8Array): boolean {
  let hex = '';
  for (const byte of n) hex += byte.toString(16).padStart(2, '0');
  if (hex === '') return false;
  const modulus = BigInt(`0x${hex}`);
  for (let i = 0; i < PRIMES.length; i++) {
    const residue = Number(modulus % BigInt(PRIMES[i] as number));
    if ((SUBGROUPS[i] as Uint8Array)[residue] === 0) return false;
  }
  return true;
}
