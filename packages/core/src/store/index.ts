export type {
  TokenStore,
  OpaqueTokenRecord,
  RefreshTokenRecord,
  StoredRefreshToken,
  RefreshTokenRotation,
} from './token-store.js';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './memory-token-store.js';
