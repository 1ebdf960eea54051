import { TesseraError, UnavailableError } from '@tessera/core';

/** Rethrows a store failure as `store_unavailable` (503) unless it already is a Tessera error: fail closed. */
export function storeFailure(err: unknown): never {
  if (err instanceof TesseraError) throw err;
  throw new UnavailableError('store_unavailable', 'the token store did not answer', { cause: err });
}
