// `npm run bench`: one process, warm keys, best of a few interleaved rounds per row, printed as a Markdown table with
// ratios against plain jose (goal: the policy layer costs at most 10% over it) and raw node:crypto (the limit).
import { formatTable, measure } from './table.js';
import { verifyRows } from './verify-rows.js';

const timeMs = Number(process.env.BENCH_TIME_MS ?? 600);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const rows = await verifyRows();
const results = await measure(rows, timeMs, rounds);
console.log(
  `\nTessera bench — node ${process.version}, best of ${rounds} rounds × ${timeMs} ms per contender, ops/s (higher is better)\n`,
);
console.log(formatTable(results));
