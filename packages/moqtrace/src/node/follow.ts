/**
 * Following a growing `.moqtrace` file, as `tail -f` does (like `@x/seastreamer-file/node`'s `follow`):
 * file-change notifications (`fs.watch`) plus polling that backs off 1, 2, 4 … 1024 ms, no timeout by default.
 * An item only partly written when it is read is completed once more bytes arrive (the incremental parser keeps
 * its bytes). Reading ends when the file is deleted, replaced or shrinks below the read position (`removed`),
 * when `signal` aborts or after `idleTimeout` ms without new bytes (then the bytes read so far end like a
 * finished file: `eof`, or `truncated` inside an item).
 *
 * @module
 */
import { type FileGrowth, type FileGrowthWatcher, openFileSource, watchFileGrowth } from '@x/binary/node';
import { MoqtraceError } from '../errors.js';
import type { TraceEvent } from '../events.js';
import { type ReadOptions, type TraceEnd, TraceParser, type TraceProblem, type TraceVisitor } from '../reader.js';
import type { SegmentInfoRecord } from '../segments.js';

/** Options of {@link followTrace}. */
export interface FollowTraceOptions extends ReadOptions {
  /** End after this many ms without new bytes (default: wait forever). */
  idleTimeout?: number;
  /** Stop following when this signal aborts (Ctrl-C). */
  signal?: AbortSignal;
  /** Longest polling delay in ms (default 1024). */
  maxPollInterval?: number;
  /** Use `fs.watch` notifications besides polling (default true). */
  watch?: boolean;
  /** Bytes per read (default 256 KiB). */
  chunkSize?: number;
  /**
   * Called after each chunk was parsed, with the file position; awaited (backpressure: flush output here).
   * Return `true` to stop following (the end is then that of the bytes read so far).
   */
  afterChunk?(position: number): boolean | undefined | Promise<boolean | undefined>;
}

/** How following ended: a reader end, or `removed` (the file was deleted, replaced or shrank). */
export interface FollowEnd extends Omit<TraceEnd, 'reason'> {
  /** `eof`/`truncated` as for a finished file (after `signal`, `idleTimeout` or `afterChunk` stopped it), or `removed`. */
  reason: TraceEnd['reason'] | 'removed';
  /** What stopped following. */
  stoppedBy: 'removed' | 'signal' | 'idle' | 'caller';
}

/**
 * Follows a `.moqtrace` file that a writer (possibly another process) is appending to, calling the visitor for
 * segments, events and problems as they arrive. Rejects when there is no usable first
 * segment (as `streamTrace` does), and with `IO_ERROR` when the file cannot be opened. Closes the file it opens.
 *
 * @example
 * ```ts
 * import { followTrace } from '@x/moqtrace/node';
 * const controller = new AbortController();
 * process.once('SIGINT', () => controller.abort());
 * const end = await followTrace('live.moqtrace', { event: (e) => console.log(e.type) }, { signal: controller.signal });
 * console.log(end.reason); // 'eof' | 'truncated' | 'removed'
 * ```
 */
export async function followTrace(
  path: string,
  visitor: TraceVisitor,
  options: FollowTraceOptions = {},
): Promise<FollowEnd> {
  const maxDelay = options.maxPollInterval ?? 1024;
  const idleTimeout = options.idleTimeout;
  const signal = options.signal;
  let source: Awaited<ReturnType<typeof openFileSource>>;
  try {
    source = await openFileSource(path, { chunkSize: options.chunkSize ?? 256 * 1024 });
  } catch (cause) {
    throw new MoqtraceError('IO_ERROR', `opening ${path} failed`, { cause });
  }
  let growth: FileGrowthWatcher;
  try {
    growth = await watchFileGrowth(path, {
      ...(idleTimeout === undefined ? {} : { idleTimeout }),
      ...(signal === undefined ? {} : { signal }),
      maxPollInterval: maxDelay,
      watch: options.watch ?? true,
    });
  } catch (cause) {
    await source.close();
    throw new MoqtraceError('IO_ERROR', `opening ${path} failed`, { cause });
  }
  try {
    // counts for a `removed` end, which the parser does not produce
    let segments = 0;
    let events = 0;
    const counting: TraceVisitor = {
      segment(segment: SegmentInfoRecord) {
        segments++;
        visitor.segment?.(segment);
      },
      event(event: TraceEvent, offset: number, segment: number) {
        events++;
        visitor.event?.(event, offset, segment);
      },
      problem(problem: TraceProblem) {
        visitor.problem?.(problem);
      },
    };
    const parser = new TraceParser(options);
    const finish = (stoppedBy: FollowEnd['stoppedBy']): FollowEnd => {
      parser.end();
      parser.run(counting);
      return { ...(parser.result as TraceEnd), stoppedBy };
    };
    for (;;) {
      if (parser.run(counting) === 'done') return { ...(parser.result as TraceEnd), stoppedBy: 'caller' };
      if (options.afterChunk && (await options.afterChunk(source.position))) return finish('caller');
      const chunk = await source.read();
      if (chunk !== null) {
        parser.push(chunk);
        growth.dataArrived();
        continue;
      }
      // at the current end of the file: wait for growth, removal, the signal or the idle timeout
      let state: FileGrowth;
      try {
        state = await growth.wait(source.position);
      } catch {
        state = 'removed'; // the file cannot be looked at any more
      }
      if (state === 'removed') {
        return { reason: 'removed', offset: parser.offset, segments, events, complete: false, stoppedBy: 'removed' };
      }
      if (state === 'idle') return finish('idle');
      if (state === 'aborted') return finish('signal');
    }
  } finally {
    growth.close();
    await source.close();
  }
}
