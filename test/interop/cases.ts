/**
 * Shapes shared by the interop case lists: a case names its matrix cell (producer × format × consumer), the peer job
 * it needs, and the assertions that decide the cell.
 */
import {
  type IssuedToken, type TesseraErrorCode, TesseraError, type TokenVerifier, type VerificationEngine,
  type VerifyCompatOptions, type VerifyOptions, createTokenVerifier, joseEngine,
} from '@tessera/core';
import { nodeEngine } from '@tessera/core/node';
import { expect } from 'vitest';
import { DEPARTURES, type DepartureId } from './departures.js';
import type { InteropKeys } from './fixtures.js';
import type { CellResult, CellStatus } from './matrix.js';
import type { PeerJob, PeerResult } from './peers.js';

export type Runner = 'python' | 'go';

export const ISS = 'https://auth.local';
export const AUD = 'api://local';
/** One clock for the whole run, in seconds. */
export const NOW = Math.floor(Date.now() / 1000);
/** The claims every plain JWS of the suite carries; their `exp`/`iat` are integers. */
export const STD_CLAIMS = { sub: 'u123', iss: ISS, aud: AUD, iat: NOW, exp: NOW + 600, scope: 'read' };

/** Builds a core verifier with the engine under test. */
export type MakeVerifier = (options: VerifyOptions) => TokenVerifier;

/** Both verification engines: every peer-made token is read by each, and they must agree (DESIGN: engines). */
export const ENGINES: readonly { readonly name: string; readonly engine: VerificationEngine }[] = [
  { name: 'core/jose', engine: joseEngine },
  { name: 'core/node', engine: nodeEngine },
];

/** The verifier factory for one engine. */
export function verifierFactory(engine: VerificationEngine): MakeVerifier {
  return (options) => createTokenVerifier({ ...options, engine });
}

/** Asserts a peer's result and returns the cell's status. */
export type PeerVerdict = (result: PeerResult) => CellStatus;

/** A token made by a peer and read by core (and, for `peerCheck`, by the producing system's own reader too). */
export interface InboundCase {
  readonly producer: string;
  readonly format: string;
  readonly runner: Runner;
  /** The generator job. Cases that share one job (the Go issuer's access and refresh tokens) share its id. */
  readonly job: (k: InteropKeys) => PeerJob;
  /** Result field holding the token. @default 'token' */
  readonly field?: string;
  /** Set when the producer cannot make this format: its error, asserted (the cell reads `no`). */
  readonly cannotMake?: RegExp;
  /** Reads the token in core with verifiers from `make` (one per engine) and asserts; resolves with the cell. */
  readonly check: (token: string, k: InteropKeys, make: MakeVerifier) => Promise<CellResult>;
  /** The producing system's own reader on the same token (its verdict, asserted), recorded as `consumer`. */
  readonly peerCheck?: {
    readonly consumer: string;
    readonly job: (token: string, k: InteropKeys) => PeerJob;
    readonly check: PeerVerdict;
  };
}

/** A token made by Tessera and read by a peer. */
export interface OutboundCase {
  /** Format name; every case with the same format reads the same token. */
  readonly format: string;
  readonly consumer: string;
  readonly runner: Runner;
  readonly issue: (k: InteropKeys) => Promise<IssuedToken>;
  readonly job: (token: string, k: InteropKeys) => PeerJob;
  /** Asserts the peer's result; returns the cell's status. */
  readonly check: (result: PeerResult, issued: IssuedToken) => CellStatus;
}

/** Asserts that `promise` rejects with a TesseraError of this code and message. */
export async function expectTesseraError(promise: Promise<unknown>, code: TesseraErrorCode,
  message: RegExp): Promise<TesseraError> {
  const err: unknown = await promise.then(
    (value) => expect.fail(`expected ${code}, but it resolved with ${JSON.stringify(value).slice(0, 200)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TesseraError);
  expect(err).toMatchObject({ code });
  expect((err as TesseraError).message).toMatch(message);
  return err as TesseraError;
}

/** The departures whose settings are on in one reading of a departing token. */
export type Enabled = ReadonlySet<DepartureId>;

/** The verify option `compat` that turns on the verify-policy settings among `on`. */
export function compatOf(on: Enabled): VerifyCompatOptions {
  const compat: Record<string, boolean> = {};
  for (const id of on) {
    const setting = DEPARTURES[id].setting;
    if (setting.kind === 'verify') compat[setting.name] = true;
  }
  return compat;
}

/**
 * Asserts a token that departs from the RFCs both ways and returns its `compat` cell. `read(on)` reads the token in
 * core with exactly the settings of `on` turned on (verify `compat` members via {@link compatOf}, key-import options
 * by the case) and asserts what it gets. With any one setting of `ids` left off, the reading must fail with that
 * departure's documented code and message (so nothing is read by accident, and every setting is needed); with all of
 * them on it must succeed.
 */
export async function expectDeparture(ids: readonly DepartureId[],
  read: (on: Enabled) => Promise<unknown>): Promise<CellResult> {
  for (const id of ids) {
    const { code, message } = DEPARTURES[id].core;
    await expectTesseraError(read(new Set(ids.filter((other) => other !== id))), code, message);
  }
  await read(new Set(ids));
  return { status: 'compat', via: ids };
}

/** Asserts a peer job succeeded, naming the peer's error otherwise. */
export function expectOk(result: PeerResult | undefined): PeerResult {
  expect(result, 'no result from the peer').toBeDefined();
  const r = result as PeerResult;
  expect(r.error ?? null, `peer error for ${r.id}`).toBeNull();
  expect(r.ok).toBe(true);
  return r;
}

/** Asserts a peer job failed with this error from the peer library. */
export function expectPeerError(result: PeerResult | undefined, error: RegExp): void {
  expect(result, 'no result from the peer').toBeDefined();
  expect((result as PeerResult).ok, `expected the peer to refuse ${result?.id}`).toBe(false);
  expect((result as PeerResult).error).toMatch(error);
}

/** Asserts a peer job failed with its library's error for an unsupported format, and returns 'no'. */
export function expectUnsupported(result: PeerResult | undefined, error: RegExp): CellStatus {
  expectPeerError(result, error);
  return 'no';
}

/** Decodes a compact token's protected header (for header assertions on peer-made tokens). */
export function headerOf(token: string): Record<string, unknown> {
  const first = token.slice(0, token.indexOf('.'));
  return JSON.parse(Buffer.from(first, 'base64url').toString('utf8')) as Record<string, unknown>;
}
