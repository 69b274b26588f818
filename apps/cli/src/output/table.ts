/**
 * Plain-text tables: {@link formatTable} for small tables whose rows are known (stats, info), and
 * {@link StreamTable} for `cat --format table`, which prints rows as they come with fixed column widths.
 *
 * @module
 */

/** A column of a table. */
export interface Column {
  /** Header text. */
  title: string;
  /** Right-align (numbers). */
  right?: boolean;
  /** Fixed width for streaming tables; the last column is never padded or cut. */
  width?: number;
}

const MAX_CELL = 48;

const ESC = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Visible length of a cell (ANSI colour codes excluded). */
export function visibleLength(text: string): number {
  return text.replace(ESC, '').length;
}

function pad(text: string, width: number, right: boolean | undefined): string {
  const fill = width - visibleLength(text);
  if (fill <= 0) return text;
  return right ? ' '.repeat(fill) + text : text + ' '.repeat(fill);
}

/** Replaces control characters so a cell stays on one line. */
export function oneLineCell(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we replace
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '⏎' : c === '\t' ? '→' : '·'));
}

/**
 * Formats rows under a header, columns separated by two spaces, widths from the content.
 *
 * @example
 * ```ts
 * formatTable([{ title: 'stream' }, { title: 'count', right: true }], [['a', '3']]);
 * ```
 */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  dim?: (s: string) => string,
): string {
  const cut = (cell: string, i: number): string =>
    i < columns.length - 1 && visibleLength(cell) > MAX_CELL
      ? `${cell.replace(ESC, '').slice(0, MAX_CELL - 1)}…`
      : cell;
  rows = rows.map((r) => r.map(cut));
  const widths = columns.map((c, i) => Math.max(visibleLength(c.title), ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) =>
        i === cells.length - 1 && !columns[i]?.right ? cell : pad(cell, widths[i]!, columns[i]?.right),
      )
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.title));
  return `${[dim ? dim(header) : header, ...rows.map(line)].join('\n')}\n`;
}

/** A table printed row by row with fixed widths (long cells are cut with `…`). */
export class StreamTable {
  constructor(
    private readonly columns: readonly Column[],
    private readonly dim: (s: string) => string = (s) => s,
  ) {}

  /** The header line. */
  header(): string {
    return this.dim(this.row(this.columns.map((c) => c.title)));
  }

  /** One row. */
  row(cells: readonly string[]): string {
    const last = cells.length - 1;
    return `${cells
      .map((cell, i) => {
        const column = this.columns[i];
        if (i === last || !column?.width) return cell;
        const w = column.width;
        const text = visibleLength(cell) > w ? `${cell.replace(ESC, '').slice(0, w - 1)}…` : cell;
        return pad(text, w, column.right);
      })
      .join('  ')}\n`;
  }
}

/** Key/value lines aligned on the key. */
export function keyValues(rows: readonly (readonly [string, string])[], dim: (s: string) => string): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${dim(k.padEnd(width))}  ${v}\n`).join('');
}
