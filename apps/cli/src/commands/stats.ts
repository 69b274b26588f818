/**
 * `xtrace stats FILE`: per-stream tables (`.ss`); per-type, per-control-message, data-stream and track tables
 * (`.moqtrace`, qlog), in one streaming pass.
 *
 * @module
 */
import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from '../program/args.js';
import { openWithAdapter, ProblemReporter, printReport, readToEnd } from './common.js';

/** Options of `stats`. */
export interface StatsOptions {
  /** Print one JSON object. */
  readonly json?: boolean;
}

/** Runs `xtrace stats`. */
export async function stats(ctx: Context, file: string, options: StatsOptions): Promise<void> {
  const { input, adapter } = await openWithAdapter(ctx, file);
  const problems = new ProblemReporter(ctx, input.name, 10);
  const reading = await adapter.open(ctx, input, { structure: true, onProblem: problems.add });
  const report = adapter.stats(input, reading);
  await readToEnd(ctx, input, reading, 'stats', (r) => report.add(r));
  await printReport(ctx, report.report(reading.outcome()), options.json);
  problems.finish();
}

/** The `stats` command. */
export function statsCommand(ctx: Context): Command {
  return new Command('stats')
    .description('per-stream (.ss) or per-type, per-message, data-stream and track (.moqtrace, qlog) tables')
    .argument('<file>', 'a .ss, .moqtrace or qlog file, or - for stdin')
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Problems met are reported on stderr like info does (exit 1 when there are errors).
${examples('xtrace stats recording.ss', 'xtrace stats trace.moqtrace --json | jq .tracks')}`,
    )
    .action((file: string, options: StatsOptions) => stats(ctx, file, options));
}
