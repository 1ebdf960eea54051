// Core: verify/decrypt and sign ops/s, best of a few interleaved rounds per row, with ratios against plain jose (goal:
// the policy layer costs at most 10% over it) and raw node:crypto (the limit).
import { formatTable, measure } from './table.js';
import { signRows } from './sign-rows.js';
import { verifyRows } from './verify-rows.js';

export async function run(): Promise<string> {
  const timeMs = Number(process.env.BENCH_TIME_MS ?? 600);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const results = await measure([...(await verifyRows()), ...(await signRows())], timeMs, rounds);
  return (
    `\nTessera bench: core — node ${process.version}, best of ${rounds} rounds × ${timeMs} ms per contender, ` +
    `ops/s (higher is better)\n\n${formatTable(results)}`
  );
}
