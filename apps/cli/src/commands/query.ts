/**
 * `xtrace query "SQL" FILES...` (or `--dataset DIR`): SQL with embedded DuckDB over the recordings' tables
 * (`@x/analytics`), printed as an aligned table, NDJSON or CSV. The command declares its options here; the
 * implementation (and DuckDB) is loaded when it runs.
 *
 * @module
 */
import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import { EXIT_DATA, XtraceError } from '../errors.js';
import { formatTable } from '../output/table.js';
import { count } from '../output/text.js';
import { EXIT_HELP, positiveInt } from '../program/args.js';
import { analyticsFailure } from './export.js';

/** Options of `xtrace query`. */
export interface QueryCommandOptions {
  dataset?: string;
  format?: 'table' | 'ndjson' | 'csv';
  memoryLimit?: string;
  threads?: number;
}

type Value = null | boolean | number | bigint | string | Uint8Array | Value[] | { [key: string]: Value };

const SAFE = 9007199254740991n;

/** A value as JSON (u64 and other integers exact: numbers up to 2^53−1, decimal strings above; bytes as hex). */
function jsonValue(value: Value): unknown {
  if (typeof value === 'bigint') return value <= SAFE && value >= -SAFE ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonValue(v);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** A value as text (table and CSV cells). */
function textValue(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return JSON.stringify(jsonValue(value));
}

function csvCell(value: Value): string {
  if (value === null) return '';
  const text = textValue(value);
  return /[",\r\n]/.test(text) || text === '' ? `"${text.replaceAll('"', '""')}"` : text;
}

const TABLE_ROWS = 10_000;

/** Runs `xtrace query`. */
export async function runQuery(
  ctx: Context,
  sql: string,
  files: string[],
  options: QueryCommandOptions,
): Promise<void> {
  if (options.dataset === undefined && files.length === 0) {
    throw new XtraceError('USAGE', 'give recordings to query, or --dataset DIR (an export folder)');
  }
  if (options.dataset !== undefined && files.length > 0) {
    throw new XtraceError('USAGE', '--dataset and recording files cannot be combined');
  }
  if (files.includes('-')) throw new XtraceError('USAGE', 'query reads files, not stdin (-)');
  const format = options.format ?? 'table';
  const { openDataset, openRecordings } = await import('@x/analytics/node');
  const settings = {
    ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  };
  let db: Awaited<ReturnType<typeof openDataset>>;
  try {
    db =
      options.dataset !== undefined
        ? await openDataset(options.dataset, settings)
        : await openRecordings(files, { ...settings, sql });
  } catch (error) {
    throw analyticsFailure(error);
  }
  try {
    let result: Awaited<ReturnType<typeof db.query>>;
    try {
      result = await db.query(sql);
    } catch (error) {
      throw analyticsFailure(error);
    }
    const names = result.columns.map((c) => c.name);
    const rows: string[][] = [];
    if (format === 'csv') await ctx.out.write(`${names.map((n) => csvCell(n)).join(',')}\n`);
    try {
      for await (const batch of result.batches()) {
        for (const row of batch as Value[][]) {
          if (format === 'ndjson') {
            const object: Record<string, unknown> = {};
            names.forEach((name, i) => {
              object[name] = jsonValue(row[i] as Value);
            });
            ctx.out.append(`${JSON.stringify(object)}\n`);
          } else if (format === 'csv') ctx.out.append(`${row.map(csvCell).join(',')}\n`);
          else if (rows.length < TABLE_ROWS) rows.push(row.map((v) => textValue(v).replace(/[\r\n\t]/g, ' ')));
        }
        await ctx.out.settle();
      }
    } catch (error) {
      throw analyticsFailure(error);
    }
    if (format === 'table') {
      const columns = names.map((title, i) => ({
        title,
        right: /INT|DECIMAL|DOUBLE|FLOAT/.test(result.columns[i]?.type ?? ''),
      }));
      ctx.out.append(formatTable({ columns, rows }, ctx.colors));
      if (rows.length >= TABLE_ROWS)
        ctx.stderrLine(`xtrace: only the first ${TABLE_ROWS} rows are shown (use --format ndjson or csv)`);
    }
    await ctx.out.settle();
    const exported = db.export;
    if (exported) {
      for (const file of exported.files) {
        if (file.errors > 0) {
          ctx.reportLine(
            {
              code: file.endState === 'unreadable' ? 'UNREADABLE' : 'PROBLEMS',
              message: `${count(file.errors, 'errors')} in the data (select * from problems)`,
            },
            file.file,
            EXIT_DATA,
          );
        }
      }
    }
  } finally {
    await db.close();
  }
}

/** The `query` command. */
export function queryCommand(ctx: Context): Command {
  return new Command('query')
    .description('SQL over recordings (or an exported dataset) with embedded DuckDB')
    .argument(
      '<sql>',
      'the query (DuckDB SQL); the tables are views: messages, beacons, events, headers, tracks, files, problems',
    )
    .argument('[files...]', '.ss and .moqtrace files')
    .option('--dataset <dir>', 'query an export folder (xtrace export) instead of recordings')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'ndjson', 'csv']).default('table'),
    )
    .option('--memory-limit <size>', "DuckDB's memory limit (default 512MB)")
    .option('--threads <n>', 'DuckDB threads (default 2)', positiveInt)
    .addHelpText(
      'after',
      `
Recordings are read once into temporary files the views read (streaming, bounded memory); only the tables
and columns your SQL uses are read from the recordings (a * or a table function reads all). Column names that
are SQL keywords need double quotes ("offset", "timestamp"). u64 values are exact: NDJSON prints them as
numbers up to 2^53-1 and as decimal strings above. Tables and columns: docs/analytics.md.

Examples:
  $ xtrace query "select count(*) from events" trace.moqtrace
  $ xtrace query "select stream_key, sum(payload_size) from messages group by all" *.ss --format csv
  $ xtrace query "select * from tracks where outcome = 'error'" --dataset dataset --format ndjson

The problems table tells which problems in the data gave exit 1; SQL errors exit 2.
${EXIT_HELP}`,
    )
    .action((sql: string, files: string[], options: QueryCommandOptions) => runQuery(ctx, sql, files, options));
}
