/**
 * The interop coverage matrix: one row per producer × format, one column per consumer, so a reader sees at a glance
 * which library's tokens were read by which. Tests record cells as they assert; `afterAll` prints the table.
 */

/**
 * A cell's outcome.
 * - `pass`     the consumer read the token and got the expected claims/plaintext.
 * - `FAIL`     the test for this cell failed (the assertion message says why).
 * - `compat`   an RFC departure of the producer: core rejects it by default (asserted, with its code) and reads it only
 *              behind the documented compatibility setting.
 * - `lenient`  an RFC departure of the producer that core reads today without any setting (asserted; flagged in
 *              departures.ts for a decision).
 * - `no`       the consumer does not support this format; the peer's own error is asserted, so a change shows up.
 * - `skipped`  the peer is not installed here (never under CI=true).
 */
export type CellStatus = 'pass' | 'FAIL' | 'compat' | 'lenient' | 'no' | 'skipped';

interface Row {
  producer: string;
  format: string;
  cells: Map<string, CellStatus>;
}

const LEGEND =
  'pass = read as expected · compat = RFC departure, rejected by default, read only behind a compat setting · ' +
  'lenient = RFC departure core reads by default (flagged) · ' +
  'no = the consumer does not support it (its error asserted) · FAIL = test failed · skipped = peer not installed';

/** Collects cells and renders them as a fixed-width text table. */
export class InteropMatrix {
  readonly #rows = new Map<string, Row>();
  readonly #consumers: string[];

  /** @param consumers Column order; unknown consumers recorded later are appended. */
  constructor(consumers: readonly string[]) {
    this.#consumers = [...consumers];
  }

  /** Records one cell; a later record of the same cell wins (so a test can mark FAIL before it asserts). */
  record(producer: string, format: string, consumer: string, status: CellStatus): void {
    const key = `${producer}\u0000${format}`;
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = { producer, format, cells: new Map() };
      this.#rows.set(key, row);
    }
    if (!this.#consumers.includes(consumer)) this.#consumers.push(consumer);
    row.cells.set(consumer, status);
  }

  /** Runs `check` and records the status it resolves with, or `FAIL` when it throws (then rethrows). */
  async cell(producer: string, format: string, consumer: string,
    check: () => CellStatus | Promise<CellStatus>): Promise<void> {
    this.record(producer, format, consumer, 'FAIL');
    this.record(producer, format, consumer, await check());
  }

  /** Counts of each status, for the summary line. */
  totals(): Record<CellStatus, number> {
    const totals: Record<CellStatus, number> = { pass: 0, FAIL: 0, compat: 0, lenient: 0, no: 0, skipped: 0 };
    for (const row of this.#rows.values()) for (const status of row.cells.values()) totals[status] += 1;
    return totals;
  }

  /** The table as text: header, one line per row (sorted by producer, then insertion order), legend, totals. */
  render(title: string): string {
    const rows = [...this.#rows.values()];
    const order = [...new Set(rows.map((r) => r.producer))];
    rows.sort((a, b) => order.indexOf(a.producer) - order.indexOf(b.producer));
    const head = ['producer', 'format', ...this.#consumers];
    const body = rows.map((r) => [r.producer, r.format, ...this.#consumers.map((c) => r.cells.get(c) ?? '·')]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((line) => (line[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ').trimEnd();
    const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
    const totals = Object.entries(this.totals()).map(([k, v]) => `${k} ${v}`).join(', ');
    return [title, line(head), rule, ...body.map(line), '', `· = not applicable. ${LEGEND}`, `cells: ${totals}`]
      .join('\n');
  }
}
