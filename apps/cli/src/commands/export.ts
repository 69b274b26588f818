/**
 * `xtrace export FILES... --to parquet -o DIR`: the recordings as tables (`@x/analytics`): one Parquet (or CSV, or
 * NDJSON) file per table, all inputs in the same tables, or a Hive-partitioned dataset with `--partition`. The
 * command declares its options here; the implementation (and DuckDB) is loaded when it runs.
 *
 * @module
 */
import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import { EXIT_DATA, EXIT_USAGE, XtraceError } from '../errors.js';
import { count } from '../output/text.js';
import { examples, positiveInt } from '../program/args.js';

/** Options of `xtrace export`. */
export interface ExportCommandOptions {
  to: 'parquet' | 'csv' | 'ndjson';
  output: string;
  partition?: boolean;
  compression: 'zstd' | 'snappy' | 'gzip' | 'uncompressed';
  overwrite?: boolean;
  memoryLimit?: string;
  threads?: number;
}

/** An `@x/analytics` error as a CLI error: usage and environment problems exit 2. */
export function analyticsFailure(error: unknown): unknown {
  const e = error as { code?: string; message?: string; offset?: number };
  if (typeof e?.code !== 'string') return error;
  const usage = ['SQL_ERROR', 'NOT_AVAILABLE', 'NOT_A_DATASET', 'OUTPUT_EXISTS', 'INVALID_ARGUMENT', 'IO_ERROR'];
  if (!usage.includes(e.code)) return error;
  return new XtraceError(e.code, e.message ?? e.code, { exitCode: EXIT_USAGE, offset: e.offset, cause: error });
}

/** Runs `xtrace export`. */
export async function exportRecordingsCommand(
  ctx: Context,
  files: string[],
  options: ExportCommandOptions,
): Promise<void> {
  if (files.includes('-')) throw new XtraceError('USAGE', 'export reads files, not stdin (-)');
  const { exportRecordings } = await import('@x/analytics/node');
  let result: Awaited<ReturnType<typeof exportRecordings>>;
  try {
    result = await exportRecordings(files, options.output, {
      format: options.to,
      partition: options.partition === true,
      compression: options.compression,
      overwrite: options.overwrite === true,
      ...(options.memoryLimit === undefined ? {} : { memoryLimit: options.memoryLimit }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      onFile: (summary) => {
        if (summary.errors > 0) {
          ctx.reportLine(
            {
              code: summary.endState === 'unreadable' ? 'UNREADABLE' : 'PROBLEMS',
              message: `${count(summary.errors, 'errors')} (see the problems table)`,
            },
            summary.file,
            EXIT_DATA,
          );
        }
      },
    });
  } catch (error) {
    throw analyticsFailure(error);
  }
  for (const table of result.tables) {
    const w = ctx.out.write(`${table.path}\t${table.rows} rows\n`);
    if (w) await w;
  }
}

/** The `export` command. */
export function exportCommand(ctx: Context): Command {
  return new Command('export')
    .description('the recordings as tables: one Parquet (CSV, NDJSON) file per table, with DuckDB')
    .argument('<files...>', '.ss and .moqtrace files (all go into the same tables; the file column tells them apart)')
    .requiredOption('-o, --output <dir>', 'output folder')
    .addOption(new Option('--to <format>', 'output format').choices(['parquet', 'csv', 'ndjson']).default('parquet'))
    .option('--partition', 'write a Hive-partitioned dataset by file_date (DIR/<table>/file_date=YYYY-MM-DD/)')
    .addOption(
      new Option('--compression <codec>', 'Parquet compression')
        .choices(['zstd', 'snappy', 'gzip', 'uncompressed'])
        .default('zstd'),
    )
    .option('--overwrite', 'replace the tables of an earlier export in the folder')
    .option('--memory-limit <size>', "DuckDB's memory limit (default 512MB)")
    .option('--threads <n>', 'DuckDB threads (default 2)', positiveInt)
    .addHelpText(
      'after',
      `
Tables: messages, beacons (.ss), events, headers, tracks (.moqtrace), files and problems (every input), with
the columns documented in docs/analytics.md. u64 values are exact (UBIGINT). Damaged files are exported as far
as they can be read; their problems are rows of the problems table (exit 1). Needs the optional dependency
@duckdb/node-api.
${examples(
  'xtrace export recordings/*.ss traces/*.moqtrace -o dataset',
  'xtrace export day1/*.ss -o dataset --partition',
  'xtrace export trace.moqtrace --to csv -o csv-tables',
  `duckdb -c "select count(*) from 'dataset/events.parquet'"`,
)}`,
    )
    .action((files: string[], options: ExportCommandOptions) => exportRecordingsCommand(ctx, files, options));
}
