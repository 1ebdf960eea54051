/**
 * The interop coverage matrix: one row per producer × format, one column per consumer, so a reader sees at a glance
 * which library's tokens were read by which. Tests record cells as they assert; `afterAll` prints the table.
 */

import { DEPARTURES, type DepartureId, settingName } from './departures.js';

/**
 * A cell's outcome.
 * - `pass`     the consumer read the token and got the expected claims/plaintext.
 * - `FAIL`     the test for this cell failed (the assertion message says why).
 * - `compat`   an RFC departure of the producer: core rejects it by default (asserted, with its code) and reads it
 *              with the compatibility setting(s) named in the cell (`compat:G+Z`; asserted too, on both engines).
 * - `no`       the consumer does not support this format; the peer's own error is asserted, so a change shows up.
 * - `skipped`  the peer is not installed here (never under CI=true).
 */
export type CellStatus = 'pass' | 'FAIL' | 'compat' | 'no' | 'skipped';

/** What a cell check resolves with: a status, or `compat` with the departures whose settings read the token. */
export type CellResult = CellStatus | { readonly status: 'compat'; readonly via: readonly DepartureId[] };

interface Cell {
  status: CellStatus;
  /** For `compat`: the setting tags, e.g. `G+Z`. */
  tags?: string;
}

interface Row {
  producer: string;
  format: string;
  cells: Map<string, Cell>;
}

const SETTINGS = Object.values(DEPARTURES).map((d) => `${d.tag} = ${settingName(d.setting)}`).join(', ');

const LEGEND =
  'pass = read as expected · compat:X = RFC departure: rejected by default (its code asserted), read with setting X ' +
  `(${SETTINGS}) on both engines · ` +
  'no = the consumer does not support it (its error asserted) · FAIL = test failed · skipped = peer not installed';

function text(cell: Cell): string {
  return cell.tags === undefined ? cell.status : `${cell.status}:${cell.tags}`;
}

/** Collects cells and renders them as a fixed-width text table. */
export class InteropMatrix {
  readonly #rows = new Map<string, Row>();
  readonly #consumers: string[];

  /** @param consumers Column order; unknown consumers recorded later are appended. */
  constructor(consumers: readonly string[]) {
    this.#consumers = [...consumers];
  }

  /** Records one cell; a later record of the same cell wins (so a test can mark FAIL before it asserts). */
  record(producer: string, format: string, consumer: string, result: CellResult): void {
    const key = `${producer}\u0000${format}`;
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = { producer, format, cells: new Map() };
      this.#rows.set(key, row);
    }
    if (!this.#consumers.includes(consumer)) this.#consumers.push(consumer);
    row.cells.set(consumer, typeof result === 'string'
      ? { status: result }
      : { status: result.status, tags: result.via.map((id) => DEPARTURES[id].tag).join('+') });
  }

  /** Runs `check` and records the result it resolves with, or `FAIL` when it throws (then rethrows). */
  async cell(producer: string, format: string, consumer: string,
    check: () => CellResult | Promise<CellResult>): Promise<void> {
    this.record(producer, format, consumer, 'FAIL');
    this.record(producer, format, consumer, await check());
  }

  /** Counts of each status, for the summary line. */
  totals(): Record<CellStatus, number> {
    const totals: Record<CellStatus, number> = { pass: 0, FAIL: 0, compat: 0, no: 0, skipped: 0 };
    for (const row of this.#rows.values()) for (const cell of row.cells.values()) totals[cell.status] += 1;
    return totals;
  }

  /** Counts of `compat` cells per setting tag (a cell read with two settings counts for both). */
  compatTotals(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const row of this.#rows.values()) {
      for (const cell of row.cells.values()) {
        for (const tag of cell.tags?.split('+') ?? []) counts[tag] = (counts[tag] ?? 0) + 1;
      }
    }
    return counts;
  }

  /** The table as text: header, one line per row (sorted by producer, then insertion order), legend, totals. */
  render(title: string): string {
    const rows = [...this.#rows.values()];
    const order = [...new Set(rows.map((r) => r.producer))];
    rows.sort((a, b) => order.indexOf(a.producer) - order.indexOf(b.producer));
    const head = ['producer', 'format', ...this.#consumers];
    const body = rows.map((r) => [r.producer, r.format, ...this.#consumers.map((c) => {
      const cell = r.cells.get(c);
      return cell === undefined ? '·' : text(cell);
    })]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((line) => (line[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' │ ').trimEnd();
    const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
    const totals = Object.entries(this.totals()).map(([k, v]) => `${k} ${v}`).join(', ');
    const byTag = Object.entries(this.compatTotals()).map(([k, v]) => `${k} ${v}`).join(', ');
    return [title, line(head), rule, ...body.map(line), '', `· = not applicable. ${LEGEND}`,
      `cells: ${totals}${byTag === '' ? '' : ` (compat by setting: ${byTag})`}`].join('\n');
  }
}
