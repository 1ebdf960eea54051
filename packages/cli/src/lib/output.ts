import { EXIT, exitCodeOf, reportOf, type ExitCode } from './errors.js';
import type { CliIo } from './io.js';

/** JSON as the CLI prints it: two-space indented, one trailing newline. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Where a command's results and failures go. In `--json` mode exactly one JSON object reaches stdout — the result,
 * or `{ "error", "message" }` — and nothing else is printed; in text mode results go to stdout and diagnostics to
 * stderr.
 */
export class Output {
  readonly #io: CliIo;
  /** Whether `--json` was given. */
  readonly json: boolean;
  readonly #command: string;
  #done = false;

  constructor(io: CliIo, json: boolean, command: string) {
    this.#io = io;
    this.json = json;
    this.#command = command;
  }

  /**
   * Prints the result: `value` as JSON under `--json`, else the text `text()` returns.
   * @returns exit status 0
   */
  result(value: unknown, text: () => string | Uint8Array): ExitCode {
    this.#once();
    this.#io.stdout(this.json ? formatJson(value) : text());
    return EXIT.ok;
  }

  /** A remark for people, on stderr; dropped under `--json`. */
  note(text: string): void {
    if (!this.json) this.#io.stderr(`${text}\n`);
  }

  /**
   * Reports a failure: `{ "error": code, "message": … }` on stdout under `--json`, else one line on stderr.
   * @returns the exit status: 1 for a rejected token, 2 for usage and key errors
   */
  failure(err: unknown): ExitCode {
    const report = reportOf(err);
    if (this.#io.env['TESSERA_DEBUG'] === '1' && err instanceof Error) this.#io.stderr(`${err.stack ?? err.message}\n`);
    if (this.json) {
      if (!this.#done) this.#io.stdout(formatJson(report));
    } else {
      const what = report.error === 'usage' ? '' : ` (${report.error})`;
      const hint = report.error === 'usage' ? `\nRun "tessera ${this.#command} --help" for usage.` : '';
      this.#io.stderr(`tessera ${this.#command}: ${report.message}${what}${hint}\n`);
    }
    this.#done = true;
    return exitCodeOf(err);
  }

  #once(): void {
    if (this.#done) throw new Error('a command printed two results');
    this.#done = true;
  }
}
