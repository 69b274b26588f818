/**
 * Trace files by path: a streaming reader on a file ({@link openTraceFile}) and a streaming writer to a file
 * ({@link createTraceFileWriter}), both closing the file they open.
 *
 * @module
 */
import { openFileSink, openFileSource } from '@x/binary/node';
import { MoqtraceError } from '../errors.js';
import { TraceReader, type TraceReaderOptions } from '../reader/trace-reader.js';
import { TraceWriter, type TraceWriterOptions } from '../writer/trace-writer.js';

/** Options of {@link openTraceFile}. */
export interface TraceFileOptions extends TraceReaderOptions {
  /** Bytes per read (default 256 KiB). */
  chunkSize?: number;
}

function ioError(action: string, path: string, cause: unknown): MoqtraceError {
  if (MoqtraceError.is(cause)) return cause;
  const code = (cause as { code?: string } | null)?.code;
  return new MoqtraceError('IO_ERROR', `${action} ${path} failed${code === undefined ? '' : ` (${code})`}`, { cause });
}

/**
 * Opens a streaming reader on a file (random access included: {@link TraceReader.readEventAt}). The reader
 * closes the file at its end, on errors and by `close()`.
 *
 * @example
 * ```ts
 * const reader = await openTraceFile('session.moqtrace');
 * for await (const record of reader) if (record.kind === 'event') console.log(record.event.type);
 * ```
 */
export async function openTraceFile(path: string, options: TraceFileOptions = {}): Promise<TraceReader> {
  let source: Awaited<ReturnType<typeof openFileSource>>;
  try {
    source = await openFileSource(path, { chunkSize: options.chunkSize ?? 256 * 1024 });
  } catch (cause) {
    throw ioError('opening', path, cause);
  }
  return TraceReader.open(source, { ...options, owned: true });
}

/** Options of {@link createTraceFileWriter}. */
export interface TraceFileWriterOptions extends TraceWriterOptions {
  /** Write a temporary file beside `path`, renamed into place on `close()` (removed by `abort()`). Default false. */
  atomic?: boolean;
  /** `fsync` on every `flush()` and on `close()`. Default false. */
  fsync?: boolean;
}

/**
 * Creates a streaming trace writer on a file path (created or emptied; with `atomic`, written beside it and
 * renamed into place on `close()`). `endTime` is patched in on close; flushed bytes survive a crash. `close()`
 * closes the file; `abort()` discards it (atomic) or leaves what was flushed.
 *
 * @example
 * ```ts
 * const writer = createTraceFileWriter('copy.moqtrace', { header, atomic: true });
 * for (const event of events) writer.write(event);
 * await writer.close();
 * ```
 */
export function createTraceFileWriter(path: string, options: TraceFileWriterOptions): TraceWriter {
  if (typeof path !== 'string' || path === '') {
    throw new MoqtraceError('INVALID_ARGUMENT', 'path: must be a file path', { key: 'path' });
  }
  const { atomic, fsync, ...writerOptions } = options ?? ({} as TraceFileWriterOptions);
  const sink = openFileSink(path, { ...(atomic ? { atomic } : {}), ...(fsync ? { fsync } : {}) });
  try {
    return new TraceWriter(sink, writerOptions, true);
  } catch (error) {
    sink.abort();
    throw error;
  }
}
