/**
 * What the reading commands share: opening an input with its adapter, reading it to the end with a progress
 * bar, reporting the problems met (all of them, or the first few and a count), and printing a report.
 *
 * @module
 */
import type { Context, Problem } from '../context.js';
import { EXIT_DATA } from '../errors.js';
import { loadAdapter } from '../formats/registry.js';
import type { Adapter, Reading, RecordBase, Report } from '../formats/types.js';
import { openTraceInput, type TraceInput } from '../input/input.js';
import { escapeText } from '../output/escape.js';
import { writeJson } from '../output/json.js';
import { createProgress } from '../output/progress.js';
import { keyValues, tableLines } from '../output/table.js';
import { count } from '../output/text.js';

/** An input and the adapter of its format. */
export interface Opened {
  /** The input. */
  readonly input: TraceInput;
  /** Its adapter. */
  readonly adapter: Adapter;
}

/** Opens `name` (a trace file or `-`) and loads the adapter of its format. */
export async function openWithAdapter(ctx: Context, name: string): Promise<Opened> {
  const input = await openTraceInput(ctx, name);
  ctx.currentFile = input.name;
  return { input, adapter: await loadAdapter(input.format) };
}

/**
 * Reports problems on stderr as they come: every one, or the first `shown` and then a count at the end (a file
 * with a million bad checksums gives a readable `info`). Errors make the exit code 1.
 */
export class ProblemReporter {
  errors = 0;
  warnings = 0;
  private printed = 0;

  constructor(
    private readonly ctx: Context,
    private readonly file: string,
    private readonly shown = Number.POSITIVE_INFINITY,
  ) {}

  /** Reports one problem. */
  readonly add = (problem: Problem): void => {
    if (problem.severity === 'error') {
      this.errors++;
      this.ctx.fail(EXIT_DATA);
    } else this.warnings++;
    if (this.printed < this.shown) {
      this.printed++;
      this.ctx.problem(problem, this.file);
    }
  };

  /** Prints how many problems were not shown, if any. */
  finish(): void {
    const hidden = this.errors + this.warnings - this.printed;
    if (hidden > 0) {
      this.ctx.warn(
        'MORE_PROBLEMS',
        `${count(hidden, 'more problems')} not shown (xtrace validate ${this.file} lists them all)`,
        this.file,
      );
    }
  }
}

/** Reads to the end, handing each record to `each`, with a progress bar on a terminal. */
export async function readToEnd<R extends RecordBase>(
  ctx: Context,
  input: TraceInput,
  reading: Reading<R>,
  label: string,
  each: (record: R) => void,
  writesStdout = false,
): Promise<void> {
  const progress = await createProgress(ctx, input.size ?? 0, label, writesStdout);
  try {
    for (let batch = await reading.nextBatch(); batch !== null; batch = await reading.nextBatch()) {
      for (const record of batch) each(record);
      progress.update(reading.position);
    }
  } finally {
    progress.stop();
    await reading.close();
  }
}

/**
 * Prints a report: JSON with `--json`, else its heading, fields, tables and notes (separated by blank lines).
 * Written piece by piece (a JSON member, a row of a lazy array, a table line at a time), never as one string.
 */
export async function printReport(ctx: Context, report: Report, json: boolean | undefined): Promise<void> {
  if (json) {
    await writeJson(ctx.out, report.json);
    return;
  }
  const c = ctx.colors;
  const put = async (text: string): Promise<void> => {
    const w = ctx.out.write(text);
    if (w) await w;
  };
  let sections = 0;
  const section = async (lines: Iterable<string>): Promise<void> => {
    if (sections++ > 0) await put('\n');
    for (const line of lines) await put(line);
  };
  if (report.heading !== undefined) await section([`${c.bold(escapeText(report.heading))}\n`]);
  if (report.fields !== undefined) await section([keyValues(report.fields, c)]);
  for (const table of report.tables) await section(tableLines(table, c));
  for (const note of report.notes ?? []) await put(`${note}\n`);
}
