import { describe, expect, it } from 'vitest';
import { tokenFingerprint } from '@tessera/core';

describe('tokenFingerprint', () => {
  it('gives different fingerprints to tokens that share a 1 KiB prefix', async () => {
    const prefix = 'eyJhbGciOiJFUzI1NiJ9.'.padEnd(1024, 'A');
    const a = await tokenFingerprint(`${prefix}.signature-one`);
    const b = await tokenFingerprint(`${prefix}.signature-two`);
    expect(a).not.toBe(b);
  });

  it('gives different fingerprints to tokens that differ only in their last character', async () => {
    const token = 'x'.repeat(4096);
    expect(await tokenFingerprint(`${token}a`)).not.toBe(await tokenFingerprint(`${token}b`));
  });

  it('gives the same token the same fingerprint every time', async () => {
    const token = 'header.payload.signature';
    expect(await tokenFingerprint(token)).toBe(await tokenFingerprint(token));
  });

  it('is base64url(SHA-256(token)) without padding', async () => {
    // SHA-256("abc") from FIPS 180-2 appendix B.1.
    const hex = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    const expected = Buffer.from(hex, 'hex').toString('base64url');
    const fingerprint = await tokenFingerprint('abc');
    expect(fingerprint).toBe(expected);
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('hashes the UTF-8 bytes, so non-ASCII tokens are distinct', async () => {
    expect(await tokenFingerprint('é')).not.toBe(await tokenFingerprint('e\u0301'));
  });

  it('rejects a token that is not a string with invalid_argument', async () => {
    await expect(tokenFingerprint(42 as unknown as string)).rejects.toMatchObject({
      name: 'TesseraArgumentError',
      code: 'invalid_argument',
      message: '"token" must be a string',
    });
  });
});
