// How a suite that needs a system program (redis-server, Debian's chromium, python3 modules, go) behaves when the
// program is missing: under CI=true that is a failure; elsewhere the suite registers one test that says how to install
// it and passes. No `.skip`: the test runs and can fail.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { it, expect } from 'vitest';

/** The apt-get line that installs every system peer the test suites use (the same one `.ci/run` runs). */
export const APT_LINE =
  'apt-get update && apt-get install -y redis-server chromium python3-jose python3-jwcrypto python3-jwt golang-go ' +
  'golang-gopkg-square-go-jose.v2-dev';

/** Whether `command` is on PATH (or is an existing absolute path). */
export function hasCommand(command: string): boolean {
  if (command.startsWith('/')) return existsSync(command);
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's Chromium, the only browser the browser suites drive. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Registers the "peer present" test of a suite and returns whether the suite's cases should be registered.
 * @param name - what is missing, e.g. `redis-server`
 * @param available - whether it is installed
 */
export function systemPeer(name: string, available: boolean): boolean {
  if (available) return true;
  it(`needs ${name}; install it with: ${APT_LINE}`, () => {
    const message = `${name} is not installed here; install it with: ${APT_LINE}`;
    if (process.env.CI === 'true') expect.fail(`${message} — CI=true requires every system peer`);
    console.warn(`skipped: ${message}`);
  });
  return false;
}
