/**
 * Opening `.ss` readers for CLI inputs (file path or stdin bytes) and mapping reader problems to reports.
 *
 * @module
 */
import { type ByteSource, fromBytes } from '@x/binary';
import { openFileSource } from '@x/binary/node';
import {
  openSeaStreamerReader,
  type SeaStreamerProblem,
  type SeaStreamerReader,
  type SeaStreamerReaderOptions,
} from '@x/seastreamer-file';
import { openSeaStreamerFile } from '@x/seastreamer-file/node';
import type { Input } from './input.js';
import { ioError } from './input.js';

/** A byte source for an input. */
export async function inputSource(input: Input): Promise<ByteSource> {
  if (input.bytes) return fromBytes(input.bytes, { chunkSize: 1 << 20 });
  try {
    return await openFileSource(input.path!);
  } catch (error) {
    throw ioError(error, input.name);
  }
}

/** Runs `fn` with a byte source for `input`, closing the source afterwards (closing twice is harmless). */
export async function withSource<T>(input: Input, fn: (source: ByteSource) => Promise<T>): Promise<T> {
  const source = await inputSource(input);
  try {
    return await fn(source);
  } finally {
    await source.close().catch(() => undefined);
  }
}

/** Opens a `.ss` reader over an input (bounded, from the start); the reader owns what it opened. */
export async function openSsReader(input: Input, options: SeaStreamerReaderOptions = {}): Promise<SeaStreamerReader> {
  if (input.bytes) return openSeaStreamerReader(input.bytes, options);
  try {
    return await openSeaStreamerFile(input.path!, options);
  } catch (error) {
    if ((error as { code?: string }).code === 'IO_ERROR') throw ioError((error as Error).cause ?? error, input.name);
    throw error;
  }
}

/**
 * Severity of a reader problem, as the library classifies it: damaged messages (payload checksums, keys) are
 * errors; running-checksum restarts (appends), decoration bytes, beacon counts and watcher failures are warnings.
 */
export function problemSeverity(problem: Pick<SeaStreamerProblem, 'severity'>): 'error' | 'warning' {
  return problem.severity;
}
