export { TtlCache, type TtlCacheOptions } from './ttl-cache.js';
export { createSingleFlight, type SingleFlight } from './single-flight.js';
export { tokenFingerprint } from './token-fingerprint.js';
