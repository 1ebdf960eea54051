import {
  isJweContentAlgorithm,
  isJweKeyAlgorithm,
  isJwsAlgorithm,
  JWE_CONTENT_ALGORITHMS,
  JWE_KEY_ALGORITHMS,
  JWS_ALGORITHMS,
  TesseraError,
  type JweContentAlgorithm,
  type JweKeyAlgorithm,
  type JwsAlgorithm,
  type KeyAlgorithm,
} from '@tessera/core';

/** A flag value that names no algorithm Tessera supports: core's `unsupported_algorithm`, naming the flag. */
function unsupported(flag: string, value: string, expected: readonly string[]): TesseraError {
  const shown = /^[A-Za-z0-9+._-]{1,32}$/.test(value) ? `"${value}"` : 'the value';
  return new TesseraError('unsupported_algorithm', `${flag} ${shown} is not supported; use one of ${expected.join(', ')}`);
}

/**
 * Checks `--alg` values: each must be a JWS or JWE key-management algorithm Tessera supports.
 * @throws {TesseraError} `unsupported_algorithm` naming the flag (`alg: none`, RSA1_5, PBES2… are never supported)
 */
export function keyAlgorithms(values: readonly string[], flag: string): KeyAlgorithm[] {
  return values.map((value) => {
    if (isJwsAlgorithm(value) || isJweKeyAlgorithm(value)) return value;
    throw unsupported(flag, value, [...JWS_ALGORITHMS, ...JWE_KEY_ALGORITHMS]);
  });
}

/**
 * Checks a flag that takes only JWS algorithms.
 * @throws {TesseraError} `unsupported_algorithm` naming the flag
 */
export function jwsAlgorithm(value: string, flag: string): JwsAlgorithm {
  if (isJwsAlgorithm(value)) return value;
  throw unsupported(flag, value, JWS_ALGORITHMS);
}

/**
 * Checks a flag that takes only JWE key-management algorithms.
 * @throws {TesseraError} `unsupported_algorithm` naming the flag
 */
export function jweKeyAlgorithm(value: string, flag: string): JweKeyAlgorithm {
  if (isJweKeyAlgorithm(value)) return value;
  throw unsupported(flag, value, JWE_KEY_ALGORITHMS);
}

/**
 * Checks `--enc` values.
 * @throws {TesseraError} `unsupported_algorithm` naming the flag
 */
export function contentAlgorithms(values: readonly string[], flag: string): JweContentAlgorithm[] {
  return values.map((value) => {
    if (isJweContentAlgorithm(value)) return value;
    throw unsupported(flag, value, JWE_CONTENT_ALGORITHMS);
  });
}

/** The JWS algorithms among `algs`. */
export function onlyJws(algs: readonly KeyAlgorithm[]): JwsAlgorithm[] {
  return algs.filter((alg): alg is JwsAlgorithm => isJwsAlgorithm(alg));
}

/** The JWE key-management algorithms among `algs`. */
export function onlyJwe(algs: readonly KeyAlgorithm[]): JweKeyAlgorithm[] {
  return algs.filter((alg): alg is JweKeyAlgorithm => isJweKeyAlgorithm(alg));
}
