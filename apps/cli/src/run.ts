/**
 * The `xtrace` program: the root command, the commands (each declared with its options next to its
 * implementation in `commands/`), and the top-level handler that turns any failure into one line on stderr and
 * an exit code. Format libraries are loaded only when an input of their format is met.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { catCommand } from './commands/cat.js';
import { convertCommand } from './commands/convert.js';
import { exportCommand } from './commands/export.js';
import { hexdumpCommand } from './commands/hexdump.js';
import { infoCommand } from './commands/info.js';
import { queryCommand } from './commands/query.js';
import { seekCommand } from './commands/seek.js';
import { statsCommand } from './commands/stats.js';
import { validateCommand } from './commands/validate.js';
import { viewCommand } from './commands/view.js';
import { writeCommand } from './commands/write.js';
import { Context } from './context.js';
import { EXIT_USAGE, formatErrorLine, OutputClosed, toErrorReport, XtraceError } from './errors.js';
import type { XtraceIo } from './io.js';
import { examples } from './program/args.js';
import { readVersion } from './version.js';

/** The commands by name, in the order `xtrace --help` lists them. */
const COMMANDS: Readonly<Record<string, (ctx: Context) => Command>> = {
  info: infoCommand,
  cat: catCommand,
  validate: validateCommand,
  stats: statsCommand,
  seek: seekCommand,
  convert: convertCommand,
  write: writeCommand,
  hexdump: hexdumpCommand,
  view: viewCommand,
  export: exportCommand,
  query: queryCommand,
};

/**
 * Builds the program. When `argv` names a command, only that command is defined (the others are needed only for
 * the root help and for suggestions after a mistyped name): less work before a short command runs.
 */
function buildProgram(io: XtraceIo, ctx: Context, argv: readonly string[]): Command {
  const program = new Command('xtrace')
    .description(
      'Inspect, validate, convert, seek, follow and write MoQT traces (.moqtrace, qlog/mlog) and SeaStreamer .ss recordings.',
    )
    .version(readVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => {
        const message = text
          .replace(/^error:\s*/, '')
          .trim()
          .replace(/\s*\n\s*/g, ' ');
        write(`${formatErrorLine({ code: 'USAGE', message: `${message} (see xtrace --help)` })}\n`);
      },
    })
    .addHelpText(
      'after',
      `
The format is detected from the content ("Ss\\x01" = .ss, "MOQTRACE" = .moqtrace, qlog JSON), never from
the name. "-" means stdin (input) or stdout (output).
${examples(
  'xtrace info trace.moqtrace',
  'xtrace cat recording.ss --format log --stream hello',
  'xtrace cat trace.moqtrace --type control --format ndjson | jq .',
  'xtrace validate *.ss *.moqtrace',
  'xtrace convert recording.ss recording.ndjson',
  'xtrace convert trace.moqtrace trace.sqlog',
)}`,
    );
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? argv[0] : undefined;
  for (const make of named === undefined ? Object.values(COMMANDS) : [COMMANDS[named] as (ctx: Context) => Command]) {
    const command = make(ctx);
    command.copyInheritedSettings(program);
    program.addCommand(command);
  }
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
    const program = buildProgram(io, ctx, argv);
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    code = ctx.exitCode;
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : EXIT_USAGE;
    }
    const report = toErrorReport(error);
    const file = (XtraceError.is(error) ? error.file : undefined) ?? ctx.currentFile;
    ctx.reportLine(report, file, report.exitCode);
    code = Math.max(ctx.exitCode, report.exitCode);
  }
  try {
    await ctx.out.end();
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    const report = toErrorReport(error);
    ctx.reportLine(report, undefined, EXIT_USAGE);
    return EXIT_USAGE;
  }
  return code;
}
