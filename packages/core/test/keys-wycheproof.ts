/**
 * Project Wycheproof's JOSE key vectors (C2SP/wycheproof @ dac1dd4, testvectors_v1/json_web_key_test.json,
 * Apache-2.0; LICENSE in test/vectors/wycheproof/), read from the repo's copy: one entry per test, with the public
 * key set of its group (the private set where the group has no public one) and the compact JWS.
 */
import type { Jwks } from '../src/types.js';
import { readWycheproof } from './vectors-helpers.js';

/** One Wycheproof JWK test. */
export interface WycheproofJwkTest {
  tcId: number;
  comment: string;
  result: 'valid' | 'invalid' | 'acceptable';
  flags: string[];
  jws: string;
  jwks: Jwks;
}

interface JwkFile {
  testGroups: { private: Jwks; public?: Jwks; tests: Omit<WycheproofJwkTest, 'jwks'>[] }[];
}

/** Every json_web_key_test.json test, in file order, with the key set it is checked against. */
export const WYCHEPROOF_JWK_TESTS: WycheproofJwkTest[] = readWycheproof<JwkFile>('json_web_key_test.json').testGroups.flatMap((group) =>
  group.tests.map(({ tcId, comment, result, flags, jws }) => ({ tcId, comment, result, flags, jws, jwks: group.public ?? group.private })),
);
