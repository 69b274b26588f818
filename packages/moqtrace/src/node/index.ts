/**
 * `@x/moqtrace/node`: Node-only helpers — reading traces from file paths and writing them to files.
 *
 * @example
 * ```ts
 * import { readTraceFile, createTraceFileWriter } from '@x/moqtrace/node';
 * const trace = await readTraceFile('session.moqtrace');
 * const writer = await createTraceFileWriter('copy.moqtrace', { header: trace.segments[0].header });
 * for (const event of trace.events) writer.write(event);
 * await writer.close();
 * ```
 *
 * @module @x/moqtrace/node
 */
export { type FollowEnd, type FollowTraceOptions, followTrace } from './follow.js';

import { type FileHandle, open } from 'node:fs/promises';
import { openFileSource } from '@x/binary/node';
import {
  type HeaderPeek,
  MoqtraceError,
  peekHeader,
  type ReadOptions,
  type ReadTraceOptions,
  readTraceFrom,
  streamTrace,
  type TraceEnd,
  type TraceReadResult,
  type TraceSink,
  type TraceVisitor,
  TraceWriter,
  type TraceWriterOptions,
} from '../index.js';

/** Options of {@link createFileSink}. */
export interface FileSinkOptions {
  /** Call `fsync` on every `sync()` (default true). Plain writes already survive a process kill. */
  fsync?: boolean;
}

/**
 * A {@link TraceSink} writing to a file (created or truncated) with positional writes, so the writer can patch
 * `endTime` and the version. Bytes handed to it survive a crash of the process.
 */
export async function createFileSink(path: string, options: FileSinkOptions = {}): Promise<TraceSink> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'w');
  } catch (cause) {
    throw new MoqtraceError('IO_ERROR', `opening ${path} for writing failed`, { cause });
  }
  let position = 0;
  const fsync = options.fsync ?? true;
  return {
    async write(chunk) {
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position + done);
        done += bytesWritten;
      }
      position += chunk.length;
    },
    async patch(at, bytes) {
      await handle.write(bytes, 0, bytes.length, at);
    },
    async sync() {
      if (fsync) await handle.sync();
    },
    async close() {
      await handle.close();
    },
  };
}

/**
 * Creates a streaming trace writer on a file path. `endTime` is patched in on close; flushed bytes survive a
 * crash.
 */
export async function createTraceFileWriter(path: string, options: TraceWriterOptions): Promise<TraceWriter> {
  return new TraceWriter(await createFileSink(path), options);
}

/** Reads a whole trace from a file path (streaming under the hood). */
export async function readTraceFile(path: string, options: ReadTraceOptions = {}): Promise<TraceReadResult> {
  const source = await openFileSource(path);
  try {
    return await readTraceFrom(source, options);
  } finally {
    await source.close();
  }
}

/** Streams a trace file through a visitor with memory bounded by the largest item. */
export async function streamTraceFile(
  path: string,
  visitor: TraceVisitor,
  options: ReadOptions = {},
): Promise<TraceEnd> {
  const source = await openFileSource(path, { chunkSize: 256 * 1024 });
  try {
    return await streamTrace(source, visitor, options);
  } finally {
    await source.close();
  }
}

/** Reads only the preamble and header of a trace file. */
export async function peekHeaderFile(path: string): Promise<HeaderPeek> {
  const source = await openFileSource(path, { chunkSize: 4096 });
  try {
    return await peekHeader(source);
  } finally {
    await source.close();
  }
}
