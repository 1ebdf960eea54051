export { createTokenVerifier, type TokenVerifier } from './create-token-verifier.js';
export { verifyToken } from './verify-token.js';
export type { VerifyOptions, VerifyKeys, VerifyCompatOptions } from './verify-options.js';
export type { VerifiedToken } from './verified-token.js';
export { joseEngine } from '../lib/jose-engine.js';
