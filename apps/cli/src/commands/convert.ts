/**
 * `xtrace convert IN OUT`: `.ss` ↔ NDJSON, `.moqtrace` ↔ NDJSON, `.moqtrace` ↔ qlog, qlog/mlog → `.moqtrace`,
 * `.moqtrace` in normal form, `.ss` with another beacon interval; streaming, every output written atomically.
 * The output format comes from `--to`, else from the output name's extension; anything else is refused.
 *
 * @module
 */
import { extname } from 'node:path';
import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import { usage } from '../errors.js';
import { loadAdapter } from '../formats/registry.js';
import type { ConvertTarget, OutputFormat } from '../formats/types.js';
import { openInput } from '../input/input.js';
import { examples, positiveInt } from '../program/args.js';

/** Options of `convert` (as commander parses them). */
export interface ConvertOptions {
  /** `--to`: the output format (else from the output name). */
  readonly to?: OutputFormat;
  /** `--interval N` (`.ss` output). */
  readonly interval?: number;
  /** `--version` (`.moqtrace` output). */
  readonly version: 'auto' | '1' | '2';
  /** `--qlog-format` (qlog output). */
  readonly qlogFormat?: 'json-seq' | 'contained';
  /** `--draft` (qlog output). */
  readonly draft?: '6' | '7';
  /** `--generic` (qlog output). */
  readonly generic?: boolean;
  /** `--qvis` (qlog output). */
  readonly qvis?: boolean;
  /** `--skip-invalid-lines` (NDJSON input). */
  readonly skipInvalidLines?: boolean;
  /** `--keep-partial`. */
  readonly keepPartial?: boolean;
}

const EXTENSIONS: Record<string, OutputFormat> = {
  '.ss': 'ss',
  '.moqtrace': 'moqtrace',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.sqlog': 'qlog',
  '.qlog': 'qlog',
};

/**
 * The output format: `--to`, else the output name's extension (`.ss`, `.moqtrace`, `.ndjson`/`.jsonl`,
 * `.sqlog`/`.qlog`); stdout and any other name need `--to`.
 */
export function outputFormat(to: OutputFormat | undefined, path: string): OutputFormat {
  if (to !== undefined) return to;
  if (path === '-') throw usage('writing to stdout (-): give the output format with --to ndjson|ss|moqtrace|qlog');
  const ext = extname(path).toLowerCase();
  const format = EXTENSIONS[ext];
  if (format === undefined) {
    throw usage(
      `cannot tell the output format from the name ${JSON.stringify(path)} (${ext === '' ? 'no extension' : ext}): name it .ss, .moqtrace, .ndjson, .jsonl, .sqlog or .qlog, or give --to`,
    );
  }
  return format;
}

function target(outPath: string, options: ConvertOptions): ConvertTarget {
  const format = outputFormat(options.to, outPath);
  if (options.interval !== undefined && format !== 'ss') throw usage('--interval applies to .ss output only');
  if (options.version !== 'auto' && format !== 'moqtrace') throw usage('--version applies to .moqtrace output only');
  const qlogOnly = options.qlogFormat ?? options.draft ?? (options.generic || options.qvis ? true : undefined);
  if (qlogOnly !== undefined && format !== 'qlog') {
    throw usage('--qlog-format, --draft, --generic and --qvis apply to qlog output only');
  }
  return {
    format,
    path: outPath,
    ...(options.interval === undefined ? {} : { interval: options.interval }),
    version: options.version,
    qlogFormat: options.qlogFormat ?? (extname(outPath).toLowerCase() === '.qlog' ? 'contained' : 'json-seq'),
    ...(options.draft === undefined ? {} : { draft: Number(options.draft) as 6 | 7 }),
    generic: options.generic === true,
    qvis: options.qvis === true,
    keepPartial: options.keepPartial === true,
    skipInvalidLines: options.skipInvalidLines === true,
  };
}

