export { createTokenVerifier, type TokenVerifier } from './create-token-verifier.js';
export { verifyToken } from './verify-token.js';
export { createJwsVerifier, type JwsVerifier, type VerifiedJws } from './create-jws-verifier.js';
export { createJweDecrypter, type JweDecrypter, type DecryptedJwe } from './create-jwe-decrypter.js';
export type { VerifyOptions, VerifyKeys, VerifyCompatOptions } from './verify-options.js';
export type { JwsVerifyOptions, JweDecryptOptions, DecryptCompatOptions } from './raw-options.js';
export type { VerifiedToken } from './verified-token.js';
export { joseEngine } from '../lib/jose-engine.js';
