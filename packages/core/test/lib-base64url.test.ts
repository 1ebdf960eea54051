import { describe, expect, it } from 'vitest';
import { decodeSegment, hasOnlyTokenCharacters, isCanonicalSegment } from '../src/lib/base64url.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The canonical spelling of `segment`'s bytes, by Node's own (lenient) decoder and (canonical) encoder. */
function reencoded(segment: string): string {
  return Buffer.from(segment, 'base64url').toString('base64url');
}

describe('hasOnlyTokenCharacters', () => {
  it('accepts the base64url alphabet and dots', () => {
    expect(hasOnlyTokenCharacters(`${ALPHABET}.${ALPHABET}..`)).toBe(true);
    expect(hasOnlyTokenCharacters('')).toBe(true);
  });

  it.each([
    ['"=" padding', 'eyJ9.e30=.x'],
    ['a standard-alphabet "+"', 'ab+c.d.e'],
    ['a standard-alphabet "/"', 'ab/c.d.e'],
    ['a space', 'abc .d.e'],
    ['a trailing newline', 'abc.d.e\n'],
    ['a tab', 'abc.\td.e'],
    ['a non-ASCII letter', 'abé.d.e'],
    ['a NUL', 'abc.d.e\u0000'],
    ['a fullwidth letter', 'abc.d.\uff41'],
  ])('rejects %s', (_what, token) => {
    expect(hasOnlyTokenCharacters(token)).toBe(false);
  });

  it('rejects every ASCII character outside the alphabet and the dot, wherever it stands', () => {
    for (let code = 0; code < 256; code++) {
      const ch = String.fromCharCode(code);
      const allowed = ALPHABET.includes(ch) || ch === '.';
      for (const token of [`${ch}abc.d.e`, `abc.${ch}.e`, `abc.d.e${ch}`]) {
        expect(hasOnlyTokenCharacters(token), `U+${code.toString(16)} in ${JSON.stringify(token)}`).toBe(allowed);
      }
    }
  });
});

describe('isCanonicalSegment', () => {
  it('rejects a length of 1 mod 4, which no byte count produces', () => {
    for (const segment of ['A', 'AAAAA', 'eyJhbGciOiJIUzI1NiJ9A']) expect(isCanonicalSegment(segment)).toBe(false);
  });

  it('accepts the empty segment and every full quantum', () => {
    expect(isCanonicalSegment('')).toBe(true);
    expect(isCanonicalSegment('____')).toBe(true);
  });

  it('accepts a 2- or 3-character tail exactly when its unused low bits are zero (all 2- and 3-character segments)', () => {
    let canonical = 0;
    for (const a of ALPHABET) {
      for (const b of ALPHABET) {
        expect(isCanonicalSegment(`${a}${b}`)).toBe(reencoded(`${a}${b}`) === `${a}${b}`);
        for (const c of ALPHABET) {
          const segment = `${a}${b}${c}`;
          const ok = isCanonicalSegment(segment);
          if (ok) canonical++;
          // Re-encoding is the definition: only the canonical spelling survives the round trip unchanged.
          if (ok !== (reencoded(segment) === segment)) expect.fail(`${segment}: ${ok}`);
        }
      }
    }
    // One spelling per 2-byte value: 65,536 of the 262,144 three-character segments.
    expect(canonical).toBe(65_536);
  });

  it.each([
    ['"AB" (low 4 bits of "B" set)', 'AB', false],
    ['"AQ" (low 4 bits of "Q" clear)', 'AQ', true],
    ['"AAB" (low 2 bits of "B" set)', 'AAB', false],
    ['"AAE" (low 2 bits of "E" clear)', 'AAE', true],
    ['a long segment ending in "_" after a full quantum', 'eyJhbGciOiJIUzI1NiJ9__', false],
  ])('judges %s', (_what, segment, expected) => {
    expect(isCanonicalSegment(segment)).toBe(expected);
  });
});

describe('decodeSegment', () => {
  it('decodes every length from 0 to 64 bytes as Node does', () => {
    let seed = 1;
    for (let length = 0; length <= 64; length++) {
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        bytes[i] = seed >>> 24;
      }
      const segment = bytes.toString('base64url');
      expect(isCanonicalSegment(segment)).toBe(true);
      expect(Buffer.from(decodeSegment(segment))).toEqual(bytes);
    }
  });

  it('decodes all-ones and all-zeros bytes through the whole alphabet', () => {
    expect(Array.from(decodeSegment('____'))).toEqual([0xff, 0xff, 0xff]);
    expect(Array.from(decodeSegment('AAAA'))).toEqual([0, 0, 0]);
    expect(Array.from(decodeSegment(ALPHABET))).toEqual(Array.from(Buffer.from(ALPHABET, 'base64url')));
  });
});
