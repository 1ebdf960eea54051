// `npm run bench`: one process, warm keys, one run per row, printed as a Markdown table with ratios against plain
// jose (the goal: Tessera's policy layer costs at most 10% over it) and raw node:crypto (the limit).
import { formatTable, measure } from './table.js';
import { verifyRows } from './verify-rows.js';

const timeMs = Number(process.env.BENCH_TIME_MS ?? 1000);
const rows = await verifyRows();
const results = await measure(rows, timeMs);
console.log(`\nTessera bench — node ${process.version}, ${timeMs} ms per contender, ops/s (higher is better)\n`);
console.log(formatTable(results));
