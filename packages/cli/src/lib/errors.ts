import { isTesseraError, TesseraError } from '@tessera/core';

/** Exit statuses of the `tessera` command. */
export const EXIT = Object.freeze({
  /** The command did what it was asked; for `verify`, the token is valid. */
  ok: 0,
  /** The token was rejected (bad signature, expired, wrong audience, cannot be decrypted, malformed, …). */
  rejected: 1,
  /** Bad usage or a key problem: unknown flag, missing argument, unreadable or unusable key, JWKS unreachable. */
  usage: 2,
});

/** An exit status of the `tessera` command (see {@link EXIT}). */
export type ExitCode = 0 | 1 | 2 | number;

/**
 * A mistake in how the command was called: unknown or missing flag, bad value, missing input. Code `usage`, exit 2.
 * Messages name flags and files, never a key or a token.
 */
export class UsageError extends TesseraError<'usage'> {
  constructor(message: string) {
    super('usage', message, { status: 400 });
  }
}

/** What a failure is reported as: the stable code, a safe message, and the claim or header at fault if known. */
export interface ErrorReport {
  error: string;
  message: string;
  claim?: string;
  header?: string;
}

function field(err: object, name: 'claim' | 'header'): string | undefined {
  const value: unknown = (err as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Turns anything thrown into a report safe to print: Tessera errors keep their code and message (core never puts key
 * material or tokens in them); anything else is an internal error named only by its type, since foreign messages
 * (JSON.parse, fs, jose) can quote their input.
 */
export function reportOf(err: unknown): ErrorReport {
  if (isTesseraError(err) || (err instanceof TypeError && (err as { code?: unknown }).code === 'invalid_argument')) {
    const report: ErrorReport = { error: String((err as unknown as { code: string }).code), message: err.message };
    const claim = field(err, 'claim');
    const header = field(err, 'header');
    if (claim !== undefined) report.claim = claim;
    if (header !== undefined) report.header = header;
    return report;
  }
  const name = err instanceof Error ? err.name : typeof err;
  return { error: 'internal_error', message: `unexpected ${name}; set TESSERA_DEBUG=1 to see it` };
}

/** The exit status for a failure: 1 when a token was rejected (a 401 code), 2 for everything else. */
export function exitCodeOf(err: unknown): ExitCode {
  return isTesseraError(err) && err.status === 401 ? EXIT.rejected : EXIT.usage;
}
