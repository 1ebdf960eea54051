import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Keeps the load generator and the server under test off each other's core: this process (autocannon) on CPU 0,
 * each server on CPU 1. On a 2-core machine, without it the two fight for both cores and a row's req/s swings with
 * the scheduler. Needs `taskset` (util-linux) and two cores; otherwise nothing is pinned and `serverPrefix` is empty.
 */
export interface CpuPinning {
  /** Prepended to a server's command line (`taskset -c 1`), or empty. */
  serverPrefix: string[];
  /** Moves a running server (every thread of process `pid`) to CPU 1; nothing when not pinning. */
  pinServer(pid: number | undefined): void;
  /**
   * Puts a helper process that shares the load generator's core (redis-server) ahead of it (`renice -n -10`), so it
   * answers at once instead of waiting for the load generator's time slice; nothing when not pinning or not allowed.
   */
  prioritise(pid: number | undefined): void;
  /** What the bench header says about it. */
  description: string;
  /** Gives this process its cores back. */
  release(): void;
}

function taskset(args: string[]): boolean {
  return run('taskset', args);
}

function run(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function pinCpus(): CpuPinning {
  const cpus = availableParallelism();
  if (cpus < 2 || !taskset(['-acp', '0', String(process.pid)])) {
    return {
      serverPrefix: [], pinServer: () => undefined, prioritise: () => undefined, description: 'not pinned (needs taskset and 2 cores)',
      release: () => undefined,
    };
  }
  return {
    serverPrefix: ['taskset', '-c', '1'],
    pinServer: (pid) => void (pid !== undefined && taskset(['-acp', '1', String(pid)])),
    prioritise: (pid) => void (pid !== undefined && run('renice', ['-n', '-10', '-p', String(pid)])),
    description: 'load generator on CPU 0, server on CPU 1',
    release: () => void taskset(['-acp', `0-${cpus - 1}`, String(process.pid)]),
  };
}
