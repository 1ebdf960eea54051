export { parseDuration, type ParseDurationOptions } from '../lib/duration.js';
export { signJwt, type SignJwtOptions } from './sign-jwt.js';
export { encryptJwe, type EncryptJweOptions } from './encrypt-jwe.js';
export { signAndEncrypt, type SignAndEncryptOptions } from './sign-and-encrypt.js';
export {
  issueToken,
  type IssueTokenOptions,
  type IssueTokenBaseOptions,
  type IssuedToken,
  type IssuedTokenFormat,
} from './issue-token.js';
