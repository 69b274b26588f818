/**
 * `@x/moqt-qlog/node`: Node-only helpers — reading qlog/mlog files and writing qlog exports by path.
 *
 * @example
 * ```ts
 * import { openQlogFile, createQlogFileWriter } from '@x/moqt-qlog/node';
 * const reader = await openQlogFile('client.mlog');
 * const writer = await createQlogFileWriter('copy.sqlog', { header: reader.header });
 * for await (const record of reader) await writer.write(record.event);
 * await writer.close();
 * ```
 *
 * @module @x/moqt-qlog/node
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { openFileSink, openFileSource } from '@x/binary/node';
import type { TraceEvent, TraceHeader } from '@x/moqtrace';
import {
  openQlogReader,
  QlogError,
  type QlogReader,
  type QlogReadOptions,
  QlogWriter,
  type QlogWriterOptions,
  type QlogWriterStats,
} from '../index.js';

/**
 * Opens a qlog/mlog file for streaming reading (256 KiB chunks). Files with a relative clock (moxygen, moq-rs)
 * get the file's modification time as `startTime` unless the options give one; the file name is passed for the
 * session id of producers that name files after the connection id. The reader closes the file.
 *
 * @example
 * ```ts
 * const reader = await openQlogFile('mlog_client.txt');
 * for await (const { event } of reader) console.log(event.type);
 * ```
 */
export async function openQlogFile(path: string, options: QlogReadOptions = {}): Promise<QlogReader> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch (cause) {
    throw new QlogError('IO_ERROR', `cannot open ${path}: ${(cause as Error).message}`, { cause });
  }
  const source = await openFileSource(path, { chunkSize: 256 * 1024 });
  try {
    return await openQlogReader(
      {
        get size() {
          return source.size;
        },
        get position() {
          return source.position;
        },
        read: () => source.read(),
        close: () => source.close(),
      },
      {
        startTime: Math.floor(mtimeMs),
        fileName: basename(path),
        ...options,
      },
    );
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** A {@link QlogWriter} on a file; `close()` also closes the file (renamed into place: the output is atomic). */
export class QlogFileWriter extends QlogWriter {
  private readonly closeFile: () => void;
  private readonly abortFile: () => void;

  constructor(sink: ReturnType<typeof openFileSink>, options: QlogWriterOptions & { header: TraceHeader }) {
    super(sink, options);
    this.closeFile = () => sink.close();
    this.abortFile = () => sink.abort();
  }

  /** Finishes the qlog file and closes it (the file appears at its path only now). */
  override async close(): Promise<QlogWriterStats> {
    try {
      const stats = await super.close();
      this.closeFile();
      return stats;
    } catch (error) {
      this.abortFile();
      throw error;
    }
  }

  /** Drops the output: nothing is left at the path. */
  abort(): void {
    this.abortFile();
  }
}

/**
 * Creates a qlog writer on a file path (JSON-SEQ by default; `format: 'contained'` for `.qlog`). The file is
 * written atomically: it appears at `path` when the writer closes.
 *
 * @example
 * ```ts
 * const writer = await createQlogFileWriter('session.sqlog', { header });
 * for (const event of events) await writer.write(event);
 * await writer.close();
 * ```
 */
export async function createQlogFileWriter(
  path: string,
  options: QlogWriterOptions & { header: TraceHeader },
): Promise<QlogFileWriter> {
  const sink = openFileSink(path, { atomic: true });
  return new QlogFileWriter(sink, options);
}

/** Exports events to a qlog file in one call. */
export async function writeQlogFile(
  path: string,
  header: TraceHeader,
  events: Iterable<TraceEvent>,
  options: QlogWriterOptions = {},
): Promise<QlogWriterStats> {
  const writer = await createQlogFileWriter(path, { ...options, header });
  try {
    for (const event of events) await writer.write(event);
  } catch (error) {
    writer.abort();
    throw error;
  }
  return writer.close();
}
