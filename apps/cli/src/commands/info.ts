/**
 * `xtrace info FILE`: format, version, header fields, counts, time range, segments, end state, problems and
 * file size, in one streaming pass.
 *
 * @module
 */
import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from '../program/args.js';
import { openWithAdapter, ProblemReporter, printReport, readToEnd } from './common.js';

/** Options of `info`. */
export interface InfoOptions {
  /** Print one JSON object. */
  readonly json?: boolean;
}

/** Runs `xtrace info`. */
export async function info(ctx: Context, file: string, options: InfoOptions): Promise<void> {
  const { input, adapter } = await openWithAdapter(ctx, file);
  const problems = new ProblemReporter(ctx, input.name, 10);
  const reading = await adapter.open(ctx, input, { structure: true, onProblem: problems.add });
  const report = adapter.info(input, reading);
  await readToEnd(ctx, input, reading, 'info', (r) => report.add(r));
  await printReport(ctx, report.report(reading.outcome()), options.json);
  problems.finish();
}

/** The `info` command. */
export function infoCommand(ctx: Context): Command {
  return new Command('info')
    .description('format, version, header fields, counts, time range, segments, end state, problems, file size')
    .argument('<file>', 'a .ss, .moqtrace or qlog file, or - for stdin')
    .option('--json', 'print one JSON object instead of text')
    .addHelpText(
      'after',
      `
Reads the whole file (streaming, in constant memory) and reports the problems met on stderr: the first ten,
then how many more (xtrace validate lists them all); exit 1 when there are errors.
${examples('xtrace info recording.ss', 'xtrace info trace.moqtrace --json | jq .counts', 'cat trace.moqtrace | xtrace info -', 'xtrace info client.sqlog')}`,
    )
    .action((file: string, options: InfoOptions) => info(ctx, file, options));
}
