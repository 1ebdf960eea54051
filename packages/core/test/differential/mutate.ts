/**
 * Token mutations for the differential suite: bit flips, character edits, truncations, insertions, base64url edge
 * cases, swapped and transplanted segments, changed segment counts, header and payload edits (re-signed so they pass
 * the signature, or not), signature/tag edits (ECDSA r/s edges, DER, lengths), wrong keys, a stricter policy, and
 * edits of the inner token of a nested JWE. Deterministic for a given {@link Rng}.
 */
import { base64url } from 'jose';
import { ECDSA_CURVES } from '../../src/node/ecdsa.js';
import type { VerifierPair } from './compare.js';
import type { Base, Contexts } from './corpus.js';
import { editHeader, editPayload } from './edits.js';
import { bytesOf } from './mint.js';
import type { Rng } from './rng.js';

/** One mutated token and the context to verify it in. */
export interface Mutation {
  readonly label: string;
  readonly token: string;
  readonly context: VerifierPair;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const EXTRA = '.=+/ \n\t%~"{}\u00e9\u0000';

const segmentsOf = (token: string): string[] => token.split('.');
const randomChar = (rng: Rng): string => (rng.chance(0.85) ? ALPHABET : EXTRA).charAt(rng.int(rng.chance(0.85) ? 64 : EXTRA.length));

function decode(segment: string): Uint8Array {
  try {
    return base64url.decode(segment);
  } catch {
    return new Uint8Array(0);
  }
}

function flipBit(token: string, rng: Rng): string {
  const parts = segmentsOf(token);
  const candidates = parts.map((p, i) => [p, i] as const).filter(([p]) => p.length > 1);
  if (candidates.length === 0) return `${token}A`;
  const [segment, index] = rng.pick(candidates);
  const bytes = decode(segment);
  if (bytes.length === 0) return token;
  const bit = rng.int(bytes.length * 8);
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
  parts[index] = base64url.encode(bytes);
  return parts.join('.');
}

function editChars(token: string, rng: Rng): string {
  const chars = [...token];
  for (let n = 1 + (rng.chance(0.2) ? rng.int(4) : 0); n > 0; n--) chars[rng.int(chars.length)] = randomChar(rng);
  return chars.join('');
}

function truncate(token: string, rng: Rng): string {
  if (rng.chance(0.5)) return token.slice(0, rng.int(token.length));
  // Shorten one segment by a few characters (often leaves canonical base64url of fewer bytes).
  const parts = segmentsOf(token);
  const i = rng.int(parts.length);
  const p = parts[i] as string;
  parts[i] = p.slice(0, Math.max(0, p.length - 1 - rng.int(4)));
  return parts.join('.');
}

function insert(token: string, rng: Rng): string {
  const at = rng.int(token.length + 1);
  let extra = '';
  for (let n = 1 + rng.int(3); n > 0; n--) extra += randomChar(rng);
  return token.slice(0, at) + extra + token.slice(at);
}

function base64Edge(token: string, rng: Rng): string {
  const parts = segmentsOf(token);
  const i = rng.int(parts.length);
  const p = parts[i] as string;
  const bytes = decode(p);
  const standard = Buffer.from(bytes).toString('base64');
  const edits: ReadonlyArray<() => string> = [
    () => `${p}=`,
    () => `${p}==`,
    () => standard,
    () => standard.replace(/=+$/, ''),
    () => `${p}A`,
    () => `${p}AAAA`,
    () => ` ${p}`,
    () => `${p.slice(0, p.length >> 1)}\n${p.slice(p.length >> 1)}`,
    () => '',
    () => {
      // Non-zero unused trailing bits: decodes to the same bytes under a lenient decoder.
      if (p.length % 4 === 0 || p.length === 0) return `${p}B`;
      const last = ALPHABET.indexOf(p.charAt(p.length - 1));
      return p.slice(0, -1) + ALPHABET.charAt(last ^ 1);
    },
    () => p.replace(/[-_]/g, (c) => (c === '-' ? '+' : '/')),
  ];
  parts[i] = rng.pick(edits)();
  return parts.join('.');
}

function swapSegments(token: string, rng: Rng): string {
  const parts = segmentsOf(token);
  const i = rng.int(parts.length);
  const j = rng.int(parts.length);
  [parts[i], parts[j]] = [parts[j] as string, parts[i] as string];
  return parts.join('.');
}

function transplant(token: string, rng: Rng, others: readonly Base[]): string {
  const parts = segmentsOf(token);
  const donors = others.filter((b) => segmentsOf(b.token).length === parts.length && b.token !== token);
  if (donors.length === 0) return token;
  const donor = segmentsOf(rng.pick(donors).token);
  for (let n = 1 + (rng.chance(0.3) ? 1 : 0); n > 0; n--) {
    const i = rng.int(parts.length);
    parts[i] = donor[i] as string;
  }
  return parts.join('.');
}

function reshape(token: string, rng: Rng, others: readonly Base[]): string {
  const parts = segmentsOf(token);
  const edits: ReadonlyArray<() => string[]> = [
    () => parts.filter((_p, i) => i !== rng.int(parts.length)),
    () => [...parts, parts[parts.length - 1] as string],
    () => [...parts, ''],
    () => ['', ...parts],
    () => (parts.length === 3 ? [parts[0] as string, '', parts[1] as string, parts[2] as string, ''] : [parts[0] as string, parts[3] as string, parts[4] as string]),
    () => [...parts, ...segmentsOf(rng.pick(others).token)],
  ];
  return rng.pick(edits)().join('.');
}

/** DER-encodes an ECDSA (r, s) pair, as a JWS must not carry it. */
function der(r: Uint8Array, s: Uint8Array): Uint8Array {
  const int = (v: Uint8Array): number[] => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = [...v.subarray(i)];
    if ((body[0] as number) >= 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const seq = [...int(r), ...int(s)];
  return new Uint8Array(seq.length < 128 ? [0x30, seq.length, ...seq] : [0x30, 0x81, seq.length, ...seq]);
}

const big = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const fixed = (value: bigint, size: number): Uint8Array => Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');

function editSignature(base: Base, rng: Rng): string {
  const parts = segmentsOf(base.token);
  const jws = parts.length === 3;
  const index = jws ? 2 : rng.pick([1, 2, 4]);
  const bytes = decode(parts[index] as string);
  const alg = base.header.alg as string;
  const curve = jws && (alg === 'ES256' || alg === 'ES384' || alg === 'ES512') ? ECDSA_CURVES[alg] : undefined;
  const edits: Array<() => Uint8Array> = [
    () => bytes.subarray(0, Math.max(0, bytes.length - 1)),
    () => bytes.subarray(1),
    () => new Uint8Array([...bytes, 0]),
    () => new Uint8Array([0, ...bytes]),
    () => new Uint8Array(bytes.length),
    () => rng.bytes(bytes.length),
    () => new Uint8Array([...bytes, ...bytes]),
    () => bytes.subarray(0, bytes.length >> 1),
  ];
  if (curve !== undefined) {
    const { size, order } = curve;
    const r = bytes.subarray(0, size);
    const s = bytes.subarray(size);
    const n = big(order);
    edits.push(
      () => new Uint8Array([...r, ...fixed(n - big(s), size)]),
      () => new Uint8Array([...new Uint8Array(size), ...s]),
      () => new Uint8Array([...r, ...new Uint8Array(size)]),
      () => new Uint8Array(2 * size),
      () => new Uint8Array([...order, ...s]),
      () => new Uint8Array([...r, ...order]),
      () => new Uint8Array([...fixed(big(r) + n < 1n << BigInt(size * 8) ? big(r) + n : big(r), size), ...s]),
      () => der(r, s),
    );
  }
  parts[index] = base64url.encode(rng.pick(edits)());
  return parts.join('.');
}

/** Applies one random mutation to `base`. `depth` stops nested mutations from recursing further. */
export function mutate(base: Base, rng: Rng, others: readonly Base[], contexts: Contexts, depth = 0): Mutation {
  const token = base.token;
  const ctx = base.context;
  const roll = rng.int(100);
  const remint = base.remint;
  if (roll < 16) return { label: 'bit flip', token: flipBit(token, rng), context: ctx };
  if (roll < 24) return { label: 'character edit', token: editChars(token, rng), context: ctx };
  if (roll < 30) return { label: 'truncation', token: truncate(token, rng), context: ctx };
  if (roll < 34) return { label: 'insertion', token: insert(token, rng), context: ctx };
  if (roll < 42) return { label: 'base64 edge case', token: base64Edge(token, rng), context: ctx };
  if (roll < 46) return { label: 'swapped segments', token: swapSegments(token, rng), context: ctx };
  if (roll < 51) return { label: 'transplanted segment', token: transplant(token, rng, others), context: ctx };
  if (roll < 54) return { label: 'segment count', token: reshape(token, rng, others), context: ctx };
  if (roll < 60) return { label: 'signature/tag edit', token: editSignature(base, rng), context: ctx };
  if (roll < 64 && depth === 0) {
    return { label: 'wrong key', token, context: rng.chance(0.5) ? contexts.wrongKey : contexts.candidates };
  }
  const otherTokens = others.map((b) => b.token);
  if (roll < 68 && depth === 0) {
    const payload = remint !== undefined && rng.chance(0.5) ? editPayload(base.payload, rng, otherTokens) : base.payload;
    return { label: 'strict policy', token: remint === undefined ? token : remint(base.header, payload, rng), context: contexts.strict };
  }
  if (base.inner !== undefined && remint !== undefined && roll < 80 && depth === 0) {
    const inner = mutate(base.inner, rng, others, contexts, 1);
    return { label: `nested: ${inner.label}`, token: remint(base.header, inner.token, rng), context: ctx };
  }
  if (remint === undefined || roll < 84) {
    const header = base64url.encode(bytesOf(editHeader(base.header, rng)));
    return { label: 'header edit (not re-signed)', token: [header, ...segmentsOf(token).slice(1)].join('.'), context: ctx };
  }
  if (roll < 92) return { label: 'header edit (re-signed)', token: remint(editHeader(base.header, rng), base.payload, rng), context: ctx };
  return { label: 'payload edit (re-signed)', token: remint(base.header, editPayload(base.payload, rng, otherTokens), rng), context: ctx };
}
