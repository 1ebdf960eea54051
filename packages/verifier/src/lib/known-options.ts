import { TesseraArgumentError } from '@tessera/core';

/**
 * Refuses option names this version does not know (a typo such as `revokation: true` must not silently turn a
 * check off).
 * @throws {TesseraArgumentError} `invalid_argument` naming the unknown option
 */
export function checkKnownOptions(value: object | undefined, known: readonly string[], name: string): void {
  if (value === undefined || value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TesseraArgumentError(`unknown option "${name === '' ? key : `${name}.${key}`}"`);
  }
}
