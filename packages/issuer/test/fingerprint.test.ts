import { tokenFingerprint } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { fingerprint, randomId, randomToken } from '../src/internal/random.js';

describe('the issuer\'s token fingerprints and random values', () => {
  it('fingerprints exactly as core\'s tokenFingerprint (the key every store and verifier uses)', async () => {
    for (const token of [randomToken(), 'eyJhbGciOiJFUzI1NiJ9.e30.sig', 'ünïcödé-✓', '']) {
      expect(fingerprint(token)).toBe(await tokenFingerprint(token));
    }
  });

  it('hands out distinct 256-bit tokens and 128-bit ids across pool refills', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => randomToken()));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
