import { IssuerUnavailableError } from '../errors.js';

/**
 * Runs `work` with an abort signal that fires after `ms`; a call still running then fails with
 * `issuer_unavailable` ("did not answer in time") even if the upstream keeps the connection open (a slow body).
 */
export async function withDeadline<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new IssuerUnavailableError(`${what} did not answer in time`);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** `issuer_unavailable` for a failed call, keeping a deadline's own error. */
export function unreachable(err: unknown, what: string): IssuerUnavailableError {
  if (err instanceof IssuerUnavailableError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  return new IssuerUnavailableError(timedOut ? `${what} did not answer in time` : `${what} could not be reached`, { cause: err });
}
