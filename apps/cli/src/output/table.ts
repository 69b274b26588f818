/**
 * Plain-text tables and key/value lists: {@link formatTable} / {@link tableLines} for tables whose widths come
 * from their rows (stats, info), {@link StreamTable} for `cat --format table`, which prints rows as they come
 * with fixed column widths, and {@link keyValues}. Every cell is escaped ({@link escapeText}) before it is padded and coloured, so text
 * from a file never reaches the terminal raw.
 *
 * @module
 */
import type { Colors } from './color.js';
import { escapeText } from './escape.js';

/** A colour a cell may ask for. */
export type Style = 'dim' | 'cyan' | 'magenta' | 'yellow' | 'red' | 'green' | 'bold';

/** A cell: text, or text with a colour. */
export type Cell = string | { readonly text: string; readonly style: Style };

/** A column of a table. */
export interface Column {
  /** Header text. */
  readonly title: string;
  /** Right-align (numbers). */
  readonly right?: boolean;
  /** Fixed width for streaming tables; the last column is never padded or cut. */
  readonly width?: number;
}

/**
 * A table: columns and rows of cells. `rows` may be any iterable that can be iterated twice (the widths come
 * from a first pass, the lines from a second), so that a long table can be printed from a compact store
 * without holding every row.
 */
export interface TableSpec {
  /** The columns. */
  readonly columns: readonly Column[];
  /** The rows (an array, or an iterable whose iterator starts over on each call). */
  readonly rows: Iterable<readonly Cell[]>;
}

const MAX_CELL = 48;

function textOf(cell: Cell | undefined): string {
  if (cell === undefined) return '';
  return escapeText(typeof cell === 'string' ? cell : cell.text);
}

function paint(cell: Cell | undefined, text: string, colors: Colors | undefined): string {
  if (colors === undefined || cell === undefined || typeof cell === 'string') return text;
  return colors[cell.style](text);
}

function cut(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function pad(text: string, width: number, right: boolean | undefined): string {
  const fill = width - text.length;
  if (fill <= 0) return text;
  return right ? ' '.repeat(fill) + text : text + ' '.repeat(fill);
}

/**
 * The lines of {@link formatTable}, one at a time with their newline: the header, then a line per row. Reads
 * `table.rows` twice (widths, then lines), so memory stays flat for a lazy row source.
 *
 * @example
 * ```ts
 * for (const line of tableLines({ columns: [{ title: 'A' }], rows: [['x']] })) out.append(line);
 * ```
 */
export function* tableLines(table: TableSpec, colors?: Colors): Generator<string, void, undefined> {
  const { columns } = table;
  const last = columns.length - 1;
  const texts = (row: readonly Cell[]): string[] =>
    columns.map((_, i) => (i < last ? cut(textOf(row[i]), MAX_CELL) : textOf(row[i])));
  const widths = columns.map((c) => c.title.length);
  for (const row of table.rows) {
    const t = texts(row);
    for (let i = 0; i < widths.length; i++) {
      const n = (t[i] as string).length;
      if (n > (widths[i] as number)) widths[i] = n;
    }
  }
  const line = (cells: readonly string[], row: readonly Cell[] | undefined): string =>
    `${cells
      .map((text, i) => {
        const padded = i === last && !columns[i]?.right ? text : pad(text, widths[i] as number, columns[i]?.right);
        return paint(row?.[i], padded, colors);
      })
      .join('  ')
      .trimEnd()}\n`;
  const header = line(
    columns.map((c) => c.title),
    undefined,
  );
  yield colors ? `${colors.dim(header.slice(0, -1))}\n` : header;
  for (const row of table.rows) yield line(texts(row), row);
}

/**
 * Formats rows under a header, columns separated by two spaces, widths from the content (cells longer than 48
 * characters are cut with `…`, except in the last column).
 *
 * @example
 * ```ts
 * formatTable({ columns: [{ title: 'STREAM' }, { title: 'COUNT', right: true }], rows: [['a', '3']] });
 * // 'STREAM  COUNT\na           3\n'
 * ```
 */
export function formatTable(table: TableSpec, colors?: Colors): string {
  let text = '';
  for (const line of tableLines(table, colors)) text += line;
  return text;
}

/** A table printed row by row with fixed widths (longer cells are cut with `…`). */
export class StreamTable {
  /**
   * @param columns the columns (each but the last with a `width`)
   * @param colors colours, or none
   */
  constructor(
    private readonly columns: readonly Column[],
    private readonly colors?: Colors,
  ) {}

  /** The header line. */
  header(): string {
    const line = this.line(this.columns.map((c) => c.title));
    return this.colors ? `${this.colors.dim(line.slice(0, -1))}\n` : line;
  }

  /** One row, with its newline. */
  row(cells: readonly Cell[]): string {
    return this.line(cells);
  }

  private line(cells: readonly Cell[]): string {
    const last = cells.length - 1;
    return `${cells
      .map((cell, i) => {
        const column = this.columns[i];
        let text = textOf(cell);
        if (i !== last && column?.width) text = pad(cut(text, column.width), column.width, column.right);
        return paint(cell, text, this.colors);
      })
      .join('  ')
      .trimEnd()}\n`;
  }
}

/**
 * Key/value lines aligned on the key, values escaped.
 *
 * @example
 * ```ts
 * keyValues([['file', 'a.ss'], ['messages', '3']]); // 'file      a.ss\nmessages  3\n'
 * ```
 */
export function keyValues(rows: readonly (readonly [string, string])[], colors?: Colors): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows
    .map(([k, v]) => {
      const key = k.padEnd(width);
      return `${colors ? colors.dim(key) : key}  ${escapeText(v)}\n`;
    })
    .join('');
}

/**
 * A line of styled parts joined by spaces (the `log` output), each part escaped.
 *
 * @example
 * ```ts
 * styledLine([{ text: '+0.9ms', style: 'dim' }, 'SUBSCRIBE']); // '+0.9ms SUBSCRIBE\n'
 * ```
 */
export function styledLine(parts: readonly Cell[], colors?: Colors): string {
  return `${parts
    .filter((p) => (typeof p === 'string' ? p : p.text) !== '')
    .map((p) => paint(p, textOf(p), colors))
    .join(' ')}\n`;
}
