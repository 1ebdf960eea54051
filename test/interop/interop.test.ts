/**
 * Interop with the systems Tessera replaces, both directions, against the real Debian libraries: python-jose 3.3,
 * jwcrypto 1.1, PyJWT 2.6 and go-jose v2. Peer-made tokens (in each reference system's configuration) must verify or
 * decrypt in core; every format Tessera emits must be read by each library that supports it. RFC departures found
 * here are listed in departures.ts; core rejects them by default and reads each with its compatibility setting, and
 * the suite asserts both, on both engines.
 *
 * Peers run once per batch (python: gen.py and check.py; Go: gen and check, built once into a temp dir). When a peer
 * is not installed the suite registers none of its cases and one test says how to install it; under CI=true that
 * test fails instead.
 */
import type { IssuedToken } from '@tessera/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ENGINES, type InboundCase, type OutboundCase, type Runner, expectUnsupported, verifierFactory,
} from './cases.js';
import { type InteropKeys, makeKeys } from './fixtures.js';
import { inboundCases } from './inbound.js';
import { InteropMatrix } from './matrix.js';
import { outboundCases } from './outbound.js';
import {
  APT_LINE, type PeerJob, type PeerResult, type PeerStatus, buildGo, detectGo, detectPython, runGo, runPython,
} from './peers.js';

const CI = process.env.CI === 'true';
const PEERS: Readonly<Record<Runner, PeerStatus>> = { python: detectPython(), go: detectGo() };
const TESSERA = 'tessera';
const PEER_READERS = ['python-jose', 'PyJWT', 'jwcrypto', 'jwt_decrypt', 'JWE service', 'go-jose'];
const CONSUMERS = [...ENGINES.map((e) => e.name), ...PEER_READERS];
const matrix = new InteropMatrix(CONSUMERS);

const inbound = inboundCases();
const outbound = outboundCases();
const live = <T extends { runner: Runner }>(cases: readonly T[]) => cases.filter((c) => PEERS[c.runner].available);

for (const c of inbound.filter((c) => !PEERS[c.runner].available)) {
  for (const { name } of ENGINES) matrix.record(c.producer, c.format, name, 'skipped');
  if (c.peerCheck) matrix.record(c.producer, c.format, c.peerCheck.consumer, 'skipped');
}
for (const c of outbound.filter((c) => !PEERS[c.runner].available)) {
  matrix.record(TESSERA, c.format, c.consumer, 'skipped');
}

interface Run {
  keys: InteropKeys;
  issued: Map<string, IssuedToken>;
  /** Generator results (peer-made tokens) by job id. */
  gen: Map<string, PeerResult>;
  /** Checker results (peers reading tokens) by job id. */
  check: Map<string, PeerResult>;
  timings: string[];
}
let run: Run | undefined;

/** The finished setup (tests only run after beforeAll succeeded; vitest reports its error otherwise). */
function current(): Run {
  if (run === undefined) throw new Error('interop setup did not complete');
  return run;
}

function uniqueJobs(jobs: PeerJob[]): PeerJob[] {
  return [...new Map(jobs.map((job) => [job.id, job])).values()];
}

/** The peer-made token of an inbound case, or a failure naming the generator's error. */
function tokenOf(r: Run, c: InboundCase): string {
  const result = r.gen.get(c.job(r.keys).id);
  expect(result?.error ?? null, `${c.producer} could not make the token`).toBeNull();
  const token = result?.[c.field ?? 'token'];
  expect(token).toEqual(expect.any(String));
  return token as string;
}

async function timed<T>(r: Pick<Run, 'timings'>, label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const value = await work();
  r.timings.push(`${label} ${Math.round(performance.now() - start)} ms`);
  return value;
}

