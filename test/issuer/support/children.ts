// Forks the multi-process test's children under tsx and collects what they report.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A child process serving HTTP on loopback. */
export interface Child {
  readonly url: string;
  /** Unhandled rejections / uncaught exceptions the child reported. */
  readonly unhandled: string[];
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `file` (in this folder) with `env`, and waits for its `ready` message. */
export async function startChild(file: string, env: Record<string, string>): Promise<Child> {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  live.add(child);
  const unhandled: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  child.on('message', (m: { type?: string; message?: string }) => {
    if (m.type === 'unhandled') unhandled.push(m.message ?? '');
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start: ${stderr}`)), 30_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${file} exited with ${code}: ${stderr}`)); });
    child.on('message', (m: { type?: string; url?: string }) => {
      if (m.type === 'ready' && typeof m.url === 'string') {
        clearTimeout(timer);
        resolve(m.url);
      }
    });
  });
  return {
    url,
    unhandled,
    stop: () => new Promise<void>((resolve) => {
      live.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
