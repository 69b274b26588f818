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
