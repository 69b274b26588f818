/**
 * `xtrace validate FILE...`: every checksum, running checksum, structural rule, key rule and the end state.
 * Prints each problem with its offset; exit 0 when every file is clean, 1 when problems were found.
 * For `.ss` files, payload and running checksums and the decoration bytes (frame terminators, beacon
 * delimiters, header padding) are the reader's own problems (`@x/seastreamer-file`, with their severity);
 * key, timestamp, end-of-stream and truncation rules are checked here.
 *
 * @module
 */
import { isTimestampInRange, isValidStreamKey } from '@x/seastreamer-file';
import { EXIT_DATA, toErrorReport } from '../errors.js';
import { type Input, openInput } from '../input.js';
import type { Context } from '../io.js';
import { stringifyJson } from '../output/json.js';
import { createProgress } from '../output/progress.js';
import { openSsReader } from '../ss-source.js';
import type { ValidationProblem, ValidationResult } from './types.js';

export type { ValidationProblem, ValidationResult } from './types.js';

/** Options of `validate`. */
export interface ValidateOptions {
  json?: boolean;
}

/** Runs `xtrace validate`. */
export async function validate(ctx: Context, files: string[], options: ValidateOptions): Promise<void> {
  for (const file of files) {
    let result: ValidationResult;
    try {
      const input = await openInput(ctx.io, file);
      ctx.currentFile = input.name;
      result =
        input.format === 'ss'
          ? await validateSs(ctx, input)
          : await (await import('./moqtrace-commands.js')).validateMoqtrace(ctx, input);
    } catch (error) {
      const report = toErrorReport(error);
      ctx.reportLine(report.code, report.message, report.offset, file, report.exitCode);
      if (report.exitCode !== EXIT_DATA || !options.json) continue;
      result = {
        file,
        format: undefined,
        ok: false,
        problems: [{ code: report.code, offset: report.offset, message: report.message, severity: 'error' }],
        counts: {},
        end: undefined,
      };
    }
    await printResult(ctx, result, options);
  }
}

async function printResult(ctx: Context, result: ValidationResult, options: ValidateOptions): Promise<void> {
  if (!result.ok) ctx.fail(EXIT_DATA);
  if (options.json) {
    const w = ctx.out.write(`${stringifyJson(result)}\n`);
    if (w) await w;
    return;
  }
  const c = ctx.colors;
  for (const p of result.problems) {
    const at = p.offset === undefined ? '' : ` at offset ${p.offset}`;
    const line = `${result.file}: ${p.code}${at}: ${p.message}${p.severity === 'warning' ? ' (warning)' : ''}\n`;
    const w = ctx.out.write(p.severity === 'warning' ? c.yellow(line) : c.red(line));
    if (w) await w;
  }
  const counts = Object.entries(result.counts)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const warnings = result.problems.length - errors;
  const end = result.end ? `, end: ${result.end.state} at offset ${result.end.offset}` : '';
  const status = result.ok ? c.green('ok') : c.red(`${errors} problem${errors === 1 ? '' : 's'}`);
  const warn = warnings > 0 ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : '';
  const w = ctx.out.write(
    `${result.file}: ${status}${warn} (${result.format ?? 'unreadable'}${counts ? `, ${counts}` : ''}${end})\n`,
  );
  if (w) await w;
}

const MAX_LISTED = 1000;

async function validateSs(ctx: Context, input: Input): Promise<ValidationResult> {
  const problems: ValidationProblem[] = [];
  let problemCount = 0;
  const add = (p: ValidationProblem): void => {
    problemCount++;
    if (problems.length < MAX_LISTED) problems.push(p);
  };
  // Checksums, running checksums and decoration bytes (BAD_TERMINATOR, BAD_BEACON_DELIMITER,
  // BAD_HEADER_PADDING) come from the reader, the header padding already while opening.
  const reader = await openSsReader(input, {
    verifyRunningChecksums: true,
    verifyDecoration: true,
    lenientUtf8: true,
    beacons: true,
    onProblem: (p) => add({ code: p.code, offset: p.offset, message: p.message, severity: p.severity }),
  });
  let messages = 0;
  let beacons = 0;
  let eosAt: number | undefined;
  const progress = createProgress(ctx, input.size, 'validate', false);
  try {
    for (;;) {
      const batch = await reader.nextBatch();
      if (batch === null) break;
      for (const item of batch) {
        if (item.kind === 'beacon') {
          beacons++;
          continue;
        }
        messages++;
        if (!item.isEos && !isValidStreamKey(item.streamKey, true) && item.streamKey !== 'SEA_STREAMER_INTERNAL') {
          add({
            code: 'INVALID_STREAM_KEY',
            offset: item.offset,
            message: `stream key ${JSON.stringify(item.streamKey)} is not [A-Za-z0-9._-]{0,249}`,
            severity: 'error',
          });
        } else if (item.streamKey === '') {
          add({
            code: 'EMPTY_STREAM_KEY',
            offset: item.offset,
            message: 'empty stream key (accepted by the reference)',
            severity: 'warning',
          });
        }
        if (!isTimestampInRange(item.timestamp)) {
          add({
            code: 'TIMESTAMP_OUT_OF_RANGE',
            offset: item.offset,
            message: `timestamp ${item.timestamp} ms is after 9999-12-31`,
            severity: 'error',
          });
        }
        if (eosAt !== undefined) {
          add({
            code: 'DATA_AFTER_EOS',
            offset: item.offset,
            message: `message after the end-of-stream message at offset ${eosAt}`,
            severity: 'warning',
          });
          eosAt = undefined;
        }
        if (item.isEos) eosAt = item.offset;
      }
      progress.update(reader.end?.offset ?? 0);
    }
  } finally {
    progress.stop();
  }
  const end = reader.end;
  await reader.close();
  if (end?.state === 'truncated') {
    add({
      code: 'TRUNCATED',
      offset: end.offset,
      message: `${end.trailingBytes} bytes after offset ${end.offset} do not hold a complete message or beacon`,
      severity: 'error',
    });
  }
  if (problemCount > problems.length) {
    problems.push({
      code: 'MORE_PROBLEMS',
      offset: undefined,
      message: `${problemCount - problems.length} more problems not listed`,
      severity: problems.some((p) => p.severity === 'error') ? 'error' : 'warning',
    });
  }
  problems.sort((a, b) => (a.offset ?? Number.POSITIVE_INFINITY) - (b.offset ?? Number.POSITIVE_INFINITY));
  return {
    file: input.name,
    format: 'ss',
    ok: !problems.some((p) => p.severity === 'error'),
    problems,
    counts: { messages, beacons },
    end: end ? { state: end.state, offset: end.offset } : undefined,
  };
}
