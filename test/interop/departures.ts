/**
 * Where a peer departs from the RFCs, found by running the real libraries (see interop.test.ts). Each entry says
 * which library, which bytes or fields, what core does with such a token by default (strict: asserted by the suite,
 * so nothing is read by accident), and the compatibility setting that reads it (also asserted, on both engines).
 * Tessera never writes any of these forms.
 */
import type { TesseraErrorCode, VerifyCompatOptions } from '@tessera/core';

/** The setting that reads a departure: a member of the verify option `compat`, or a key-import option. */
export type CompatSetting =
  | { readonly kind: 'verify'; readonly name: keyof VerifyCompatOptions }
  | { readonly kind: 'import'; readonly name: 'allowShortKey' | 'allowWeakRsa'; readonly importers: string };

export interface Departure {
  /** Library and version that produces it. */
  readonly library: string;
  /** The exact bytes or fields that differ. */
  readonly what: string;
  /** The requirement it breaks. */
  readonly rfc: string;
  /** What core does with such a token by default: the error code and a message pattern. */
  readonly core: { readonly code: TesseraErrorCode; readonly message: RegExp };
  /** The setting that reads it. */
  readonly setting: CompatSetting;
  /** One letter for the matrix cells (`compat:G`). */
  readonly tag: string;
  /** What the setting does. */
  readonly compat: string;
}

