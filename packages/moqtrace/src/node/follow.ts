/**
 * Following a growing `.moqtrace` file, as `tail -f` does: `@x/binary/node`'s `watchFileGrowth` (file-change
 * notifications plus polling that backs off 1 … 1024 ms). An item only partly written when it is read is
 * completed once more bytes arrive. Reading ends when the file is deleted, replaced or shrinks below the read
 * position (`removed`), when `signal` aborts (`aborted`) or after `idleTimeout` ms without new bytes (`idle`).
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { openFileSource, watchFileGrowth } from '@x/binary/node';
import { MoqtraceError } from '../errors.js';
import { type LiveSource, TraceReader } from '../reader/trace-reader.js';
import type { TraceFileOptions } from './file.js';

/** Options of {@link followTraceFile}. */
export interface FollowTraceOptions extends TraceFileOptions {
  /** Stop following when this signal aborts (end state `aborted`). */
  signal?: AbortSignal;
  /** End after this many ms without new bytes (end state `idle`; default: wait forever). */
  idleTimeout?: number;
  /** `start` (default): read the file from its beginning; `end`: only events written after the reader opened. */
  from?: 'start' | 'end';
  /** Wait for the file to appear instead of failing with `IO_ERROR` when it does not exist yet. Default false. */
  waitForFile?: boolean;
  /** Longest polling delay in ms (default 1024). */
  maxPollInterval?: number;
}

async function appeared(path: string, options: FollowTraceOptions): Promise<boolean> {
  const started = Date.now();
  let delay = 1;
  for (;;) {
    try {
      await stat(path);
      return true;
    } catch {
      if (options.signal?.aborted) return false;
      if (options.idleTimeout !== undefined && Date.now() - started >= options.idleTimeout) return false;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxPollInterval ?? 1024);
    }
  }
}

/**
 * Follows a `.moqtrace` file that a writer (possibly another process) is appending to: a {@link TraceReader}
 * whose records arrive as the file grows, ending with `removed`, `aborted` or `idle`. Rejects when there is no
 * usable first segment (`BAD_MAGIC`, ...), with `IO_ERROR` when the file cannot be opened, and with
 * `FILE_REMOVED` when it disappears before its header is complete. Closes the file it opens.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * const reader = await followTraceFile('live.moqtrace', { signal: controller.signal });
 * for await (const record of reader) if (record.kind === 'event') console.log(record.event.type);
 * console.log(reader.end?.state); // 'removed' | 'aborted' | 'idle'
 * ```
 */
export async function followTraceFile(path: string, options: FollowTraceOptions = {}): Promise<TraceReader> {
  if (options.waitForFile && !(await appeared(path, options))) {
    throw new MoqtraceError('TIMED_OUT', `${path} did not appear`);
  }
  let source: Awaited<ReturnType<typeof openFileSource>>;
  try {
    source = await openFileSource(path, { chunkSize: options.chunkSize ?? 256 * 1024 });
  } catch (cause) {
    throw new MoqtraceError('IO_ERROR', `opening ${path} failed`, { cause });
  }
  let live: LiveSource;
  try {
    live = await watchFileGrowth(path, {
      ...(options.idleTimeout === undefined ? {} : { idleTimeout: options.idleTimeout }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      maxPollInterval: options.maxPollInterval ?? 1024,
    });
  } catch (cause) {
    await source.close();
    throw new MoqtraceError('IO_ERROR', `watching ${path} failed`, { cause });
  }
  const watcher = live;
  const hooks: LiveSource = {
    async wait(position) {
      try {
        return await watcher.wait(position);
      } catch {
        return 'removed'; // the file cannot be looked at any more
      }
    },
    dataArrived: () => watcher.dataArrived(),
    close: () => watcher.close(),
  };
  return TraceReader.open(source, {
    ...options,
    owned: true,
    live: hooks,
    ...(options.from === 'end' ? { skipBefore: source.size } : {}),
  });
}
