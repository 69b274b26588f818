/**
 * What every adapter's `convert` shares: running the conversion on an {@link Output} that is committed on
 * success and removed (or kept and marked, with `--keep-partial`) on failure, turning a failure caused by the
 * data into exit code 1, and writing NDJSON records.
 *
 * @module
 */
import type { Context } from '../context.js';
import { EXIT_DATA, toErrorReport, XtraceError } from '../errors.js';
import { type Output, openOutput } from '../output/file-output.js';
import type { ConvertTarget } from './types.js';

/**
 * Runs `write` on the target's output. On success the output is committed. On failure it is removed, or kept
 * with `marker` appended when the target asks for `--keep-partial` (a warning says so); the error is rethrown.
 */
export async function withOutput(
  ctx: Context,
  target: ConvertTarget,
  marker: (output: Output) => Uint8Array | undefined,
  write: (output: Output) => Promise<void>,
): Promise<void> {
  const output = openOutput(ctx, target.path);
  try {
    await write(output);
    await output.commit();
  } catch (error) {
    const kept = await output.fail(target.keepPartial === true, target.keepPartial ? marker(output) : undefined);
    if (kept) {
      ctx.warn(
        'PARTIAL_OUTPUT',
        `kept the ${output.bytesWritten} bytes written before the failure, ended by an incomplete record so that readers and xtrace validate report the file as incomplete`,
        target.path,
      );
    }
    throw error;
  }
}

/**
 * An error of a library writer caused by the data being converted (an invalid stream key, a value out of
 * range): exit 1 instead of 2, named after the input. I/O and misuse errors pass unchanged.
 */
export function dataError(error: unknown, file: string): unknown {
  const report = toErrorReport(error);
  if (report.code === 'IO_ERROR' || report.code === 'CLOSED' || report.code === 'INTERNAL') return error;
  if (XtraceError.is(error) && error.exitCode === EXIT_DATA) return error;
  return new XtraceError(report.code, report.message, {
    file,
    offset: report.offset,
    line: report.line,
    exitCode: EXIT_DATA,
    cause: error,
  });
}

/** The NDJSON marker of a partial output: an `error` record, then a cut line no importer accepts. */
export const NDJSON_PARTIAL_MARKER = new TextEncoder().encode(
  '{"kind":"error","code":"PARTIAL_OUTPUT","message":"the conversion failed here: this output is incomplete","severity":"error"}\n{"kind":"end","state":"partial"',
);
