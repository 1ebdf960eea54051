// The verify option `compat`: validated and copied once when the verifier is built, every setting off unless named,
// unknown names refused — so a compatibility reading is never on by accident.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importSecret } from '../src/keys/import-secret.js';
import { resolvePolicy } from '../src/verify/internal/policy.js';
import { createTokenVerifier } from '../src/verify/create-token-verifier.js';
import type { VerifyCompatOptions } from '../src/verify/verify-options.js';
import { mintDir } from './compat-helpers.js';
import { claims, currentDate, expectRejection, hmacKey } from './verify-helpers.js';

const keys = hmacKey('HS256').key;

function build(compat: unknown) {
  return () => createTokenVerifier({ keys, compat: compat as VerifyCompatOptions });
}

describe('the compat option', () => {
  it('turns every setting off when absent or empty, and resolves named ones to booleans', () => {
    const off = { gcmIv128: false, zlibDeflate: false, jwtEnvelope: false, nestedWithoutCty: false };
    expect(resolvePolicy({ keys }).compat).toEqual(off);
    expect(resolvePolicy({ keys, compat: {} }).compat).toEqual(off);
    const policy = resolvePolicy({ keys, compat: { gcmIv128: true, nestedWithoutCty: false } });
    expect(policy.compat).toEqual({ ...off, gcmIv128: true });
    expect(policy.limits.compat).toEqual({ gcmIv128: true, zlibDeflate: false });
    expect(Object.isFrozen(policy.compat)).toBe(true);
    expect(Object.isFrozen(policy.limits.compat)).toBe(true);
  });

  it('refuses an unknown setting, naming it and the known ones', () => {
    expect(build({ gcmIv96: true })).toThrow(expect.objectContaining({
      code: 'invalid_argument',
      message: 'unknown compatibility setting "compat.gcmIv96" (known: gcmIv128, zlibDeflate, jwtEnvelope, nestedWithoutCty)',
    }));
  });

  it.each([['a string', 'yes'], ['a number', 1], ['null', null]])('refuses a setting that is %s', (_what, value) => {
    expect(build({ zlibDeflate: value })).toThrow(expect.objectContaining({
      code: 'invalid_argument', message: '"compat.zlibDeflate" must be a boolean',
    }));
  });

  it.each([['null', null], ['an array', ['gcmIv128']], ['a string', 'gcmIv128'], ['true', true]])(
    'refuses a compat option that is %s', (_what, value) => {
      expect(build(value)).toThrow(expect.objectContaining({
        code: 'invalid_argument', message: '"compat" must be an object of compatibility settings',
      }));
    },
  );

  it('copies the settings at construction: changing the object later changes nothing', async () => {
    const secret = new Uint8Array(randomBytes(32));
    const decryptionKeys = await importSecret(secret, { alg: 'dir', enc: 'A256GCM' });
    const compat: VerifyCompatOptions = { gcmIv128: false };
    const verifier = createTokenVerifier({ decryptionKeys, compat, currentDate });
    compat.gcmIv128 = true;
    const token = mintDir(secret, { enc: 'A256GCM', header: { alg: 'dir', enc: 'A256GCM' }, plaintext: claims(), ivBytes: 16 });
    await expectRejection(verifier.verify(token), 'decryption_failed', 'decryption failed');
  });
});
