import { describe, expect, it, vi } from 'vitest';
import { randomBase64url } from '../src/lib/random-id.js';

describe('randomBase64url (the pooled random ids behind signJwt\'s jti: true)', () => {
  it.each([1, 2, 3, 16, 32, 33])('encodes %i random bytes as canonical unpadded base64url', (bytes) => {
    for (let i = 0; i < 50; i++) {
      const id = randomBase64url(bytes);
      expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(id).toHaveLength(Math.ceil((bytes * 4) / 3));
      const decoded = Buffer.from(id, 'base64url');
      expect(decoded).toHaveLength(bytes);
      expect(decoded.toString('base64url')).toBe(id);
    }
  });

  it('never repeats an id, across many refills of the pool', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(randomBase64url(16));
    expect(ids.size).toBe(20_000);
  });

  it('hands out exactly the bytes the CSPRNG wrote, each once, and refills when the pool runs out', () => {
    const drawn: string[] = [];
    const fills: { at: number; bytes: Uint8Array }[] = [];
    const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      // The id being drawn when the pool is refilled is the first one made of the new bytes.
      fills.push({ at: drawn.length, bytes: Uint8Array.from(real(array as unknown as Uint8Array)) });
      return array;
    });
    try {
      while (fills.length < 2) drawn.push(randomBase64url(16));
      const [first, second] = fills as [{ at: number; bytes: Uint8Array }, { at: number; bytes: Uint8Array }];
      expect(first.bytes).toHaveLength(4096);
      // 4096 bytes make 256 ids of 16, then the pool is refilled for the 257th.
      expect(second.at - first.at).toBe(256);
      const expected = Array.from({ length: 256 }, (_, i) => Buffer.from(first.bytes.subarray(i * 16, i * 16 + 16)).toString('base64url'));
      expect(drawn.slice(first.at, second.at)).toEqual(expected);
      expect(drawn[second.at]).toBe(Buffer.from(second.bytes.subarray(0, 16)).toString('base64url'));
    } finally {
      spy.mockRestore();
    }
  });
});