/** Runs `xtrace convert`. */
export async function convert(ctx: Context, inPath: string, outPath: string, options: ConvertOptions): Promise<void> {
  const to = target(outPath, options);
  const input = await openInput(ctx, inPath);
  ctx.currentFile = input.name;
  if (input.detected.format === 'ndjson') {
    const records = input.detected.records ?? (to.format === 'ss' ? 'ss' : 'moqtrace');
    const adapter = await loadAdapter(records === 'ss' ? 'ss' : 'moqtrace');
    if (records === 'ss' && to.format !== 'ss') throw usage(`.ss records convert to ss, not ${to.format}`);
    if (records !== 'ss' && to.format === 'ss')
      throw usage(`${records} records convert to moqtrace, qlog or ndjson, not ss`);
    await adapter.importNdjson(ctx, input, to);
    return;
  }
  if (options.skipInvalidLines) throw usage('--skip-invalid-lines applies to NDJSON input only');
  const adapter = await loadAdapter(input.detected.format);
  if (!adapter.targets.includes(to.format)) {
    throw usage(`a ${adapter.label} file converts to ${adapter.targets.join(', ')}, not ${to.format}`);
  }
  await adapter.convert(ctx, { ...input, format: input.detected.format }, to);
}

/** The `convert` command. */
export function convertCommand(ctx: Context): Command {
  return new Command('convert')
    .description('.ss <-> NDJSON, .moqtrace <-> NDJSON or qlog, qlog/mlog -> .moqtrace, normal forms')
    .argument('<in>', 'input: .ss, .moqtrace, qlog/mlog or NDJSON records (from xtrace cat/convert); - for stdin')
    .argument('<out>', 'output file, or - for stdout (then give --to)')
    .addOption(
      new Option(
        '--to <format>',
        'output format (default: from the output name: .ss .moqtrace .ndjson .jsonl .sqlog .qlog)',
      ).choices(['ndjson', 'ss', 'moqtrace', 'qlog']),
    )
    .option('--interval <n>', ".ss output: beacon interval (default: the input file's)", positiveInt)
    .addOption(
      new Option('--version <v>', '.moqtrace output: format version').choices(['auto', '1', '2']).default('auto'),
    )
    .addOption(
      new Option(
        '--qlog-format <f>',
        'qlog output: JSON-SEQ (default; .sqlog) or contained JSON (default for .qlog)',
      ).choices(['json-seq', 'contained']),
    )
    .addOption(
      new Option(
        '--draft <n>',
        'qlog output: event shapes of draft-pardue-moq-qlog-moq-events -06 or -07 (default: from the MoQT version)',
      ).choices(['6', '7']),
    )
    .option(
      '--generic',
      'qlog output: private moqtrace events as loglevel:info (for viewers that know only IETF events; lossy)',
    )
    .option('--qvis', 'qlog output: add qlog_version/qlog_format, which qvis needs')
    .option('--skip-invalid-lines', 'NDJSON input: skip lines that are not valid records, reporting each (exit 1)')
    .option('--keep-partial', 'on failure keep what was written, ended by an incomplete record (validate flags it)')
    .addHelpText(
      'after',
      `
The output format comes from --to, else from the output name: .ss, .moqtrace, .ndjson or .jsonl, .sqlog (qlog
JSON-SEQ) or .qlog (qlog contained JSON); any other name, and stdout, need --to.
A round trip through NDJSON gives back identical records; a .ss written in one writer session comes back byte
for byte (convert warns when the input was written by more than one session). NDJSON import is strict: the
first line that is not a valid record stops it (INVALID_NDJSON at line N, exit 1). Every output file is written
beside its name and renamed into place only when complete: a failed conversion leaves nothing behind (exit 1 for
a problem in the data), or with --keep-partial what was written, ended by a record cut short.
qlog/mlog input (moxygen, imquic, moq-rs, or an export of xtrace) is read as MoQT trace events.
${examples(
  'xtrace convert recording.ss recording.ndjson',
  'xtrace convert recording.ndjson copy.ss',
  'xtrace convert recording.ss smaller-interval.ss --interval 4096',
  'xtrace convert old.moqtrace normal.moqtrace --version auto',
  'xtrace convert trace.moqtrace trace.sqlog',
  'xtrace convert trace.moqtrace trace.qlog --qvis',
  'xtrace convert mlog_client.txt client.moqtrace',
  'xtrace convert trace.moqtrace - --to ndjson | jq .',
)}`,
    )
    .action((inPath: string, outPath: string, options: ConvertOptions) => convert(ctx, inPath, outPath, options));
}
