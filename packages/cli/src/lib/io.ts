/** Writes one chunk of output (text is written as UTF-8). */
export type Writer = (chunk: string | Uint8Array) => void;

/** A signal the CLI forwards to a child process (`demo`). */
export type ForwardedSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/**
 * Everything a command touches outside itself: output streams, standard input, environment, working directory, clock
 * and signals. `nodeIo()` wires them to the running process; tests inject their own.
 */
export interface CliIo {
  /** Standard output: results (and, under `--json`, the one JSON object). */
  stdout: Writer;
  /** Standard error: diagnostics in text mode. */
  stderr: Writer;
  /** Standard input, read only when an argument is `-`. */
  stdin: AsyncIterable<Uint8Array | string>;
  /** Environment variables (for `env:NAME` key references). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  cwd: string;
  /** The clock, in milliseconds since the epoch (expiry descriptions). */
  now: () => number;
  /** Subscribes to the signals the CLI forwards; returns the unsubscribe function. */
  onSignal: (listener: (signal: ForwardedSignal) => void) => () => void;
}

const SIGNALS: readonly ForwardedSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The {@link CliIo} of the running Node process.
 * @returns process streams, `process.env`, `process.cwd()`, `Date.now` and process signals
 */
export function nodeIo(): CliIo {
  // `tessera keygen --alg RS256 | head -1`: a reader that stops early is not an error worth a stack trace.
  if (process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
  return {
    stdout: (chunk) => void process.stdout.write(chunk),
    stderr: (chunk) => void process.stderr.write(chunk),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
    onSignal(listener) {
      const handlers = SIGNALS.map((signal) => {
        const handler = (): void => listener(signal);
        process.on(signal, handler);
        return [signal, handler] as const;
      });
      return () => {
        for (const [signal, handler] of handlers) process.off(signal, handler);
      };
    },
  };
}
