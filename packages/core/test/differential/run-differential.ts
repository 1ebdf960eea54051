/**
 * The differential run shared by `differential.test.ts` (fixed seed, in `npm test`) and `test/fuzz/run.ts` (any seed,
 * any count): the published and attack corpora, every generated base token, then `mutations` seeded mutations, each
 * verified by a node-engine verifier and a jose-engine verifier built from the same options.
 */
import type { VerificationEngine } from '../../src/lib/engine.js';
import { attackCases } from './attacks.js';
import { compare, newTally, type Tally } from './compare.js';
import { generatedCorpus, type Base } from './corpus.js';
import { mutate } from './mutate.js';
import { Rng } from './rng.js';
import { rfc7520Cases, wycheproofCases } from './vectors.js';

/** What to run. */
export interface DifferentialOptions {
  readonly seed: number;
  readonly mutations: number;
  readonly node: VerificationEngine;
  readonly jose: VerificationEngine;
  /** Called every `progressEvery` mutations (the fuzz CLI prints it). */
  readonly onProgress?: (done: number, tally: Tally) => void;
  readonly progressEvery?: number;
}

/** Tallies per corpus, and how long the run took. */
export interface DifferentialReport {
  readonly corpora: Record<'rfc7520' | 'wycheproof' | 'attacks' | 'generated' | 'mutations', Tally>;
  readonly seconds: number;
}

/** Picks bases in proportion to their weight (cheap algorithms more often, so the run stays short). */
function weightedPicker(bases: readonly Base[]): (rng: Rng) => Base {
  const cumulative: number[] = [];
  let total = 0;
  for (const base of bases) cumulative.push((total += base.weight));
  return (rng) => {
    const x = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return bases[lo] as Base;
  };
}

/** Runs the whole differential comparison. */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialReport> {
  const started = performance.now();
  const { node, jose } = options;
  const rng = new Rng(options.seed);
  const { keys, contexts, bases } = await generatedCorpus(node, jose, rng);
  const corpora = {
    rfc7520: newTally(), wycheproof: newTally(), attacks: newTally(), generated: newTally(), mutations: newTally(),
  };
  for (const c of await rfc7520Cases(node, jose)) await compare(corpora.rfc7520, c.context, c.label, c.token);
  for (const c of await wycheproofCases(node, jose)) await compare(corpora.wycheproof, c.context, c.label, c.token);
  for (const c of attackCases(keys.a, contexts, rng)) await compare(corpora.attacks, c.context, c.label, c.token);
  for (const base of bases) {
    await compare(corpora.generated, base.context, base.label, base.token);
    if (base.inner !== undefined) await compare(corpora.generated, base.inner.context, base.inner.label, base.inner.token);
  }
  const pick = weightedPicker(bases);
  const every = options.progressEvery ?? 10_000;
  for (let i = 1; i <= options.mutations; i++) {
    const base = pick(rng);
    const m = mutate(base, rng, bases, contexts);
    await compare(corpora.mutations, m.context, `${base.label}: ${m.label}`, m.token);
    if (options.onProgress !== undefined && i % every === 0) options.onProgress(i, corpora.mutations);
  }
  return { corpora, seconds: (performance.now() - started) / 1000 };
}
