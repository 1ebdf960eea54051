/**
 * Runs a token through a pair of verifiers that differ only in their engine and compares what they say: the same
 * error (class, code, message, claim/header) or the same result (claims, headers, format, and the very same keys).
 */
import { isDeepStrictEqual } from 'node:util';
import { TesseraError } from '../../src/errors.js';
import type { VerificationEngine } from '../../src/lib/engine.js';
import type { TesseraKey } from '../../src/types.js';
import { createTokenVerifier, type TokenVerifier } from '../../src/verify/create-token-verifier.js';
import type { VerifyOptions } from '../../src/verify/verify-options.js';

/** Two verifiers built from the same options, one per engine. */
export interface VerifierPair {
  readonly name: string;
  readonly node: TokenVerifier;
  readonly jose: TokenVerifier;
}

/** Builds a {@link VerifierPair}. */
export function verifierPair(name: string, options: VerifyOptions, node: VerificationEngine, jose: VerificationEngine): VerifierPair {
  return {
    name,
    node: createTokenVerifier({ ...options, engine: node }),
    jose: createTokenVerifier({ ...options, engine: jose }),
  };
}

const keyIds = new WeakMap<TesseraKey, number>();
let nextKeyId = 1;

/** A stable id per key object, so results compare by key identity rather than by structure. */
function keyId(key: TesseraKey | undefined): string | undefined {
  if (key === undefined) return undefined;
  let id = keyIds.get(key);
  if (id === undefined) {
    id = nextKeyId++;
    keyIds.set(key, id);
  }
  return `${key.kid ?? '(no kid)'}#${id}`;
}

/** What one verification came to, in comparable form. */
export type Outcome =
  | { ok: true; payload: unknown; header: unknown; format: string; encryptionHeader: unknown; key: string | undefined; decryptionKey: string | undefined }
  | { ok: false; tessera: boolean; name: string; code: string; message: string; detail: string | undefined };

/** Verifies `token` and reduces the result (or error) to an {@link Outcome}. Never throws. */
export async function outcomeOf(verifier: TokenVerifier, token: string): Promise<Outcome> {
  try {
    const r = await verifier.verify(token);
    return {
      ok: true,
      payload: r.payload,
      header: r.header,
      format: r.format,
      encryptionHeader: r.encryptionHeader,
      key: keyId(r.key),
      decryptionKey: keyId(r.decryptionKey),
    };
  } catch (err) {
    if (err instanceof TesseraError) {
      const detail = (err as { claim?: string; header?: string }).claim ?? (err as { header?: string }).header;
      return { ok: false, tessera: true, name: err.name, code: err.code, message: err.message, detail };
    }
    const e = err as { name?: unknown; code?: unknown; message?: unknown };
    return { ok: false, tessera: false, name: String(e.name), code: String(e.code), message: String(e.message), detail: undefined };
  }
}

/** One token the engines disagreed on (or on which a verifier threw something other than a TesseraError). */
export interface Finding {
  readonly label: string;
  readonly context: string;
  readonly token: string;
  readonly node: Outcome;
  readonly jose: Outcome;
}

/** Counts of a run. */
export interface Tally {
  total: number;
  accepted: number;
  byCode: Record<string, number>;
  byLabel: Record<string, number>;
  /** How many tokens the engines disagreed on; the first few are kept in `disagreements`. */
  disagreementCount: number;
  disagreements: Finding[];
  /** How many tokens made either verifier throw a non-Tessera error (a bug even when both agree). */
  foreignErrorCount: number;
  foreignErrors: Finding[];
}

/** An empty {@link Tally}. */
export function newTally(): Tally {
  return { total: 0, accepted: 0, byCode: {}, byLabel: {}, disagreementCount: 0, disagreements: [], foreignErrorCount: 0, foreignErrors: [] };
}

const KEEP = 25;

/** Verifies `token` with both verifiers of `pair` and records the comparison in `tally`. */
export async function compare(tally: Tally, pair: VerifierPair, label: string, token: string): Promise<void> {
  const [node, jose] = await Promise.all([outcomeOf(pair.node, token), outcomeOf(pair.jose, token)]);
  tally.total++;
  tally.byLabel[label] = (tally.byLabel[label] ?? 0) + 1;
  const code = node.ok ? 'accepted' : node.code;
  tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
  if (node.ok) tally.accepted++;
  const finding = { label, context: pair.name, token, node, jose };
  if (!isDeepStrictEqual(node, jose)) {
    if (tally.disagreementCount++ < KEEP) tally.disagreements.push(finding);
  }
  if ((!node.ok && !node.tessera) || (!jose.ok && !jose.tessera)) {
    if (tally.foreignErrorCount++ < KEEP) tally.foreignErrors.push(finding);
  }
}

/** A readable account of the first findings, for a failing assertion or the fuzz CLI. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .slice(0, 5)
    .map((f) => `[${f.context}] ${f.label}\n  token: ${f.token.length > 400 ? `${f.token.slice(0, 400)}…` : f.token}\n  node:  ${JSON.stringify(f.node)}\n  jose:  ${JSON.stringify(f.jose)}`)
    .join('\n');
}
