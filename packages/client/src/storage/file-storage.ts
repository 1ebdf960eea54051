import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TokenClientError } from '../errors.js';
import type { StorageAdapter } from './storage-adapter.js';

/**
 * Keeps the token set in a JSON file readable by its owner only (mode 0600, written atomically: a temporary file
 * renamed over the old one; its folder is created with mode 0700). For CLIs and services: a restart keeps the
 * session. Several clients (storage keys) can share one file. Node only: `@tessera/client/node`.
 *
 * The tokens are stored in clear, protected by file permissions — as `~/.aws/credentials` or `gh`'s `hosts.yml`
 * are. A file that is not JSON is reported as `storage_corrupted` (and replaced on the next write).
 *
 * @param path - the file, e.g. `join(homedir(), '.config', 'my-cli', 'tokens.json')`
 * @returns a shared adapter (another process using the same file sees the same tokens)
 * @example
 * ```ts test-only
 * import { fileStorage } from '@tessera/client/node';
 * const client = createTokenClient({ issuer, clientId: 'cli', storage: fileStorage('/home/me/.config/cli/tokens.json') });
 * ```
 */
export function fileStorage(path: string): StorageAdapter {
  let queue: Promise<unknown> = Promise.resolve();
  // One operation at a time, so two writes from this process never interleave their read-modify-write.
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const next = queue.then(op, op);
    queue = next.catch(() => undefined);
    return next;
  };
  const read = async (): Promise<Record<string, unknown>> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    try {
      const values: unknown = JSON.parse(text);
      if (typeof values === 'object' && values !== null && !Array.isArray(values)) return values as Record<string, unknown>;
    } catch {
      // Reported below.
    }
    throw new TokenClientError('storage_corrupted', 'the token file is not a JSON object');
  };
  const write = async (values: Record<string, unknown>) => {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, JSON.stringify(values, null, 2), { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  };
  const update = (change: (values: Record<string, unknown>) => void) =>
    serial(async () => {
      const values = await read().catch((err: unknown) => {
        if (err instanceof TokenClientError) return {}; // a corrupted file is replaced
        throw err;
      });
      change(values);
      await write(values);
    });
  return {
    shared: true,
    get: (key) =>
      serial(async () => {
        const value = (await read())[key];
        return typeof value === 'string' || value === undefined ? value : JSON.stringify(value);
      }),
    set: (key, value) => update((values) => void (values[key] = value)),
    remove: (key) => update((values) => void delete values[key]),
  };
}
