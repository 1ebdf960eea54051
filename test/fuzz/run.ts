// `npm run fuzz [-- --count N] [--seed S]`: the differential suite of packages/core at a larger scale and any seed.
// Every token (RFC 7520, Wycheproof, attacks, generated, then N seeded mutations) is verified by a node:crypto-engine
// verifier and a jose-engine verifier built from the same options; any difference in verdict, error or claims is a
// finding. Exits 1 on a finding, printing the token, the context and both outcomes; rerun with the printed seed to
// reproduce the run.
import { parseArgs } from 'node:util';
import { joseEngine } from '../../packages/core/src/lib/jose-engine.js';
import { nodeEngine } from '../../packages/core/src/node/node-engine.js';
import { describeFindings, type Tally } from '../../packages/core/test/differential/compare.js';
import { runDifferential } from '../../packages/core/test/differential/run-differential.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', short: 'n', default: '1000000' },
    seed: { type: 'string', short: 's' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: npm run fuzz -- [--count N (default 1000000)] [--seed S (default: random, printed)]');
  process.exit(0);
}

const count = Number(values.count);
const seed = values.seed === undefined ? Math.floor(Math.random() * 0x1_0000_0000) : Number(values.seed);
if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(seed)) {
  console.error('--count and --seed must be non-negative integers');
  process.exit(2);
}

console.log(`differential fuzz: ${count} mutations, seed ${seed}`);
const started = performance.now();
const report = await runDifferential({
  seed,
  mutations: count,
  node: nodeEngine,
  jose: joseEngine,
  progressEvery: Math.max(10_000, Math.floor(count / 20)),
  onProgress(done: number, tally: Tally) {
    const rate = Math.round(done / ((performance.now() - started) / 1000));
    console.log(`  ${done} mutations, ${tally.accepted} accepted, ${tally.disagreementCount} disagreements (${rate}/s)`);
  },
});

let failed = false;
for (const [name, tally] of Object.entries(report.corpora)) {
  console.log(`${name}: ${tally.total} tokens, ${tally.accepted} accepted, ${tally.disagreementCount} disagreements, ` +
    `${tally.foreignErrorCount} non-Tessera errors`);
  if (tally.disagreementCount > 0) console.log(describeFindings(tally.disagreements));
  if (tally.foreignErrorCount > 0) console.log(describeFindings(tally.foreignErrors));
  failed ||= tally.disagreementCount > 0 || tally.foreignErrorCount > 0;
}
console.log(`${report.seconds.toFixed(1)} s, seed ${seed}${failed ? ' — FINDINGS above' : ''}`);
process.exit(failed ? 1 : 0);
