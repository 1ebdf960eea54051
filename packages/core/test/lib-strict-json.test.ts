import { describe, expect, it } from 'vitest';
import { TokenFormatError } from '../src/errors.js';
import { decodeUtf8, parseStrictJsonBytes, parseStrictJsonObject } from '../src/lib/strict-json.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Both entry points, so every case runs through the text and the bytes variant alike. */
const parsers: [string, (text: string) => Record<string, unknown>][] = [
  ['parseStrictJsonObject', (text) => parseStrictJsonObject(text, 'token payload')],
  ['parseStrictJsonBytes', (text) => parseStrictJsonBytes(utf8(text), 'token payload')],
];

function expectFormatError(run: () => unknown, message: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TokenFormatError);
  expect(caught).toMatchObject({ code: 'token_malformed', message });
}

/**
 * Reference answer: a small recursive-descent reading of valid JSON that decodes every member name and keeps a
 * Set per object — slow and obviously right, to check the counting shortcut against.
 */
function hasDuplicateReference(text: string): boolean {
  let i = 0;
  const ws = (): void => {
    while (' \t\n\r'.includes(text[i] ?? 'x')) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): boolean => {
    ws();
    let duplicate = false;
    if (text[i] === '{') {
      i++;
      const names = new Set<string>();
      ws();
      while (text[i] !== '}') {
        ws();
        const name = string();
        if (names.has(name)) duplicate = true;
        names.add(name);
        ws();
        i++; // ':'
        if (value()) duplicate = true;
        ws();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (text[i] === '[') {
      i++;
      ws();
      while (text[i] !== ']') {
        if (value()) duplicate = true;
        ws();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (text[i] === '"') {
      string();
    } else {
      while (i < text.length && !',]} \t\n\r'.includes(text[i] as string)) i++;
    }
    return duplicate;
  };
  return value();
}

/** Deterministic PRNG (mulberry32), so a failing random case can be reproduced from its seed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random JSON text with few distinct names (so duplicates are common), spelled with random escapes and spaces. */
function randomJson(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const space = (): string => pick(['', '', '', ' ', '\n\t', '\r\n  ']);
  const spell = (value: string): string => {
    let out = '"';
    const escape = (ch: string): string =>
      [...Array(ch.length).keys()]
        .map((i) => {
          const hex = ch.charCodeAt(i).toString(16).padStart(4, '0');
          return `\\u${random() < 0.5 ? hex : hex.toUpperCase()}`;
        })
        .join('');
    // By code point: an astral character is escaped as a whole surrogate pair or not at all (a lone surrogate
    // would not survive the UTF-8 round trip of the bytes variant).
    for (const ch of value) {
      if (ch === '"' || ch === '\\') out += random() < 0.5 ? `\\${ch}` : escape(ch);
      else out += random() < 0.2 ? escape(ch) : ch;
    }
    return `${out}"`;
  };
  const names = ['', 'a', 'b', 'a"b', 'a\\', ':', '"', 'é', '\u{1f600}', '__proto__'];
  const strings = [...names, '":', '\\"', 'x": "y', '{"a":1}', '\\\\'];
  const value = (depth: number): string => {
    const r = random();
    if (depth > 4 || r < 0.35) return pick(['1', '-0.5e3', 'true', 'null', spell(pick(strings))]);
    if (r < 0.5) {
      const items = Array.from({ length: Math.floor(random() * 4) }, () => space() + value(depth + 1) + space());
      return `[${items.join(',')}]`;
    }
    const members = Array.from(
      { length: Math.floor(random() * 4) },
      () => `${space()}${spell(pick(names))}${space()}:${space()}${value(depth + 1)}${space()}`,
    );
    return `{${members.join(',')}}`;
  };
  const members = Array.from({ length: 1 + Math.floor(random() * 4) }, () => `${spell(pick(names))}:${value(1)}`);
  return `${space()}{${members.join(',')}}${space()}`;
}

describe.each(parsers)('%s', (_name, parse) => {
  it.each([
    ['an empty object', '{}'],
    ['flat claims', '{"sub":"u","iss":"i","aud":"a","scope":"read write","iat":1700000000,"exp":1700003600}'],
    ['nested objects and arrays of objects', '{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2},[{"a":"x"}]]}'],
    ['the same name in different objects', '{"a":{"b":1},"c":{"b":1},"b":[{"b":2}]}'],
    ['spaces around every token', ' \n{ "a" : 1 ,\t"b"\r\n:\n"x" } \n'],
    ['one empty name', '{"":1,"a":""}'],
    ['names holding quotes, colons and backslashes', '{"a\\"b":1,"a\\\\":2,"a\\\\\\\\":3,":":4,"\\"":5}'],
    ['values that look like members', '{"a":"\\":","b":"\\"b\\":1","c":["\\"a\\":"],"d":"{\\"a\\":1}"}'],
    ['names that differ once decoded', '{"a\\\\u0061":1,"a\\u0061":2,"\\u00e9":3,"e\\u0301":4}'],
    ['a "__proto__" member, as an own key', '{"__proto__":{"a":1},"a":2}'],
    ['non-ASCII names and values', '{"é":"ü","\u{1f600}":"\u{1f600}","日本":"語"}'],
  ])('accepts %s', (_what, text) => {
    expect(parse(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['at the top level', '{"sub":"a","sub":"b"}'],
    ['with values of different types', '{"a":1,"a":"x"}'],
    ['whose first value held strings', '{"a":{"x":"y","z":["q"]},"a":1}'],
    ['inside a nested object', '{"a":{"b":1,"b":1}}'],
    ['inside an object in an array', '{"a":[1,{"b":1,"c":2,"b":3}]}'],
    ['five levels down', '{"a":{"a":{"a":{"a":{"a":{"x":1,"x":2}}}}}}'],
    ['spelled with a unicode escape ("a" and "\\u0061")', '{"a":1,"\\u0061":2}'],
    ['spelled with uppercase hex', '{"\\u00E9":1,"é":2}'],
    ['holding an escaped quote', '{"a\\"b":1,"a\\"b":2}'],
    ['holding a quote escaped two ways', '{"a\\"b":1,"a\\u0022b":2}'],
    ['holding a backslash escaped two ways', '{"\\\\":1,"\\u005c":2}'],
    ['spelled with an escaped solidus', '{"a/b":1,"a\\/b":2}'],
    ['that are empty', '{"":1,"":2}'],
    ['named "__proto__"', '{"__proto__":1,"__proto__":2}'],
    ['with spaces before the colon', '{"a" :1,"a"\n:2}'],
    ['that are astral characters, one escaped as a surrogate pair', '{"\u{1f600}":1,"\\ud83d\\ude00":2}'],
  ])('rejects duplicate member names %s', (_what, text) => {
    expectFormatError(() => parse(text), 'token payload has duplicate member names');
  });

  it.each([['an array', '[]'], ['a string', '"{}"'], ['null', 'null'], ['a number', '1']])(
    'rejects %s at the top level',
    (_what, text) => {
      expectFormatError(() => parse(text), 'token payload must be a JSON object');
    },
  );

  it.each([
    ['a trailing comma', '{"a":1,}'],
    ['single quotes', "{'a':1}"],
    ['a leading byte-order mark', '\ufeff{"a":1}'],
    ['nothing', ''],
  ])('rejects text with %s as not JSON', (_what, text) => {
    expectFormatError(() => parse(text), 'token payload is not valid JSON');
  });

  it('accepts 100,000 levels of nesting without overflowing the stack', () => {
    const depth = 100_000;
    const text = `{"a":${'['.repeat(depth)}{"b":1,"c":"x"}${']'.repeat(depth)}}`;
    expect(parse(text)).toHaveProperty('a');
  });

  it('rejects a duplicate 100,000 levels down', () => {
    const depth = 100_000;
    const text = `{"a":${'{"a":'.repeat(depth)}{"b":1,"b":"x"}${'}'.repeat(depth)}}`;
    expectFormatError(() => parse(text), 'token payload has duplicate member names');
  });

  it('accepts an array of 100,000 objects and rejects it once one of them repeats a name', () => {
    const items = Array.from({ length: 100_000 }, (_, i) => `{"i":${i},"s":"v${i}"}`);
    expect((parse(`{"items":[${items.join(',')}]}`)['items'] as unknown[]).length).toBe(100_000);
    items[77_777] = '{"i":1,"s":"x","i":2}';
    expectFormatError(() => parse(`{"items":[${items.join(',')}]}`), 'token payload has duplicate member names');
  });

  it('counts text longer than its scratch buffer, ASCII or not', () => {
    const ascii = `{"a":"${'x'.repeat(10_000)}","b":1}`;
    expect(parse(ascii)['b']).toBe(1);
    expectFormatError(() => parse(`${ascii.slice(0, -1)},"a":2}`), 'token payload has duplicate member names');
    // Under 4096 UTF-16 units but over 4096 UTF-8 bytes: the text variant must not count a truncated encoding.
    const wide = `{"a":"${'€'.repeat(2_000)}","b":1}`;
    expect(parse(wide)['b']).toBe(1);
    expectFormatError(() => parse(`${wide.slice(0, -1)},"b":"€"}`), 'token payload has duplicate member names');
  });

  it('stays exact when Object.prototype has an enumerable property', () => {
    const outcome = (text: string): unknown => {
      try {
        return parse(text);
      } catch (error) {
        return error;
      }
    };
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true });
    let duplicate: unknown;
    let valid: unknown;
    try {
      // Two objects each seeing one inherited key would balance one dropped duplicate name and its string value.
      duplicate = outcome('{"a":"x","a":"y","o":{}}');
      valid = outcome('{"a":"x","o":{"p":[{"q":"r"}]}}');
    } finally {
      delete (Object.prototype as Record<string, unknown>)['polluted'];
    }
    expect(duplicate).toBeInstanceOf(TokenFormatError);
    expect(duplicate).toMatchObject({ code: 'token_malformed', message: 'token payload has duplicate member names' });
    expect(valid).toEqual({ a: 'x', o: { p: [{ q: 'r' }] } });
  });

  it('agrees with a reference duplicate check on 5,000 random documents', () => {
    const random = prng(0x7e55e7a);
    let duplicates = 0;
    for (let n = 0; n < 5_000; n++) {
      const text = randomJson(random);
      const expected = hasDuplicateReference(text);
      if (expected) {
        duplicates++;
        expectFormatError(() => parse(text), 'token payload has duplicate member names');
      } else {
        expect(parse(text), text).toEqual(JSON.parse(text));
      }
    }
    // The generator must exercise both verdicts, or the comparison proves nothing.
    expect(duplicates).toBeGreaterThan(1_000);
    expect(duplicates).toBeLessThan(4_000);
  });
});

describe('UTF-8', () => {
  it.each([
    ['a stray continuation byte', [0x7b, 0x80, 0x7d]],
    ['an overlong encoding of "/"', [0x7b, 0xc0, 0xaf, 0x7d]],
    ['an encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['a truncated sequence', [0x7b, 0xe2, 0x82]],
    ['the byte 0xff', [0xff]],
  ])('rejects %s', (_what, bytes) => {
    expectFormatError(() => decodeUtf8(new Uint8Array(bytes), 'token header'), 'token header is not valid UTF-8');
    expectFormatError(() => parseStrictJsonBytes(new Uint8Array(bytes), 'token header'), 'token header is not valid UTF-8');
  });

  it('keeps a byte-order mark, so JSON starting with one is invalid rather than silently accepted', () => {
    const bom = [0xef, 0xbb, 0xbf, ...utf8('{"a":1}')];
    expect(decodeUtf8(new Uint8Array(bom), 'token header')).toBe('\ufeff{"a":1}');
    expectFormatError(() => parseStrictJsonBytes(new Uint8Array(bom), 'token header'), 'token header is not valid JSON');
  });

  it('reads bytes from a view into a larger buffer, not the whole buffer', () => {
    const backing = utf8('{"a":1,"a":2}{"b":"x"}');
    expect(parseStrictJsonBytes(backing.subarray(13), 'token payload')).toEqual({ b: 'x' });
  });
});
