// Two servers compared "at once": the one measurement method the verifier and issuer sections share.

/** What a paired comparison measured. */
export interface Paired {
  /** Median over the turns of (row's requests per server CPU-second) / (reference's). */
  median: number;
  pairs: number;
  /** Every turn's ratio, sorted. */
  ratios: number[];
}

/** The {@link Paired} summary of some turns' ratios (from one or several server processes). */
export function pairedOf(ratios: readonly number[]): Paired {
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, pairs: sorted.length, ratios: sorted };
}

/**
 * Runs `turns` turns in which the reference and the row are loaded **at the same time** (each `run` loads one server
 * and resolves to its requests per server CPU-second), which one starts first alternating, and summarises the
 * row / reference ratios. Both runs of a turn see the same neighbours, CPU and load generator, so on a shared machine
 * the ratio moves far less than one of separate runs (one after the other: 0.7–1.35 per pair on the 2-core VM;
 * at once: ±3 %).
 */
export async function pairedAtOnce(turns: number, reference: () => Promise<number>, row: () => Promise<number>): Promise<Paired> {
  const ratios: number[] = [];
  for (let i = 0; i < turns; i++) {
    const [a, b] = i % 2 === 0
      ? await Promise.all([reference(), row()])
      : await Promise.all([row(), reference()]).then(([r, a]) => [a, r] as const);
    ratios.push(b / a);
  }
  return pairedOf(ratios);
}
