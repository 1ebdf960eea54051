/**
 * Where a peer departs from the RFCs, found by running the real libraries (see interop.test.ts). Each entry says
 * which library, which bytes or fields, what core does with such a token today (asserted by the suite: strict by
 * default, never lenient by accident), and the compatibility setting recommended to read it. Tessera never writes
 * any of these forms.
 */
import type { TesseraErrorCode } from '@tessera/core';

export interface Departure {
  /** Library and version that produces it. */
  readonly library: string;
  /** The exact bytes or fields that differ. */
  readonly what: string;
  /** The requirement it breaks. */
  readonly rfc: string;
  /** What core does with such a token by default: the error code and a message pattern. */
  readonly core: { readonly code: TesseraErrorCode; readonly message: RegExp };
  /** The recommended verify-policy (or key-import) setting that would read it. */
  readonly compat: string;
}

export const DEPARTURES = {
  /** python-jose 3.3 `jwe.encrypt` with any A*GCM enc. */
  gcmIv128: {
    library: 'python-jose 3.3.0 (jose/backends/cryptography_backend.py CryptographyAESKey.encrypt)',
    what:
      'AES-GCM content encryption uses a 16-byte (128-bit) IV: iv = get_random_bytes(AES.block_size // 8), so the ' +
      'JWE IV segment is 22 base64url characters instead of 16. Every A128GCM/A192GCM/A256GCM token it makes, with ' +
      'dir or RSA-OAEP-256. (CBC-HS encs are unaffected: their 16-byte IV is correct.)',
    rfc: 'RFC 7518 §5.3: "Use of an IV of size 96 bits is REQUIRED with this algorithm."',
    core: { code: 'decryption_failed', message: /^decryption failed$/ },
    compat:
      'verify policy `compat: { gcmIv128: true }` — when enc is A*GCM and the IV is exactly 16 bytes, decrypt ' +
      'with WebCrypto AES-GCM directly (it takes any IV length; tagLength 128, AAD = ASCII(protected header)); ' +
      'any other IV length stays rejected. Never used by encryptJwe.',
  },
  /** python-jose 3.3 `jwe.encrypt(..., zip='DEF')`. */
  zlibDeflate: {
    library: 'python-jose 3.3.0 (jose/jwe.py _compress/_decompress)',
    what:
      'zip "DEF" is zlib.compress(plaintext): an RFC 1950 zlib stream (2-byte header 0x78 0x9C, Adler-32 trailer) ' +
      'around the DEFLATE data. Its reader likewise calls zlib.decompress, so it cannot read raw-DEFLATE tokens ' +
      '(Tessera, jwcrypto, go-jose): "Error -3 while decompressing data: incorrect header check".',
    rfc: 'RFC 7516 §4.1.3: "DEF" is compression with the DEFLATE [RFC1951] algorithm (raw, no zlib wrapper).',
    core: { code: 'decryption_failed', message: /^decryption failed$/ },
    compat:
      'verify policy `compat: { zlibDeflate: true }` — when zip is DEF and the plaintext starts with a valid zlib ' +
      'header (CMF 0x78, (CMF*256+FLG) % 31 == 0, no preset dictionary), inflate with DecompressionStream("deflate") ' +
      '(isomorphic) under the same maxInflatedSize cap and check the Adler-32; otherwise inflate raw as today.',
  },
  /** The JWE service's `encrypt_jwt_token` (utils/jwe_handler.py, jwcrypto). */
  jwtEnvelope: {
    library: 'the JWE service (jwcrypto 1.1 JWEHandler.encrypt / encrypt_jwt_token)',
    what:
      'The "JWT wrapped in JWE" is not a nested JWT: the plaintext is the JSON object {"jwt": "<compact JWS>"} and ' +
      'the JWE header has no cty. Core therefore reads it as an unsigned dir JWE whose claims are {"jwt": ...}: ' +
      'rejected by default (no exp), but with requireExp: false it would "verify" and hand back the inner JWT ' +
      'unverified in payload.jwt.',
    rfc: 'RFC 7519 §5.2 and §7.1 step 8: a nested JWT is the JWS itself as the JWE plaintext, with cty "JWT".',
    core: { code: 'claim_missing', message: /^"exp" claim is missing$/ },
    compat:
      'verify policy `compat: { jwtEnvelope: "jwt" }` — under dir only, when the decrypted plaintext is a JSON ' +
      'object with exactly one member "jwt" holding a string, treat that string as the inner compact JWS and ' +
      'verify it with `keys` like any nested token (format "nested"); never read it from a non-dir JWE.',
  },
  /** python-jose 3.3 / PyJWT 2.6 accept any HMAC key length; the jwt_encrypt docs show 14-byte HS512 secrets. */
  shortHmacKey: {
    library: 'python-jose 3.3.0 and PyJWT 2.6.0 (HS256/384/512 with any key length)',
    what:
      'HMAC keys shorter than the hash output are accepted for signing, e.g. the jwt_encrypt docs\' HS512 ' +
      '"api-secret-key" (14 bytes) or a 32-character secret used with HS512. Tokens are well-formed; only the key ' +
      'is weak, and importSecret refuses it.',
    rfc: 'RFC 7518 §3.2: "A key of the same size as the hash output ... or larger MUST be used with this algorithm."',
    core: { code: 'invalid_key', message: /^expected at least (32|48|64) bytes for HS(256|384|512), got \d+$/ },
    compat:
      'key import option, not a verify-policy one: `importSecret(secret, { alg, allowShortKey: "verify-only" })` ' +
      'returning a key that verifyToken accepts and signJwt refuses (never sign with a weak key).',
  },
  /** PyJWT 2.6 / python-jose 3.3 sign RS and PS tokens with any RSA modulus size. */
  shortRsaKey: {
    library: 'PyJWT 2.6.0 and python-jose 3.3.0 (RS*/PS* with any RSA modulus; tested with 1024 bits)',
    what:
      'RSA signatures made with a modulus below 2048 bits. The token is well-formed; importPem/importJwk refuse ' +
      'the key ("RSA modulus is 1024 bits; at least 2048 are required").',
    rfc: 'RFC 7518 §3.3 and §3.5: "A key of size 2048 bits or larger MUST be used with these algorithms."',
    core: { code: 'invalid_key', message: /^RSA modulus is 1024 bits; at least 2048 are required$/ },
    compat:
      'key import option `{ allowWeakRsa: "verify-only" }` on importPem/importJwk (a floor of 1024 bits), with the ' +
      'same verify-only rule as allowShortKey. Better: rotate the issuer to a 2048-bit key.',
  },
} as const satisfies Record<string, Departure>;