export const DEPARTURES = {
  /** python-jose 3.3 `jwe.encrypt` with any A*GCM enc. */
  gcmIv128: {
    library: 'python-jose 3.3.0 (jose/backends/cryptography_backend.py CryptographyAESKey.encrypt)',
    what:
      'AES-GCM content encryption uses a 16-byte (128-bit) IV: iv = get_random_bytes(AES.block_size // 8), so the ' +
      'JWE IV segment is 22 base64url characters instead of 16. Every A128GCM/A192GCM/A256GCM token it makes, with ' +
      'dir, RSA-OAEP, RSA-OAEP-256 or A128KW/A192KW/A256KW. (CBC-HS encs are unaffected: their 16-byte IV is correct.)',
    rfc: 'RFC 7518 §5.3: "Use of an IV of size 96 bits is REQUIRED with this algorithm."',
    core: { code: 'decryption_failed', message: /^decryption failed$/ },
    setting: { kind: 'verify', name: 'gcmIv128' },
    tag: 'G',
    compat:
      'verify option `compat: { gcmIv128: true }`: when enc is A*GCM and the IV is exactly 16 bytes, the jose engine ' +
      'decrypts with WebCrypto AES-GCM (AAD = ASCII(protected header), 128-bit tag) and the node engine with ' +
      'createDecipheriv, under every key management but ECDH-ES* (which python-jose lacks); any other IV length stays ' +
      'rejected. Never used by encryptJwe.',
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
    setting: { kind: 'verify', name: 'zlibDeflate' },
    tag: 'Z',
    compat:
      'verify option `compat: { zlibDeflate: true }`: when raw inflation fails and the plaintext starts with a valid ' +
      'zlib header (CM 8, CINFO ≤ 7, (CMF*256+FLG) % 31 == 0, no preset dictionary), inflate it as zlib ' +
      '(DecompressionStream("deflate") / zlib.inflateSync) under the same maxInflatedSize cap, Adler-32 checked.',
  },
  /** The JWE service's `encrypt_jwt_token` (utils/jwe_handler.py, jwcrypto). */
  jwtEnvelope: {
    library: 'the JWE service (jwcrypto 1.1 JWEHandler.encrypt / encrypt_jwt_token)',
    what:
      'The "JWT wrapped in JWE" is not a nested JWT: the plaintext is the JSON object {"jwt": "<compact JWS>"} and ' +
      'the JWE header has no cty. Core therefore reads it as an unsigned dir JWE whose claims are {"jwt": ...}: ' +
      'rejected by default (no exp), but with requireExp: false it "verifies" and hands back the inner JWT ' +
      'unverified in payload.jwt (pinned by the suite, documented in core\'s README).',
    rfc: 'RFC 7519 §5.2 and §7.1 step 8: a nested JWT is the JWS itself as the JWE plaintext, with cty "JWT".',
    core: { code: 'claim_missing', message: /^"exp" claim is missing$/ },
    setting: { kind: 'verify', name: 'jwtEnvelope' },
    tag: 'E',
    compat:
      'verify option `compat: { jwtEnvelope: true }`: under dir only, a plaintext that is exactly a JSON object with ' +
      'one member "jwt" holding a string is read as a nested token: that string is verified as a compact JWS with ' +
      '`keys` and its claims returned (format "nested").',
  },
  /** python-jose 3.3 `jwe.encrypt(jwt, key)` (cty=None by default); jwcrypto likewise unless cty is set. */
  nestedWithoutCty: {
    library: 'python-jose 3.3.0 jwe.encrypt (cty=None by default; jwcrypto 1.1 the same unless the caller sets it)',
    what: 'A compact JWS encrypted as a JWE with no cty header: the protected header is just {"alg","enc"[,"zip"]}.',
    rfc: 'RFC 7519 §5.2: in nested JWTs cty "MUST be present" and "MUST be JWT". go-jose v2 ParseSignedAndEncrypted ' +
      'refuses such tokens.',
    core: { code: 'header_invalid', message: /^encrypted token holds a JWS but has no "cty": "JWT" \(RFC 7519 §5\.2\)/ },
    setting: { kind: 'verify', name: 'nestedWithoutCty' },
    tag: 'C',
    compat:
      'verify option `compat: { nestedWithoutCty: true }`: a JWE without cty whose plaintext is a compact JWS is read ' +
      'as nested; the inner signature is verified with `keys` either way (core used to do this by default).',
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
    setting: { kind: 'import', name: 'allowShortKey', importers: 'importSecret' },
    tag: 'S',
    compat:
      'key import option `importSecret(secret, { alg, allowShortKey: true })`: the key is marked ' +
      'verifyOnly: "allowShortKey"; verifiers accept it, signJwt/encryptJwe/signAndEncrypt/issueToken refuse it.',
  },
  /** PyJWT 2.6 / python-jose 3.3 sign RS and PS tokens with any RSA modulus size. */
  shortRsaKey: {
    library: 'PyJWT 2.6.0 and python-jose 3.3.0 (RS*/PS* with any RSA modulus; tested with 1024 bits)',
    what:
      'RSA signatures made with a modulus below 2048 bits. The token is well-formed; importPem/importJwk refuse ' +
      'the key ("RSA modulus is 1024 bits; at least 2048 are required").',
    rfc: 'RFC 7518 §3.3 and §3.5: "A key of size 2048 bits or larger MUST be used with these algorithms."',
    core: { code: 'invalid_key', message: /^RSA modulus is 1024 bits; at least 2048 are required$/ },
    setting: { kind: 'import', name: 'allowWeakRsa', importers: 'importPem/importJwk' },
    tag: 'R',
    compat:
      'key import option `{ alg, allowWeakRsa: true }` on importPem/importJwk: RS*/PS* public keys of 1024–2047 bits ' +
      '(never below 1024, never e = 1), marked verifyOnly: "allowWeakRsa" and refused for signing. jose refuses such ' +
      'keys, so the jose engine verifies them with WebCrypto directly; the node engine with node:crypto. Better: ' +
      'rotate the issuer to a 2048-bit key.',
  },
} as const satisfies Record<string, Departure>;

export type DepartureId = keyof typeof DEPARTURES;

/** How a setting is written where it is set: `compat.gcmIv128`, `importSecret allowShortKey`. */
export function settingName(setting: CompatSetting): string {
  return setting.kind === 'verify' ? `compat.${setting.name}` : `${setting.importers} ${setting.name}`;
}
