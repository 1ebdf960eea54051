// The demo's keys: generated at start-up, or — when several processes share Redis — generated once and read back by
// every process (see shared-config.ts). Demo only: a real deployment loads its keys from a secret manager.
import { generateKeyPair, generateSecret, importJwk, importSecret, type Jwk, type TesseraKey } from '@tessera/core';

/** Every key of the demo as text: what two issuer processes must agree on. */
export interface DemoKeyMaterial {
  /** The issuer's ES256 signing key (private JWK with kid/alg/use); its public half is served at /jwks.json. */
  signing: Jwk;
  /** The issuer's ECDH-ES+A256KW key that nested `jwe` tokens are encrypted to (private JWK). */
  encryption: Jwk;
  /** The `dir` A256GCM secret (base64) of the `client-jwe-dir` client, shared with the Koa API. */
  jweDir: string;
  /** `JWE_ENCRYPTION_KEY` of the API-key YAML clients when the environment sets none (base64, A256GCM). */
  jweEncryptionKey: string;
  /** `JWT_SECRET_KEY` of the `secure-auth` manifest client when the environment sets none (base64, HS256). */
  jwtSecretKey: string;
}

/** The demo's keys, imported. */
export interface DemoKeys {
  readonly material: DemoKeyMaterial;
  readonly signing: TesseraKey;
  readonly encryption: TesseraKey;
  readonly jweDir: TesseraKey;
}

/** Fresh key material. */
export async function generateDemoKeyMaterial(): Promise<DemoKeyMaterial> {
  const [signing, encryption] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ECDH-ES+A256KW')]);
  return {
    signing: signing.privateJwk,
    encryption: encryption.privateJwk,
    jweDir: generateSecret('A256GCM'),
    jweEncryptionKey: generateSecret('A256GCM'),
    jwtSecretKey: generateSecret('HS256'),
  };
}

/** Imports key material (generated here, or read from Redis). */
export async function importDemoKeys(material: DemoKeyMaterial): Promise<DemoKeys> {
  const [signing, encryption, jweDir] = await Promise.all([
    importJwk(material.signing),
    importJwk(material.encryption),
    importSecret(material.jweDir, { alg: 'dir', enc: 'A256GCM' }),
  ]);
  return Object.freeze({ material, signing, encryption, jweDir });
}

/**
 * The environment the client files are read with: the process's, plus the demo's own `JWE_ENCRYPTION_KEY` and
 * `JWT_SECRET_KEY` when it sets none (export your own before `npm start` to choose them).
 */
export function clientFileEnv(env: Readonly<Record<string, string | undefined>>, material: DemoKeyMaterial): Record<string, string | undefined> {
  return {
    ...env,
    JWE_ENCRYPTION_KEY: env.JWE_ENCRYPTION_KEY || material.jweEncryptionKey,
    JWT_SECRET_KEY: env.JWT_SECRET_KEY || material.jwtSecretKey,
  };
}
