/**
 * `.moqtrace` implementations of info, stats, validate, convert and hexdump.
 *
 * @module
 */
import { XtraceError } from '../errors.js';
import type { Input } from '../input.js';
import type { Context } from '../io.js';

function notYet(input: Input): never {
  throw new XtraceError('NOT_AVAILABLE', '.moqtrace support is not available yet', { file: input.name });
}

/** `info` for `.moqtrace`. */
export async function infoMoqtrace(_ctx: Context, input: Input, _options: { json?: boolean }): Promise<void> {
  notYet(input);
}

/** `stats` for `.moqtrace`. */
export async function statsMoqtrace(_ctx: Context, input: Input, _options: { json?: boolean }): Promise<void> {
  notYet(input);
}

/** `validate` for `.moqtrace`. */
export async function validateMoqtrace(_ctx: Context, input: Input): Promise<import('./validate.js').ValidationResult> {
  notYet(input);
}

/** `convert` from NDJSON records to `.moqtrace`. */
export async function ndjsonToMoqtrace(
  _ctx: Context,
  _records: import('./convert.js').NdjsonRecord[],
  _outPath: string,
  _options: import('./convert.js').ConvertOptions,
): Promise<void> {
  throw new XtraceError('NOT_AVAILABLE', '.moqtrace support is not available yet');
}

/** `convert` from `.moqtrace` to NDJSON or normal-form `.moqtrace`. */
export async function convertMoqtrace(
  _ctx: Context,
  input: Input,
  _outPath: string,
  _to: 'ndjson' | 'moqtrace',
  _options: import('./convert.js').ConvertOptions,
): Promise<void> {
  notYet(input);
}

/** Annotated regions of a `.moqtrace` file for `hexdump`. */
export async function moqtraceRegions(
  _ctx: Context,
  input: Input,
  _bytes: Uint8Array,
): Promise<import('./hexdump.js').Region[]> {
  notYet(input);
}
