/**
 * Input files: their format from the first bytes, and their size.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { AnalyticsError } from '../errors.js';
import { detectRecordingFormat, notRecording } from '../scan/index.js';
import type { RecordingFormat } from '../scan/sink.js';

/** An input file as detected. */
export interface DetectedFile {
  /** Path as given. */
  path: string;
  /** Format, `undefined` when neither (see `error`). */
  format: RecordingFormat | undefined;
  /** Size in bytes, when it could be read. */
  size: number | undefined;
  /** Why it cannot be read (`IO_ERROR`, `UNKNOWN_FORMAT`, `TRUNCATED`), when it cannot. */
  error: AnalyticsError | undefined;
}

/** Reads the first 16 bytes and the size of `path`. */
export async function detectFile(path: string): Promise<DetectedFile> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const head = new Uint8Array(16);
    const { bytesRead } = await handle.read(head, 0, 16, 0);
    const format = detectRecordingFormat(head.subarray(0, bytesRead));
    const error = format === undefined ? notRecording(head.subarray(0, bytesRead)) : undefined;
    return { path, format, size: info.size, error };
  } catch (error) {
    const message = (error as Error).message;
    return {
      path,
      format: undefined,
      size: undefined,
      error: new AnalyticsError('IO_ERROR', message, { cause: error }),
    };
  } finally {
    await handle?.close();
  }
}