export type DepartureId = keyof typeof DEPARTURES;

/** A departure core reads today without any setting: listed so the lead can decide whether it needs one. */
export interface Leniency {
  readonly library: string;
  readonly what: string;
  readonly rfc: string;
  /** What core does with it today (asserted by the suite). */
  readonly core: string;
  readonly recommendation: string;
}

export const LENIENCIES = {
  /** python-jose 3.3 `jwe.encrypt(jwt, key)` (cty=None by default); jwcrypto likewise unless cty is set. */
  missingCty: {
    library: 'python-jose 3.3.0 jwe.encrypt (cty=None by default; jwcrypto 1.1 the same unless the caller sets it)',
    what: 'A compact JWS encrypted as a JWE with no cty header: the protected header is just {"alg","enc"[,"zip"]}.',
    rfc: 'RFC 7519 §5.2: in nested JWTs cty "MUST be present" and "MUST be JWT". go-jose v2 ParseSignedAndEncrypted ' +
      'refuses such tokens.',
    core:
      'reads it as nested: verify-compact.ts treats any plaintext that does not start with "{" as a compact JWS and ' +
      'verifies it with `keys` (so nothing unsigned gets through, but no setting is involved).',
    recommendation:
      'Either keep the sniffing and document it as deliberate (the inner signature is still required), or require ' +
      'cty JWT by default and add `compat: { nestedWithoutCty: true }`; tokens made by Tessera always carry cty JWT.',
  },
} as const satisfies Record<string, Leniency>;

export type LeniencyId = keyof typeof LENIENCIES;
