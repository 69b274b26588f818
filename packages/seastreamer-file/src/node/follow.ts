/**
 * Following a growing file, as `tail -f` does (spec §8.5), on `watchFileGrowth` of `@x/binary/node`:
 * file-change notifications plus a polling fallback backing off 1, 2, 4 … 1024 ms, no give-up timeout by
 * default. Reading ends after the end-of-stream message (`eos`), when the file is deleted, replaced or shrinks
 * below the read position (`removed`), when the signal aborts or the reader is closed (`aborted`), or after
 * `idleTimeout` ms without new bytes (`idle`). A frame or beacon that is only partly written is re-read from
 * its start once more bytes arrive.
 *
 * @module
 */
import { type FileGrowthWatcher, openFileSource, watchFileGrowth } from '@x/binary/node';
import { fromBinaryError, SeaStreamerFileError } from '../errors.js';
import type { LiveHooks } from '../input.js';
import { openReader, READ_CHUNK_SIZE } from '../open.js';
import type { SeaStreamerProblem } from '../problems.js';
import type { SeaStreamerReader, SeaStreamerReaderOptions } from '../reader.js';

/** Options of {@link followSeaStreamerFile}. */
export interface FollowOptions extends SeaStreamerReaderOptions {
  /** Start at the first message (`'start'`, default) or after the last complete one (`'end'`). */
  from?: 'start' | 'end';
  /** Stops reading: the end state becomes `aborted` (a pending read resolves, it does not throw). */
  signal?: AbortSignal;
  /** End reading with the state `idle` after this many ms without new bytes (default: wait forever). */
  idleTimeout?: number;
  /** Longest polling delay in ms (default 1024). */
  maxPollInterval?: number;
  /** Use `fs.watch` notifications besides polling (default true). */
  watch?: boolean;
  /** Bytes per read (default 512 KiB). */
  chunkSize?: number;
  /**
   * Wait (polling with the same back-off) for the file to be created instead of failing with `IO_ERROR`; with
   * `idleTimeout`, a file still missing after that long fails with `TIMED_OUT`.
   */
  waitForFile?: boolean;
}

function checkTimeout(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value >= 0 && !Number.isNaN(value)) return value;
  throw new SeaStreamerFileError(
    'INVALID_ARGUMENT',
    `${name} must be a non-negative number of ms, got ${String(value)}`,
  );
}

async function openWhenCreated(path: string, options: FollowOptions, maxDelay: number) {
  for (let delay = 1, waited = 0; ; delay = Math.min(delay * 2, maxDelay)) {
    try {
      return await openFileSource(path, { chunkSize: options.chunkSize ?? READ_CHUNK_SIZE });
    } catch (error) {
      const missing = (error as { cause?: { code?: string } }).cause?.code === 'ENOENT';
      if (!(options.waitForFile && missing)) throw fromBinaryError(error);
      if (options.signal?.aborted) throw new SeaStreamerFileError('CLOSED', `following ${path} was aborted`);
      if (options.idleTimeout !== undefined && waited >= options.idleTimeout) {
        throw new SeaStreamerFileError('TIMED_OUT', `${path} was not created within ${options.idleTimeout} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      waited += delay;
    }
  }
}

/**
 * Follows a file that a writer (possibly in another process) is appending to. Resolves once the header is
 * there; iterate the reader for messages as they arrive. `stopAtEos` defaults to true here. The reader owns
 * the file: `close()` releases it (and ends a pending read with the state `aborted`).
 *
 * @example
 * ```ts
 * import { followSeaStreamerFile } from '@x/seastreamer-file/node';
 * const reader = await followSeaStreamerFile('live.ss', { signal: AbortSignal.timeout(60_000) });
 * for await (const m of reader) if (m.kind === 'message') console.log(m.streamKey, m.seqNo);
 * console.log(reader.end?.state); // 'eos', 'removed', 'aborted' or 'idle'
 * await reader.close();
 * ```
 */
export async function followSeaStreamerFile(path: string, options: FollowOptions = {}): Promise<SeaStreamerReader> {
  const idleTimeout = checkTimeout(options.idleTimeout, 'idleTimeout');
  const maxDelay = checkTimeout(options.maxPollInterval, 'maxPollInterval') ?? 1024;
  const source = await openWhenCreated(path, options, maxDelay);
  const early: SeaStreamerProblem[] = [];
  let reader: SeaStreamerReader | undefined;
  let growth: FileGrowthWatcher;
  try {
    growth = await watchFileGrowth(path, {
      ...(idleTimeout === undefined ? {} : { idleTimeout }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      maxPollInterval: maxDelay,
      watch: options.watch ?? true,
      onWatchError: (error) => {
        const problem: SeaStreamerProblem = {
          code: 'WATCH_ERROR',
          severity: 'warning',
          offset: undefined,
          message: `file-change notifications unavailable, polling instead: ${String(error)}`,
        };
        if (reader) reader.report(problem);
        else early.push(problem);
      },
    });
  } catch (error) {
    await source.close();
    throw fromBinaryError(error);
  }
  const hooks: LiveHooks = {
    async wait() {
      try {
        return await growth.wait(source.position);
      } catch (error) {
        throw fromBinaryError(error);
      }
    },
    dataArrived() {
      growth.dataArrived();
    },
    close() {
      growth.close();
    },
  };
  const opened = await openReader(source, true, { stopAtEos: true, ...options }, hooks);
  reader = opened;
  for (const problem of early) opened.report(problem);
  if (options.from === 'end') {
    for (;;) {
      try {
        await opened.rewindToEnd();
        break;
      } catch (error) {
        if (!(SeaStreamerFileError.is(error) && error.code === 'TRUNCATED')) {
          await opened.close();
          throw error;
        }
        const state = await hooks.wait();
        if (state !== 'more') {
          await opened.close();
          throw state === 'removed'
            ? new SeaStreamerFileError('FILE_REMOVED', `${path} was removed`)
            : new SeaStreamerFileError(
                state === 'idle' ? 'TIMED_OUT' : 'CLOSED',
                `following ${path} stopped (${state})`,
              );
        }
      }
    }
  }
  return opened;
}
