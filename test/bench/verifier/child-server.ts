import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A benchmark server running in its own process. */
export interface ChildServer {
  url: string;
  /** CPU time the server process has used so far, in seconds. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL('./server.ts', import.meta.url));
const tsconfig = fileURLToPath(new URL('./child-tsconfig.json', import.meta.url));

/**
 * Starts `server.ts <variant>` in a child process and waits for its port; `stop()` ends it by its PID.
 * @param prefix - a command to run it under (`taskset -c 1`), or none
 */
export function startServer(variant: string, config: object, prefix: readonly string[] = []): Promise<ChildServer> {
  const argv = [...prefix, process.execPath, '--import', 'tsx', script, variant];
  const child: ChildProcess = spawn(argv[0] as string, argv.slice(1), {
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config), NODE_ENV: 'production', TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const cpuSeconds = (): Promise<number> =>
    new Promise((resolve) => {
      child.once('message', (m: { cpuMicros: number }) => resolve(m.cpuMicros / 1e6));
      child.send('cpu');
    });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`bench server ${variant} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve({ url: `http://127.0.0.1:${match[1]}/r`, cpuSeconds, stop });
    });
  });
}

/** Runs `in-process.ts` in its own process (built packages) and returns what it printed as JSON. */
export function runInProcessRows<T>(): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./in-process.ts', import.meta.url))], {
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`in-process bench exited with ${code}`))));
  });
}
