import autocannon from 'autocannon';

/** One load run's outcome. */
export interface Load {
  requestsPerSecond: number;
  /** Requests per CPU-second of the server process: its cost per request, whatever else the machine runs. */
  perCpuSecond: number;
  p99Ms: number;
  non2xx: number;
}

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

/**
 * Load `url` with autocannon: a one-second warm-up, then `SECONDS` measured. With a token pool, each request takes
 * the next token (`every token new`); the run stops when the pool is used up, so no token is sent twice.
 */
export async function load(
  url: string,
  token: string | undefined,
  pool: { warm: string[]; measured: string[] } | undefined,
  cpuSeconds: () => Promise<number>,
): Promise<Load> {
  const run = async (duration: number, tokens?: string[]): Promise<Omit<Load, 'perCpuSecond'> & { total: number }> => {
    let next = 0;
    const options: autocannon.Options = { url, connections: CONNECTIONS };
    if (tokens === undefined) options.duration = duration;
    else options.amount = tokens.length;
    if (token !== undefined) options.headers = { authorization: `Bearer ${token}` };
    if (tokens !== undefined) {
      options.requests = [{
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` } }),
      }];
    }
    const result = await autocannon(options);
    // Total over wall time: autocannon's per-second average undercounts a run that ends mid-second (`amount` runs).
    return { requestsPerSecond: result.requests.total / result.duration, total: result.requests.total, p99Ms: result.latency.p99, non2xx: result.non2xx + result.errors + result.timeouts };
  };
  await run(1, pool?.warm);
  const before = await cpuSeconds();
  const measured = await run(SECONDS, pool?.measured);
  const cpu = (await cpuSeconds()) - before;
  if (measured.non2xx > 0) throw new Error(`${url}: ${measured.non2xx} requests failed`);
  return { requestsPerSecond: measured.requestsPerSecond, perCpuSecond: measured.total / cpu, p99Ms: measured.p99Ms, non2xx: 0 };
}

/** What {@link pairedRatio} measured. */
export interface Paired {
  /** Median over the pairs of (row's requests per server CPU-second) / (limit's). */
  median: number;
  pairs: number;
  /** Every pair's ratio, sorted. */
  ratios: number[];
}

/**
 * Two servers compared as one number that background load barely moves: both are loaded **at the same time** (half
 * the connections each, both servers on the same pinned core), `pairs` times; each turn's ratio (row / base, requests
 * per server CPU-second) compares two runs that saw the same neighbours, the same CPU and the same load generator,
 * and the median of those ratios is kept. Which load starts first alternates from turn to turn. (Alternating turns,
 * one server after the other, spread 0.7–1.35 per pair on this shared VM; simultaneous turns spread ±3 %.) `tokens`
 * is one token sent on every request (1.5 s turns), or a source of fresh tokens, one per request (each turn takes a
 * new batch from it for each server, so no token is seen twice).
 */
export async function pairedRatio(
  base: { url: string; cpuSeconds: () => Promise<number> },
  row: { url: string; cpuSeconds: () => Promise<number> },
  tokens: string | (() => string[]),
  pairs: number,
): Promise<Paired> {
  const connections = Math.max(1, CONNECTIONS >> 1);
  const once = async (server: typeof base, duration: number): Promise<number> => {
    const options: autocannon.Options = { url: server.url, connections };
    if (typeof tokens === 'string') {
      options.duration = duration;
      options.headers = { authorization: `Bearer ${tokens}` };
    } else {
      const batch = tokens();
      let next = 0;
      options.amount = batch.length;
      options.requests = [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${batch[next++ % batch.length]}` } }) }];
    }
    const before = await server.cpuSeconds();
    const result = await autocannon(options);
    const cpu = (await server.cpuSeconds()) - before;
    if (result.non2xx + result.errors + result.timeouts > 0) throw new Error(`${server.url}: requests failed`);
    return result.requests.total / cpu;
  };
  await Promise.all([once(base, 1), once(row, 1)]);
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const [b, r] = i % 2 === 0
      ? await Promise.all([once(base, 1.5), once(row, 1.5)])
      : await Promise.all([once(row, 1.5), once(base, 1.5)]).then(([x, y]) => [y, x] as const);
    ratios.push(r / b);
  }
  return pairedOf(ratios);
}

/** The {@link Paired} summary of some turns' ratios (from one or several server processes). */
export function pairedOf(ratios: readonly number[]): Paired {
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, pairs: sorted.length, ratios: sorted };
}
