import { pairedAtOnce, type Paired } from '../paired.js';
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

/**
 * Two servers compared as one number that background load barely moves: both are loaded **at the same time** (half
 * the connections each, both servers on the same pinned core), `pairs` turns of {@link pairedAtOnce}. `tokens`
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
  return pairedAtOnce(pairs, () => once(base, 1.5), () => once(row, 1.5));
}
