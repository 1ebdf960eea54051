export { importSecret, type ImportSecretOptions, type SecretEncoding } from './import-secret.js';
export { importPem, type ImportPemOptions } from './import-pem.js';
export { importJwk, type ImportJwkOptions } from './import-jwk.js';
export { importJwks, type ImportJwksOptions } from './import-jwks.js';
export { generateSecret, type GenerateSecretOptions } from './generate-secret.js';
export {
  generateKeyPair,
  type GenerateKeyPairOptions,
  type GeneratedKeyPair,
  type KeyPairAlgorithm,
} from './generate-key-pair.js';
export { KeySet, type KeySetOptions, type KeyTiming, type RotateOptions } from './key-set.js';
export { createRemoteJwks, type RemoteJwks, type RemoteJwksOptions } from './create-remote-jwks.js';
export { publicKeyOf } from './public-key-of.js';
export type { HmacAlgorithm } from './validate-key.js';
