/**
 * Waiting for a file to grow, as `tail -f` does: file-change notifications (`fs.watch`) plus polling that backs
 * off 1, 2, 4 … `maxPollInterval` ms (notifications can be missed), no give-up timeout unless asked. The shared
 * mechanism under the followers of `@x/seastreamer-file/node` and `@x/moqtrace/node`.
 *
 * @module
 */
import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { BinaryError } from '../index.js';

/**
 * What {@link FileGrowthWatcher.wait} saw:
 * - `more`: the file holds bytes beyond the given position;
 * - `removed`: the file was deleted, replaced by another file, or shrank below the position;
 * - `idle`: no data arrived for `idleTimeout` ms;
 * - `aborted`: the `signal` aborted.
 */
export type FileGrowth = 'more' | 'removed' | 'idle' | 'aborted';

/** Options of {@link watchFileGrowth}. */
export interface FileGrowthOptions {
  /** Report `idle` after this many ms without {@link FileGrowthWatcher.dataArrived} (default: wait forever). */
  idleTimeout?: number;
  /** Longest polling delay in ms (default 1024). */
  maxPollInterval?: number;
  /** Use `fs.watch` notifications besides polling (default true). */
  watch?: boolean;
  /** Stops a pending wait with `aborted`. */
  signal?: AbortSignal;
  /** Called when notifications are unavailable or fail; polling goes on regardless. */
  onWatchError?(error: unknown): void;
}

/** A watcher made by {@link watchFileGrowth}. */
export interface FileGrowthWatcher {
  /**
   * Resolves once the file holds bytes beyond `position` (`more`), is gone or shorter (`removed`), stayed
   * quiet for `idleTimeout` ms (`idle`) or the signal aborted (`aborted`). Stat failures other than a missing
   * file reject with an `IO_ERROR` {@link BinaryError}.
   */
  wait(position: number): Promise<FileGrowth>;
  /** Tells the watcher that bytes were read: resets the polling back-off and the idle clock. */
  dataArrived(): void;
  /** Stops notifications and wakes a pending wait (which then resolves `aborted`). Safe to call twice. */
  close(): void;
}

/**
 * Starts watching `path` (which must exist: its inode is remembered so that a replaced file counts as removed).
 *
 * @example
 * ```ts
 * import { openFileSource, watchFileGrowth } from '@x/binary/node';
 * const source = await openFileSource('live.log');
 * const growth = await watchFileGrowth('live.log');
 * for (;;) {
 *   const chunk = await source.read();
 *   if (chunk) { growth.dataArrived(); consume(chunk); continue; }
 *   if ((await growth.wait(source.position)) !== 'more') break;
 * }
 * growth.close();
 * ```
 */
export async function watchFileGrowth(path: string, options: FileGrowthOptions = {}): Promise<FileGrowthWatcher> {
  const maxDelay = options.maxPollInterval ?? 1024;
  const { idleTimeout, signal } = options;
  let ino: number;
  try {
    ino = (await stat(path)).ino;
  } catch (cause) {
    throw new BinaryError('IO_ERROR', `cannot stat ${path}: ${String((cause as Error)?.message ?? cause)}`, { cause });
  }
  let watcher: FSWatcher | undefined;
  let wake: (() => void) | undefined;
  let changed = false;
  let closed = false;
  let delay = 1;
  let lastData = Date.now();
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  if (options.watch ?? true) {
    try {
      watcher = watch(path, { persistent: false }, () => {
        changed = true;
        wake?.();
      });
      watcher.on('error', (error) => {
        options.onWatchError?.(error);
        watcher?.close();
        watcher = undefined;
      });
    } catch (error) {
      options.onWatchError?.(error);
    }
  }

  const currentSize = async (): Promise<number> => {
    try {
      const st = await stat(path);
      return st.ino === ino ? st.size : -1;
    } catch (cause) {
      const code = (cause as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return -1;
      throw new BinaryError('IO_ERROR', `cannot stat ${path}: ${String((cause as Error)?.message ?? cause)}`, {
        cause,
      });
    }
  };

  return {
    async wait(position: number): Promise<FileGrowth> {
      for (;;) {
        if (closed || signal?.aborted) return 'aborted';
        const size = await currentSize();
        if (size < position) return 'removed';
        if (size > position) return 'more';
        if (idleTimeout !== undefined && Date.now() - lastData >= idleTimeout) return 'idle';
        if (!changed) {
          let pause = delay;
          if (idleTimeout !== undefined) pause = Math.max(1, Math.min(pause, lastData + idleTimeout - Date.now()));
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, pause);
            function done() {
              clearTimeout(timer);
              wake = undefined;
              resolve();
            }
            wake = done;
          });
          delay = Math.min(delay * 2, maxDelay);
        }
        changed = false;
      }
    },
    dataArrived(): void {
      delay = 1;
      lastData = Date.now();
    },
    close(): void {
      if (closed) return;
      closed = true;
      signal?.removeEventListener('abort', onAbort);
      watcher?.close();
      watcher = undefined;
      wake?.();
    },
  };
}
