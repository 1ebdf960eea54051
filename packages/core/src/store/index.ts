export type {
  TokenStore,
  OpaqueTokenRecord,
  RefreshTokenRecord,
  StoredRefreshToken,
  RefreshTokenRotation,
  FamilyAccessToken,
  IssueRefreshTokenOptions,
  RefreshRotateOptions,
  RefreshRotateResult,
  RevocationEvent,
  RevocationListener,
  CounterState,
  JsonObject,
} from './token-store.js';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './memory-token-store.js';
export {
  tokenStoreArguments,
  tokenStoreErrors,
  type TokenStoreArguments,
  type CheckedRotation,
} from './token-store-support.js';
export { RevocationHub } from './revocation-hub.js';
export { createCoalescedCounter, type HitCounter } from './coalesced-counter.js';
