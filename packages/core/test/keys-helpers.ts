/**
 * Test helpers for the key tests: error assertions, and PEM/JWK material made with node:crypto (tests may use it;
 * src may not). RSA keys are cached per shape because generating them is the slow part of the suite.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { expect } from 'vitest';
import type { TesseraErrorCode } from '../src/errors.js';
import type { Jwk } from '../src/types.js';

type Code = TesseraErrorCode;

function shape(code: Code, message: string | RegExp): Record<string, unknown> {
  return { code, message: typeof message === 'string' ? message : expect.stringMatching(message) };
}

/** Asserts that `promise` rejects with this `code` and message (exact string, or matching a RegExp). */
export async function expectRejects(promise: Promise<unknown>, code: Code, message: string | RegExp): Promise<void> {
  await expect(promise).rejects.toMatchObject(shape(code, message));
}

/** Asserts that `fn` throws synchronously with this `code` and message. */
export function expectThrows(fn: () => unknown, code: Code, message: string | RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toMatchObject(shape(code, message));
}

/** A node:crypto key pair. */
export interface NodePair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

const cache = new Map<string, NodePair>();

/** An RSA key pair (cached by size and exponent). */
export function rsaPair(modulusLength = 2048, publicExponent = 65537): NodePair {
  const id = `rsa-${modulusLength}-${publicExponent}`;
  let pair = cache.get(id);
  if (pair === undefined) {
    pair = generateKeyPairSync('rsa', { modulusLength, publicExponent });
    cache.set(id, pair);
  }
  return pair;
}

/** An EC key pair on a named curve (OpenSSL names accepted: prime256v1, secp384r1, secp521r1, secp256k1). */
export function ecPair(namedCurve: string): NodePair {
  return generateKeyPairSync('ec', { namedCurve });
}

/** An OKP key pair. */
export function okpPair(type: 'ed25519' | 'ed448' | 'x25519' | 'x448'): NodePair {
  // The overloads of generateKeyPairSync take each OKP type literally.
  return generateKeyPairSync(type as 'ed25519');
}

/** PEM text of a key in a given encoding. */
export function pem(key: KeyObject, type: 'spki' | 'pkcs8' | 'pkcs1' | 'sec1'): string {
  return key.export({ format: 'pem', type } as never).toString();
}

/** A key as a JWK (node:crypto's export: no kid/alg/use). */
export function jwkOf(key: KeyObject): Jwk {
  return key.export({ format: 'jwk' }) as Jwk;
}

/** Members that must never appear in a public JWK. */
export const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

/** Asserts a JWK carries no private member. */
export function expectNoPrivateMembers(jwk: object): void {
  for (const m of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(m);
}

/** A self-signed P-256 certificate (openssl req -x509 -newkey ec, CN=tessera-test-ec). */
export const EC_CERT = `-----BEGIN CERTIFICATE-----
MIIBjDCCATGgAwIBAgIUNVzrg0bHNXbtZJFRWoOTKD/yGZcwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPdGVzc2VyYS10ZXN0LWVjMCAXDTI2MTEyNDE0NDUwMloYDzIx
MjYxMDMxMTQ0NTAyWjAaMRgwFgYDVQQDDA90ZXNzZXJhLXRlc3QtZWMwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAATjpahuw8FLBVuuHupH4xpuNNt30RDF+1aVDRXu
zPEUk9VRF4Kom153YonU/zi+hkqcPGmml13kwKw7OZwnIHgio1MwUTAdBgNVHQ4E
FgQUx8v0Wv5gzCUJptVYN34ku5tpLpgwHwYDVR0jBBgwFoAUx8v0Wv5gzCUJptVY
N34ku5tpLpgwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEA0Yv7
AzKWstGSgsSszTgISPxHibebMGkdFF1o7Ro9EVMCIQCvwJa33xsqKkexbgGAqbx4
FaXvRuYEGFslk+4TQ9S4SQ==
-----END CERTIFICATE-----
`;

/** A self-signed RSA 2048 certificate (openssl req -x509 -newkey rsa:2048, CN=tessera-test-rsa). */
export const RSA_CERT = `-----BEGIN CERTIFICATE-----
MIIDGTCCAgGgAwIBAgIULwa2wJoWtGtkoiGAHps/n2771qYwDQYJKoZIhvcNAQEL
BQAwGzEZMBcGA1UEAwwQdGVzc2VyYS10ZXN0LXJzYTAgFw0yNjExMjQxNDQ1MDJa
GA8yMTI2MTAzMTE0NDUwMlowGzEZMBcGA1UEAwwQdGVzc2VyYS10ZXN0LXJzYTCC
ASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAOCT3JVp9oNi6zL7h5HriCsv
s2Vamt9/DDScOQhr3PWjNEfVaNfepDEC1j7PK4OCxX/OogjhEfIeH81Sv+pQmqZW
tuEkr4Qbs/TBJDeMfngNHCQpC2MzAbvncTyIFTETFqI/ZuM1ErJk6uBPC1b29jFX
aUiwj6qq292AQhc4BMBFojWT/ATbt6SwRFxw3FUAH5GA87XUAKnUtQTWosPyLP3Z
j/7Fk5F7uVbXWmthsuAQem7IaL8IQM/8b0zfLSFkubnpzZr2I5UHbqKsXYjogLEs
Pb9z+fG1pdkZU74oXvH9RSn1iasQa/X4p5q0Wda3t09GibDzVOzkjOkq9NEl9JEC
AwEAAaNTMFEwHQYDVR0OBBYEFKS+6+r8lPIsHKbcQLLXgM7y6o3cMB8GA1UdIwQY
MBaAFKS+6+r8lPIsHKbcQLLXgM7y6o3cMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZI
hvcNAQELBQADggEBANRg2Z+D+OsLMGnCKF9YHRCK7v97YOXXhxOYgT1N2et7nOcy
V8geafReo2kDo/dinoe/sPnd4YWXxECumE0sL1uINzdq2VOSowM9dsKrpIN3nj6b
Sl3sH3H7xv4arQ1bRTP2rSZ3sFVnvA5DHViEr7zm383WdUmegpeDi9pUOeVgcn0F
Wf12aGCb/CRrEYq6RSFNA6HvrptYpLbXOflc9FLQvHOIbLewi47w/F8dBv8VbBEx
IxL8GzefV7pn7o7E9+swIr3nY/KCs+z05OgTX3PymolhdUlc5Me6Qki6Qe6axsui
KP+guq+9tUGwXo6bEjsjakfxIpoHGTCxTQktzFM=
-----END CERTIFICATE-----
`;
