/**
 * Output targets for commands that write a file or `-` (stdout): a text sink and a byte sink for the
 * `.ss` writer.
 *
 * @module
 */
import { createWriteStream } from 'node:fs';
import { EXIT_USAGE, XtraceError } from '../errors.js';
import type { Context } from '../io.js';
import { OutputSink } from './sink.js';

/** A text/bytes output: stdout for `-`, else a file stream. */
export interface TextTarget {
  /** The buffered sink. */
  sink: OutputSink;
  /** Flushes and closes (the file) or flushes (stdout). */
  close(): Promise<void>;
}

/** Opens `path` (or `-`) for writing text or bytes. */
export async function openTextTarget(ctx: Context, path: string): Promise<TextTarget> {
  if (path === '-') return { sink: ctx.out, close: () => ctx.out.flush() };
  const stream = createWriteStream(path);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error) =>
      reject(
        new XtraceError('IO_ERROR', `cannot write: ${(error as Error).message}`, {
          file: path,
          exitCode: EXIT_USAGE,
        }),
      ),
    );
  });
  const sink = new OutputSink(stream);
  return {
    sink,
    close: async () => {
      await sink.end();
      await new Promise<void>((resolve, reject) => {
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
    },
  };
}
