/**
 * Reading `.moqtrace` inputs for the CLI: a batch loop over the library's streaming reader (`openTraceReader`)
 * that lets the caller flush output between batches (backpressure) and stop early (`--limit`); `--follow` is the
 * library's `followTraceFile` (`@x/moqtrace/node`), stopped by Ctrl-C (the run's abort signal) or when the file
 * is removed.
 *
 * @module
 */
import {
  openTraceReader,
  type TraceEnd,
  type TraceEvent,
  type TraceProblem,
  type TraceReader,
  type TraceSegmentInfo,
} from '@x/moqtrace';
import { followTraceFile } from '@x/moqtrace/node';
import type { Input } from './input.js';
import { ioError } from './input.js';
import type { Context } from './io.js';
import { withSource } from './ss-source.js';

/** What {@link parseMoqtrace} reports, in file order (problems in order with the records). */
export interface TraceVisitor {
  /** A segment starts (its preamble and header were read). */
  segment(segment: TraceSegmentInfo): void;
  /** An event at `offset` of segment `segment`. */
  event(event: TraceEvent, offset: number, segment: number): void;
  /** A problem. */
  problem(problem: TraceProblem): void;
}

/** Options of {@link parseMoqtrace}. */
export interface ParseLoopOptions {
  /** Keep waiting for appended bytes until Ctrl-C or removal. */
  follow?: boolean;
  /** Called after every batch of records (flush output, update progress); return true to stop reading. */
  afterChunk?: (position: number) => Promise<boolean> | boolean;
}

/** Result of {@link parseMoqtrace}. */
export interface ParseLoopResult {
  /** The reader's end (state `limit` when the caller stopped, `removed` when the followed file went away). */
  end: TraceEnd;
  /** How reading stopped. */
  stoppedBy: 'end' | 'caller' | 'interrupt' | 'removed';
  /** Offset of the next unread byte. */
  offset: number;
}

/** Reads every record of `reader` into `visitor`, calling `afterChunk` between batches. */
async function drain(reader: TraceReader, visitor: TraceVisitor, options: ParseLoopOptions): Promise<boolean> {
  for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
    for (const record of batch) {
      if (record.kind === 'event') visitor.event(record.event, record.offset, record.segment);
      else visitor.segment(record);
    }
    if (options.afterChunk && (await options.afterChunk(reader.position))) return true;
  }
  return false;
}

/** Parses a `.moqtrace` input, calling `visitor` for segments, events and problems. */
export async function parseMoqtrace(
  ctx: Context,
  input: Input,
  visitor: TraceVisitor,
  options: ParseLoopOptions = {},
): Promise<ParseLoopResult> {
  const readerOptions = { segments: true, maxProblems: 0, onProblem: (p: TraceProblem) => visitor.problem(p) };
  if (options.follow && input.path) {
    let reader: TraceReader;
    try {
      reader = await followTraceFile(input.path, {
        ...readerOptions,
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
      });
    } catch (error) {
      throw (error as { code?: string }).code === 'IO_ERROR' ? ioError((error as Error).cause, input.name) : error;
    }
    let stopped = false;
    try {
      stopped = await drain(reader, visitor, options);
    } finally {
      await reader.close();
    }
    const end = reader.end as TraceEnd;
    if (end.state === 'removed') return { end, stoppedBy: 'removed', offset: end.offset };
    if (stopped) return { end, stoppedBy: 'caller', offset: end.offset };
    return { end, stoppedBy: end.state === 'aborted' ? 'interrupt' : 'end', offset: end.offset };
  }
  return withSource(input, async (source) => {
    const reader = await openTraceReader(source, readerOptions);
    let stopped = false;
    try {
      stopped = await drain(reader, visitor, options);
    } finally {
      await reader.close();
    }
    const end = reader.end as TraceEnd;
    return { end, stoppedBy: stopped ? 'caller' : 'end', offset: end.offset };
  });
}
