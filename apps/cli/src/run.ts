/**
 * The `xtrace` program: commander definitions (arguments, options, help with examples) and the top-level
 * handler that turns any failure into one line on stderr and an exit code. Command implementations are
 * imported lazily so `xtrace --version` stays fast.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerExportCommand } from './commands/export.js';
import { registerQueryCommand } from './commands/query.js';
import { EXIT_USAGE, formatErrorLine, OutputClosed, toErrorReport, XtraceError } from './errors.js';
import { Context, type XtraceIo } from './io.js';

function readVersion(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Parses a non-negative integer option. */
function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a non-negative integer');
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('number too large');
  return n;
}

/** Parses an unsigned 64-bit integer option (kept as text to stay exact). */
function u64Arg(value: string): string {
  const text = value.trim();
  if (!/^\d+$/.test(text) || BigInt(text) > 18446744073709551615n) {
    throw new InvalidArgumentError('expected an unsigned 64-bit integer');
  }
  return text;
}

/** Parses a TCP port (0 = any free port). */
function portArg(value: string): number {
  const n = nonNegativeInt(value);
  if (n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

function positiveInt(value: string): number {
  const n = nonNegativeInt(value);
  if (n === 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

const TIME_HELP = `
Times (--from, --to, --time): ISO-8601 (2023-11-14T22:13:20.5Z) or a number. For .ss a number is
milliseconds since the Unix epoch; for .moqtrace it is microseconds relative to the header's startTime
(the unit of the events' timestamp field).`;

const EXIT_HELP = `
Exit codes: 0 ok, 1 problems in the data, 2 usage or I/O error.`;

type Action = (ctx: Context, ...args: unknown[]) => Promise<void>;

/** Builds the commander program; `bind` wires each action to a lazily imported implementation. */
function buildProgram(io: XtraceIo, ctx: Context): Command {
  const program = new Command('xtrace');
  const lazy =
    (load: () => Promise<Action>) =>
    async (...args: unknown[]): Promise<void> => {
      const action = await load();
      // commander passes (...arguments, options, command): drop the command
      await action(ctx, ...args.slice(0, -1));
    };

  program
    .description('Inspect, validate, convert, seek, follow and write .moqtrace and SeaStreamer .ss recordings.')
    .version(readVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => {
        const message = text.replace(/^error:\s*/, '').trim();
        write(`${formatErrorLine({ code: 'USAGE', message: `${message} (see xtrace --help)` })}\n`);
      },
    })
    .addHelpText(
      'after',
      `
The format is detected from the first bytes ("Ss\\x01" = .ss, "MOQTRACE" = .moqtrace), never from the name.
"-" means stdin (input) or stdout (output).

Examples:
  $ xtrace info trace.moqtrace
  $ xtrace cat recording.ss --format log --stream hello
  $ xtrace cat trace.moqtrace --type control --format ndjson | jq .
  $ xtrace validate *.ss *.moqtrace
  $ xtrace convert recording.ss recording.ndjson
${EXIT_HELP}`,
    );

  program
    .command('info')
    .description('format, version, header fields, counts, time range, segments, end state, file size')
    .argument('<file>', 'a .ss or .moqtrace file, or - for stdin')
    .option('--json', 'print one JSON object instead of text')
    .addHelpText(
      'after',
      `
Examples:
  $ xtrace info recording.ss
  $ xtrace info trace.moqtrace --json | jq .counts
  $ cat trace.moqtrace | xtrace info -
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/info.js')).info as Action));

  program
    .command('cat')
    .description('print the records in file order')
    .argument('<file>', 'a .ss or .moqtrace file, or - for stdin')
    .addOption(
      new Option('-f, --format <format>', 'output format (default: table on a TTY, ndjson otherwise)').choices([
        'ndjson',
        'events',
        'json',
        'table',
        'log',
        'ss-decode-log',
        'ss-decode-ndjson',
      ]),
    )
    .option('--stream <key>', '.ss: only this stream key')
    .option('--shard <n>', '.ss: only this shard id', u64Arg)
    .option('--type <name|n>', '.moqtrace: only this event type (name such as control, or number)')
    .addOption(
      new Option('--direction <dir>', '.moqtrace: only sent (tx) or received (rx) events').choices(['tx', 'rx']),
    )
    .option('--from <time>', 'only records at or after this time')
    .option('--to <time>', 'only records at or before this time')
    .option('--limit <n>', 'stop after n records', nonNegativeInt)
    .addOption(
      new Option('--payload <mode>', 'payload rendering')
        .choices(['auto', 'text', 'hex', 'base64', 'none'])
        .default('auto'),
    )
    .addOption(
      new Option('--bytes <enc>', '.moqtrace byte fields: hex or base64').choices(['hex', 'base64']).default('hex'),
    )
    .option('--beacons', '.ss: also print beacon records')
    .option('--follow', 'keep printing as the file grows, until EOS, removal or Ctrl-C')
    .addHelpText(
      'after',
      `
Formats: ndjson (the record contract: header, message/event, beacon, error, end records), events (.moqtrace:
the canonical event rendering only, one line per event), json (one array), table, log, and the reference
SeaStreamer decoder formats ss-decode-log and ss-decode-ndjson (--payload none = its --header-only).
${TIME_HELP}

Examples:
  $ xtrace cat recording.ss --format log
  $ xtrace cat recording.ss --stream hello --shard 1 --from 2023-11-14T22:13:20Z --limit 10
  $ xtrace cat recording.ss --format ss-decode-ndjson --payload none
  $ xtrace cat trace.moqtrace --format events | sha256sum
  $ xtrace cat trace.moqtrace --type control --direction rx --from 0 --to 5000000
  $ xtrace cat live.ss --follow --format log
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/cat.js')).cat as Action));

  program
    .command('validate')
    .description('check every checksum, running checksum, structural and key rule and the end state')
    .argument('<files...>', '.ss or .moqtrace files (- for stdin)')
    .option('--json', 'print one JSON object per file')
    .addHelpText(
      'after',
      `
Prints each problem with its offset. Exit 0 when every file is clean, 1 when problems were found.

Examples:
  $ xtrace validate recording.ss
  $ xtrace validate traces/*.moqtrace --json
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/validate.js')).validate as Action));

  program
    .command('stats')
    .description('per-stream / per-type tables; for .moqtrace also the track table')
    .argument('<file>', 'a .ss or .moqtrace file, or - for stdin')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  $ xtrace stats recording.ss
  $ xtrace stats trace.moqtrace --json | jq .tracks
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/stats.js')).stats as Action));

  program
    .command('seek')
    .description('.ss: the first message of a stream at a sequence number or after a time, found through the beacons')
    .argument('<file>', 'a .ss file')
    .requiredOption('--stream <key>', 'stream key')
    .option('--shard <n>', 'shard id', u64Arg, '0')
    .option('--seq <n>', 'first message with seq >= n', u64Arg)
    .option('--time <time>', 'first message with timestamp > time (ISO-8601 or ms since the epoch)')
    .option('--limit <n>', 'print n messages of the stream from there', positiveInt, 1)
    .addOption(
      new Option('-f, --format <format>', 'output format (default: table on a TTY, ndjson otherwise)').choices([
        'ndjson',
        'json',
        'table',
        'log',
      ]),
    )
    .addOption(
      new Option('--payload <mode>', 'payload rendering')
        .choices(['auto', 'text', 'hex', 'base64', 'none'])
        .default('auto'),
    )
    .option('-v, --verbose', 'print how many beacons were read (stderr)')
    .addHelpText(
      'after',
      `
Exactly one of --seq and --time. Prints the message with its offset; exit 1 when nothing matches.

Examples:
  $ xtrace seek recording.ss --stream hello --shard 1 --seq 50
  $ xtrace seek recording.ss --stream hello --time 2023-11-14T22:13:20.500Z --verbose
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/seek.js')).seek as Action));

  program
    .command('convert')
    .description('.ss <-> NDJSON, .moqtrace <-> NDJSON, .moqtrace normal form, .ss with another beacon interval')
    .argument('<in>', 'input: .ss, .moqtrace or NDJSON (from xtrace cat --format ndjson); - for stdin')
    .argument('<out>', 'output file, - for stdout')
    .addOption(
      new Option(
        '--to <format>',
        'output format (default: ndjson for a binary input, else the original format)',
      ).choices(['ndjson', 'ss', 'moqtrace']),
    )
    .option('--interval <n>', ".ss: beacon interval of the output (default: the input file's)", positiveInt)
    .addOption(
      new Option('--version <v>', '.moqtrace: output format version').choices(['auto', '1', '2']).default('auto'),
    )
    .option(
      '--skip-invalid-lines',
      '.ss NDJSON input: skip lines that are not valid records, reporting each (exit 1), instead of stopping',
    )
    .addHelpText(
      'after',
      `
A round trip through NDJSON gives back identical records; a .ss written in one writer session comes back
byte for byte (the NDJSON header record carries the file name, created-at time and beacon interval).
NDJSON import is strict: the first line that is not a valid record stops it (INVALID_NDJSON at line N, exit 1)
and no output file is left behind; a .ss output appears only once it is complete.

Examples:
  $ xtrace convert recording.ss recording.ndjson
  $ xtrace convert recording.ndjson copy.ss --to ss
  $ xtrace convert recording.ss smaller-interval.ss --to ss --interval 4096
  $ xtrace convert old.moqtrace normal.moqtrace --to moqtrace --version auto
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/convert.js')).convert as Action));

  program
    .command('write')
    .description('append messages to a .ss file: one per stdin line, or NDJSON records with --ndjson')
    .argument('<out>', 'the .ss file (created, or appended to when it exists)')
    .option('--stream <key>', 'stream key of the messages (required unless --ndjson records carry one)')
    .option('--shard <n>', 'shard id', u64Arg, '0')
    .option('--interval <n>', 'beacon interval for a new file', positiveInt)
    .option('--ndjson', 'stdin holds NDJSON message records (streamKey, shardId, seqNo, timestampMs, payload)')
    .option('--eos', 'write an end-of-stream message at the end')
    .addHelpText(
      'after',
      `
Replaces the reference sink, stdin-to-file and clock programs. Sequence numbers continue from the file's
last message of the stream; timestamps are the current time unless NDJSON records carry them.

Examples:
  $ tail -f app.log | xtrace write app.ss --stream log
  $ xtrace cat a.ss --format ndjson | xtrace write b.ss --ndjson
  $ echo done | xtrace write app.ss --stream log --eos
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/write.js')).write as Action));

  program
    .command('hexdump')
    .description(
      'hex dump annotated with the structure (header, frames, beacons, splices; preamble, header map, events)',
    )
    .argument('<file>', 'a .ss or .moqtrace file, or - for stdin')
    .option('--offset <n>', 'start at this byte offset', nonNegativeInt, 0)
    .option('--length <n>', 'dump this many bytes (default: to the end)', nonNegativeInt)
    .addHelpText(
      'after',
      `
Examples:
  $ xtrace hexdump recording.ss --length 256
  $ xtrace hexdump trace.moqtrace --offset 16 --length 128 | less -R
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/hexdump.js')).hexdump as Action));

  program
    .command('view')
    .description('serve the web viewer on 127.0.0.1 with these files loaded and print the URL')
    .argument('<files...>', '.ss or .moqtrace files (- for stdin)')
    .option(
      '-p, --port <n>',
      'port on 127.0.0.1; 0 = any free port (default: 4180, or a free port when it is busy)',
      portArg,
    )
    .option('--open', 'also open the URL in a browser ($BROWSER, open, xdg-open); skipped when none is found')
    .option(
      '--viewer-dir <dir>',
      'folder of a viewer build (index.html); default: $XTRACE_VIEWER_DIR, else the bundled one',
    )
    .addHelpText(
      'after',
      `
Prints the URL, e.g. http://127.0.0.1:4180/?file=/files/0/trace.moqtrace&file=/files/1/recording.ss, as the
only line on stdout (status goes to stderr) and serves until Ctrl-C or SIGTERM (exit 0). Only 127.0.0.1 is
bound; each file is served read-only at /files/<index>/<name>, with Range support, and opens in its own tab.
Files that are neither format are served anyway (with a warning): the viewer shows the error.

The viewer is looked up in --viewer-dir, $XTRACE_VIEWER_DIR, the copy packaged with the CLI (viewer/), then
apps/viewer/dist in a repository checkout; build it with: pnpm --filter @x/viewer build

Examples:
  $ xtrace view trace.moqtrace recording.ss
  $ xtrace view trace.moqtrace --open
  $ xtrace view recording.ss --port 8080
  $ xtrace view trace.moqtrace --viewer-dir apps/viewer/dist
  $ cat trace.moqtrace | xtrace view -
${EXIT_HELP}`,
    )
    .action(lazy(async () => (await import('./commands/view.js')).view as Action));

  registerExportCommand(program, ctx, positiveInt);
  registerQueryCommand(program, ctx, positiveInt);

  return program;
}

/**
 * Runs `xtrace` with `argv` (without `node` and the script) on the given streams and resolves to the exit code
 * (0 ok, 1 problems in the data, 2 usage or I/O error). Never throws.
 *
 * @example
 * ```ts
 * import { run } from '@x/cli';
 * const code = await run(['info', 'trace.moqtrace', '--json'], {
 *   stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env,
 * });
 * ```
 */
export async function run(argv: readonly string[], io: XtraceIo): Promise<number> {
  const ctx = new Context(io);
  let code: number;
  try {
    const program = buildProgram(io, ctx);
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    code = ctx.exitCode;
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return EXIT_USAGE;
      return EXIT_USAGE;
    }
    const report = toErrorReport(error);
    const file = (XtraceError.is(error) ? error.file : undefined) ?? ctx.currentFile;
    ctx.reportLine(report.code, report.message, report.offset, file, report.exitCode, report.line);
    code = Math.max(ctx.exitCode, report.exitCode);
  }
  try {
    await ctx.out.end();
  } catch (error) {
    if (!(error instanceof OutputClosed)) {
      const report = toErrorReport(error);
      ctx.reportLine(report.code, report.message, undefined, undefined, EXIT_USAGE);
      return EXIT_USAGE;
    }
    return 0;
  }
  return code;
}