/** Generator batch, then the producers' own readers on their tokens; Tessera's tokens checked meanwhile. */
async function peerChain(r: Run, runner: Runner, tessera: readonly OutboundCase[]): Promise<void> {
  if (runner === 'go') await timed(r, 'go build', buildGo);
  const exec = runner === 'python' ? runPython : runGo;
  const mine = live(inbound).filter((c) => c.runner === runner);
  const outbound = tessera.filter((c) => c.runner === runner);
  const outJobs = outbound.map((c) => c.job((r.issued.get(c.format) as IssuedToken).token, r.keys));
  const generate = async () => {
    const gen = await timed(r, `${runner} gen`, () => exec('gen', uniqueJobs(mine.map((c) => c.job(r.keys)))));
    for (const [id, result] of gen) r.gen.set(id, result);
    const own = mine.flatMap((c) => {
      const token = gen.get(c.job(r.keys).id)?.[c.field ?? 'token'];
      return c.peerCheck && typeof token === 'string' ? [c.peerCheck.job(token, r.keys)] : [];
    });
    return timed(r, `${runner} check (own tokens)`, () => exec('check', own));
  };
  const checkTessera = () => timed(r, `${runner} check (Tessera's tokens)`, () => exec('check', outJobs));
  const results = await Promise.all([generate(), checkTessera()]);
  for (const map of results) for (const [id, result] of map) r.check.set(id, result);
}

beforeAll(async () => {
  if (!PEERS.python.available && !PEERS.go.available) return;
  const started = performance.now();
  const timings: string[] = [];
  const keys = await timed({ timings }, 'keys', makeKeys);
  const r: Run = { keys, issued: new Map(), gen: new Map(), check: new Map(), timings };
  const tessera = live(outbound);
  await timed(r, 'tessera issue', async () => {
    const byFormat = new Map(tessera.map((c) => [c.format, c]));
    await Promise.all([...byFormat.values()].map(async (c) => r.issued.set(c.format, await c.issue(keys))));
  });
  const runners = (['python', 'go'] as const).filter((p) => PEERS[p].available);
  await Promise.all(runners.map((p) => peerChain(r, p, tessera)));
  timings.push(`total setup ${Math.round(performance.now() - started)} ms`);
  run = r;
}, 180_000);

afterAll(() => {
  const peers = Object.values(PEERS).map((p) => `${p.name}: ${p.available ? p.detail : `skipped (${p.detail})`}`);
  console.log(matrix.render(`Interop matrix (producer × format × consumer) — ${peers.join('; ')}`) +
    `\nsetup: ${run?.timings.join(', ') ?? 'not run'}` +
    '\ncompat cells: see test/interop/departures.ts and the "Compatibility settings" section of core\'s README');
});

describe('interop peers', () => {
  for (const peer of Object.values(PEERS)) {
    it(`runs the ${peer.name} peers when installed, and requires them under CI=true`, () => {
      if (peer.available) {
        console.log(`interop: ${peer.name} peers: ${peer.detail}`);
        expect(current().timings.filter((t) => t.startsWith(`${peer.name} `))).not.toEqual([]);
        return;
      }
      const message = `interop: ${peer.name} peers not installed (${peer.detail}); enable with: ${APT_LINE}`;
      if (CI) expect.fail(`${message} — CI=true requires every peer`);
      console.warn(`${message} — skipped`);
    });
  }
});

describe.each([...new Set(live(inbound).map((c) => c.producer))])('core reading tokens made by %s', (producer) => {
  for (const c of live(inbound).filter((x) => x.producer === producer)) {
    for (const { name, engine } of ENGINES) {
      it(`${c.format} [${name}]`, async () => {
        const r = current();
        const cannotMake = c.cannotMake;
        await matrix.cell(c.producer, c.format, name, () => cannotMake === undefined
          ? c.check(tokenOf(r, c), r.keys, verifierFactory(engine))
          : expectUnsupported(r.gen.get(c.job(r.keys).id), cannotMake));
      });
    }
    const own = c.peerCheck;
    if (own !== undefined) {
      it(`${c.format}: ${own.consumer} (the producing system's reader) agrees`, async () => {
        const r = current();
        const result = r.check.get(own.job(tokenOf(r, c), r.keys).id) as PeerResult;
        await matrix.cell(c.producer, c.format, own.consumer, () => own.check(result));
      });
    }
  }
});

describe.each([...new Set(live(outbound).map((c) => c.consumer))])('%s reading tokens made by Tessera', (consumer) => {
  for (const c of live(outbound).filter((x) => x.consumer === consumer)) {
    it(c.format, async () => {
      const r = current();
      const issued = r.issued.get(c.format) as IssuedToken;
      const result = r.check.get(c.job(issued.token, r.keys).id) as PeerResult;
      await matrix.cell(TESSERA, c.format, c.consumer, () => c.check(result, issued));
    });
  }
});
