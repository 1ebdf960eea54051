import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: unknown;
  version?: unknown;
  workspaces?: unknown;
  scripts?: Record<string, unknown>;
}

function readPackageJson(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The nearest directory at or above `start` whose package.json satisfies `test`. */
export function findUp(start: string, test: (pkg: PackageJson, dir: string) => boolean): string | undefined {
  let dir = start;
  for (;;) {
    const pkg = readPackageJson(dir);
    if (pkg !== undefined && test(pkg, dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The folder of the `@tessera/cli` package this module belongs to (source or build). */
export function cliPackageDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = findUp(here, (pkg) => pkg.name === '@tessera/cli');
  if (dir === undefined) throw new Error('@tessera/cli: cannot find its own package.json');
  return dir;
}

/** The version of `@tessera/cli`. */
export function cliVersion(): string {
  const version = readPackageJson(cliPackageDir())?.version;
  return typeof version === 'string' ? version : 'unknown';
}

function sameDir(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * The Tessera checkout this CLI lives in: the workspace root with a `start` script whose `packages/cli` is this very
 * package. Undefined for a CLI installed from a registry (its parents are someone else's project).
 */
export function tesseraCheckout(cliDir: string = cliPackageDir()): string | undefined {
  return findUp(dirname(cliDir), (pkg, dir) =>
    pkg.workspaces !== undefined && typeof pkg.scripts?.['start'] === 'string' && sameDir(join(dir, 'packages', 'cli'), cliDir));
}
