import { Bench } from 'tinybench';

/** One contender in a benchmark row: a name and an async or sync operation that throws on a wrong answer. */
export interface Contender {
  name: string;
  run: () => unknown;
}

/** A benchmark row: one operation (e.g. "verify HS256") done by several contenders. */
export interface Row {
  operation: string;
  contenders: Contender[];
  /** Name of the contender the others are compared with ("plain jose"). */
  baseline: string;
  /** Name of the contender that marks the limit ("raw node:crypto"). */
  limit?: string;
  /** Operations each run of a contender does (a batch): ops/s counts them all. @default 1 */
  opsPerRun?: number;
}

export interface Measured {
  operation: string;
  name: string;
  opsPerSecond: number;
  vsBaseline: number;
  vsLimit: number | undefined;
}

/**
 * Runs every contender of every row and returns ops/s with ratios. Each row runs `rounds` times with the contenders
 * in a rotated order, and each contender keeps its best round: on a shared 2-core machine the first task of a run
 * pays for JIT warm-up and background load, and best-of-rounds keeps that noise out of the ratios.
 */
export async function measure(rows: Row[], timeMs: number, rounds = 3): Promise<Measured[]> {
  const results: Measured[] = [];
  for (const row of rows) {
    // Each contender must answer correctly before it is timed: a fast wrong answer is not a result.
    for (const c of row.contenders) await c.run();
    const ops = new Map<string, number>();
    for (let round = 0; round < rounds; round++) {
      const order = row.contenders.map((_, i) => row.contenders[(i + round) % row.contenders.length]!);
      const bench = new Bench({ time: timeMs, warmupTime: Math.min(300, timeMs / 2) });
      for (const c of order) bench.add(c.name, c.run);
      await bench.run();
      for (const task of bench.tasks) {
        const r = task.result;
        if (r.state !== 'completed') throw new Error(`${row.operation} / ${task.name}: ${r.state}`);
        ops.set(task.name, Math.max(ops.get(task.name) ?? 0, r.throughput.mean * (row.opsPerRun ?? 1)));
      }
    }
    const base = ops.get(row.baseline) ?? NaN;
    const limit = row.limit === undefined ? undefined : ops.get(row.limit);
    for (const c of row.contenders) {
      const o = ops.get(c.name) ?? NaN;
      results.push({
        operation: row.operation,
        name: c.name,
        opsPerSecond: o,
        vsBaseline: o / base,
        vsLimit: limit === undefined ? undefined : o / limit,
      });
    }
  }
  return results;
}

/** Formats results as a Markdown table (pasteable into an issue note). */
export function formatTable(results: Measured[]): string {
  const lines = [
    '| operation | implementation | ops/s | × plain jose | × raw node:crypto |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  let last = '';
  for (const r of results) {
    lines.push(
      `| ${r.operation === last ? '' : r.operation} | ${r.name} | ${Math.round(r.opsPerSecond).toLocaleString('en-US')} | ` +
        `${r.vsBaseline.toFixed(2)} | ${r.vsLimit === undefined ? '—' : r.vsLimit.toFixed(2)} |`,
    );
    last = r.operation;
  }
  return lines.join('\n');
}
