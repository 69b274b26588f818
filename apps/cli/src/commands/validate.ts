/**
 * `xtrace validate FILE...`: every problem the format's reader finds (checksums, running checksums,
 * structure, truncation) and the format's extra rules (stream keys, data after EOS), each with its offset;
 * every file gets its line in the report, also one that cannot be read at all. Exit 0 when every file is
 * clean, 1 when one has problems, 2 when one cannot be opened.
 *
 * @module
 */
import { Command } from 'commander';
import type { Context, Problem } from '../context.js';
import { EXIT_DATA, toErrorReport } from '../errors.js';
import type { ReadOutcome } from '../formats/types.js';
import { escapeText } from '../output/escape.js';
import { stringifyJson } from '../output/json.js';
import { count, counts } from '../output/text.js';
import { examples } from '../program/args.js';
import { openWithAdapter, readToEnd } from './common.js';

/** Options of `validate`. */
export interface ValidateOptions {
  /** Print one JSON object per file. */
  readonly json?: boolean;
}

/** One problem of a validation. */
export interface ValidationProblem {
  /** Stable code. */
  code: string;
  /** Byte offset, when known. */
  offset: number | undefined;
  /** One-line description. */
  message: string;
  /** `error` or `warning`. */
  severity: 'error' | 'warning';
}

/** The validation result of one file (`--json` prints it). */
export interface ValidationResult {
  /** The file as named. */
  file: string;
  /** Its format, when it could be told. */
  format: 'ss' | 'moqtrace' | 'qlog' | undefined;
  /** No error problem. */
  ok: boolean;
  /** The problems (at most 1000 listed, then one `MORE_PROBLEMS`). */
  problems: ValidationProblem[];
  /** What was read. */
  counts: Record<string, number>;
  /** How reading ended. */
  end: { state: string; offset: number } | undefined;
}

const MAX_LISTED = 1000;

async function validateOne(ctx: Context, file: string): Promise<{ result: ValidationResult; exitCode: number }> {
  const problems: ValidationProblem[] = [];
  let errors = 0;
  let total = 0;
  const add = (p: Problem): void => {
    total++;
    if (p.severity === 'error') errors++;
    if (problems.length < MAX_LISTED) {
      problems.push({ code: p.code, offset: p.offset, message: p.message, severity: p.severity });
    }
  };
  let format: ValidationResult['format'];
  let outcome: ReadOutcome;
  try {
    const { input, adapter } = await openWithAdapter(ctx, file);
    format = adapter.format;
    const reading = await adapter.open(ctx, input, { structure: true, thorough: true, onProblem: add });
    const checker = adapter.checker(add);
    await readToEnd(ctx, input, reading, 'validate', (r) => checker.add(r));
    outcome = reading.outcome();
  } catch (error) {
    const report = toErrorReport(error);
    add({ code: report.code, offset: report.offset, message: report.message, severity: 'error' });
    return {
      result: { file, format, ok: false, problems, counts: {}, end: undefined },
      exitCode: report.exitCode,
    };
  }
  if (total > problems.length) {
    problems.push({
      code: 'MORE_PROBLEMS',
      offset: undefined,
      message: `${count(total - problems.length, 'more problems')} not listed`,
      severity: errors > 0 ? 'error' : 'warning',
    });
  }
  problems.sort((a, b) => (a.offset ?? Number.POSITIVE_INFINITY) - (b.offset ?? Number.POSITIVE_INFINITY));
  const ok = errors === 0;
  return {
    result: {
      file,
      format,
      ok,
      problems,
      counts: { ...outcome.counts },
      end: { state: outcome.state, offset: outcome.offset },
    },
    exitCode: ok ? 0 : EXIT_DATA,
  };
}

async function printResult(ctx: Context, result: ValidationResult, json: boolean | undefined): Promise<void> {
  if (json) {
    const w = ctx.out.write(`${stringifyJson(result)}\n`);
    if (w) await w;
    return;
  }
  const c = ctx.colors;
  const file = escapeText(result.file);
  let text = '';
  for (const p of result.problems) {
    const at = p.offset === undefined ? '' : ` at offset ${p.offset}`;
    const line = `${file}: ${escapeText(p.code)}${at}: ${escapeText(p.message)}${p.severity === 'warning' ? ' (warning)' : ''}`;
    text += `${p.severity === 'warning' ? c.yellow(line) : c.red(line)}\n`;
  }
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  const status = result.ok ? c.green('ok') : c.red(count(errors, 'problems'));
  const warn = warnings > 0 ? `, ${count(warnings, 'warnings')}` : '';
  const what = counts(result.counts);
  const end = result.end ? `, end: ${result.end.state} at offset ${result.end.offset}` : '';
  text += `${file}: ${status}${warn} (${result.format ?? 'unreadable'}${what ? `, ${what}` : ''}${end})\n`;
  const w = ctx.out.write(text);
  if (w) await w;
}

/** Runs `xtrace validate`. */
export async function validate(ctx: Context, files: string[], options: ValidateOptions): Promise<void> {
  for (const file of files) {
    const { result, exitCode } = await validateOne(ctx, file);
    if (exitCode !== 0 && result.format === undefined) {
      // the file could not be read at all: its line is in the report, the error also on stderr
      const p = result.problems[0] as ValidationProblem;
      ctx.reportLine({ code: p.code, message: p.message, offset: p.offset }, file, exitCode);
    }
    ctx.fail(exitCode);
    await printResult(ctx, result, options.json);
  }
}

/** The `validate` command. */
export function validateCommand(ctx: Context): Command {
  return new Command('validate')
    .description('check every checksum, running checksum, structural and key rule and the end state')
    .argument('<files...>', '.ss, .moqtrace or qlog files (- for stdin)')
    .option('--json', 'print one JSON object per file')
    .addHelpText(
      'after',
      `
Prints each problem with its offset, then one line per file (also for a file that cannot be read at all).
A partial output kept by convert --keep-partial ends with an incomplete record: validate reports it.
Exit 0 when every file is clean, 1 when problems were found, 2 when a file cannot be opened.
${examples('xtrace validate recording.ss', 'xtrace validate traces/*.moqtrace --json', 'xtrace validate *.ss > report.txt')}`,
    )
    .action((files: string[], options: ValidateOptions) => validate(ctx, files, options));
}
