/**
 * Following a growing file, as `tail -f` does (spec §8.5): file-change notifications (`fs.watch`) plus a
 * polling fallback backing off 1, 2, 4 … 1024 ms, no give-up timeout by default. Reading ends after the
 * end-of-stream message (`end.state === 'eos'`) or when the file is deleted, replaced or shrinks below
 * the read position (`'removed'`). A frame or beacon that is only partly written is re-read from its start
 * once more bytes arrive.
 *
 * @module
 */
import { type FileGrowth, type FileGrowthWatcher, openFileSource, watchFileGrowth } from '@x/binary/node';
import { SeaStreamerFileError } from '../errors.js';
import { fromBinaryError, type ReaderProblem } from '../parser.js';
import { type LiveHooks, type ReaderOptions, SeaStreamerReader } from '../reader.js';

/** Options of {@link follow}. */
export interface FollowOptions extends ReaderOptions {
  /** Start at the first message (`'start'`, default) or after the last complete one (`'end'`). */
  from?: 'start' | 'end';
  /** Fail with `TIMED_OUT` after this many ms without new bytes (default: wait forever). */
  idleTimeout?: number;
  /** Longest polling delay in ms (default 1024). */
  maxPollInterval?: number;
  /** Use `fs.watch` notifications besides polling (default true). */
  watch?: boolean;
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
  /** Wait (polling with the same back-off) for the file to be created instead of failing with `IO_ERROR`. */
  waitForFile?: boolean;
}

/**
 * Follows a file that a writer (possibly in another process) is appending to. Resolves once the header is
 * there; iterate the reader for messages as they arrive. `stopAtEos` defaults to true here.
 *
 * @example
 * ```ts
 * import { follow } from '@x/seastreamer-file/node';
 * const reader = await follow('live.ss');
 * for await (const message of reader) console.log(message.streamKey, message.seqNo);
 * console.log(reader.end?.state); // 'eos' or 'removed'
 * await reader.close();
 * ```
 */
export async function follow(path: string, options: FollowOptions = {}): Promise<SeaStreamerReader> {
  const maxDelay = options.maxPollInterval ?? 1024;
  let source: Awaited<ReturnType<typeof openFileSource>> | undefined;
  for (let delay = 1, waited = 0; source === undefined; delay = Math.min(delay * 2, maxDelay)) {
    try {
      source = await openFileSource(path, { chunkSize: options.chunkSize ?? 1 << 20 });
    } catch (error) {
      const missing = (error as { cause?: { code?: string } }).cause?.code === 'ENOENT';
      if (!(options.waitForFile && missing)) throw fromBinaryError(error);
      if (options.idleTimeout !== undefined && waited >= options.idleTimeout) {
        throw new SeaStreamerFileError('TIMED_OUT', `${path} was not created within ${options.idleTimeout} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      waited += delay;
    }
  }
  const idleTimeout = options.idleTimeout;
  const early: ReaderProblem[] = [];
  let reader: SeaStreamerReader | undefined;
  const report = (problem: ReaderProblem) => {
    if (reader) reader.reportProblem(problem);
    else early.push(problem);
  };
  let growth: FileGrowthWatcher;
  try {
    growth = await watchFileGrowth(path, {
      ...(idleTimeout === undefined ? {} : { idleTimeout }),
      maxPollInterval: maxDelay,
      watch: options.watch ?? true,
      onWatchError: (error) =>
        report({
          code: 'WATCH_ERROR',
          severity: 'warning',
          offset: undefined,
          description: `file-change notifications unavailable, polling instead: ${String(error)}`,
        }),
    });
  } catch (error) {
    await source.close();
    throw fromBinaryError(error);
  }
  let closed = false;
  const hooks: LiveHooks = {
    async wait() {
      if (closed) throw new SeaStreamerFileError('STREAM_ENDED', 'the follower was closed');
      let state: FileGrowth;
      try {
        state = await growth.wait(source.position);
      } catch (error) {
        throw fromBinaryError(error);
      }
      if (state === 'idle') throw new SeaStreamerFileError('TIMED_OUT', `no new data in ${path} for ${idleTimeout} ms`);
      if (state === 'aborted') throw new SeaStreamerFileError('STREAM_ENDED', 'the follower was closed');
      return state;
    },
    dataArrived() {
      growth.dataArrived();
    },
    close() {
      closed = true;
      growth.close();
    },
  };
  try {
    reader = await SeaStreamerReader.open(source, { stopAtEos: true, ...options, live: hooks });
  } catch (error) {
    hooks.close?.();
    await source.close();
    throw error;
  }
  for (const problem of early) reader.reportProblem(problem);
  if (options.from === 'end') {
    for (;;) {
      try {
        await reader.rewindToEnd();
        break;
      } catch (error) {
        if (!(SeaStreamerFileError.is(error) && error.code === 'TRUNCATED')) {
          await reader.close();
          throw error;
        }
        if ((await hooks.wait()) === 'removed') {
          await reader.close();
          throw new SeaStreamerFileError('FILE_REMOVED', `${path} was removed`);
        }
      }
    }
  }
  return reader;
}
