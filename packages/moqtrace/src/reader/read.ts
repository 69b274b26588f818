/**
 * Reading a whole trace held in memory ({@link readTrace}), and the problem bookkeeping every reader shares
 * (capped list, callback, strict mode).
 *
 * @module
 */
import { MoqtraceError, type MoqtraceErrorCode } from '../errors.js';
import type { TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { type ParserSink, TraceParser } from './parser.js';
import type { TraceEnd, TraceProblem, TraceReadOptions, TraceSegment, TraceSegmentInfo } from './types.js';

/** The result of a whole-buffer read (spec §8.7): the contents shape shared by the toolkit's readers. */
export interface TraceContents {
  /** The first segment's header. */
  readonly header: TraceHeader;
  /** Segments in file order, each with its events. */
  readonly segments: TraceSegment[];
  /** Flattened view: events of all segments concatenated (so `seq` restarts per segment). */
  readonly events: TraceEvent[];
  /** Problems in input order (at most `maxProblems`). */
  readonly problems: TraceProblem[];
  /** How the read ended (`end.complete` is false after any error problem or a truncation). */
  readonly end: TraceEnd;
}

const DEFAULT_MAX_PROBLEMS = 1000;

/** Checks the reading options shared by every API. */
export function checkReadOptions(options: TraceReadOptions): void {
  const positive = (key: string, value: unknown, zero: boolean) => {
    if (value === undefined) return;
    if (!(typeof value === 'number' && Number.isInteger(value) && (zero ? value >= 0 : value > 0))) {
      throw new MoqtraceError('INVALID_ARGUMENT', `${key}: must be a ${zero ? 'non-negative' : 'positive'} integer`, {
        key,
      });
    }
  };
  if (typeof options !== 'object' || options === null) {
    throw new MoqtraceError('INVALID_ARGUMENT', 'options: must be an object', { key: 'options' });
  }
  positive('maxProblems', options.maxProblems, true);
  positive('limit', options.limit, true);
  positive('maxItemBytes', options.maxItemBytes, false);
  if (options.onProblem !== undefined && typeof options.onProblem !== 'function') {
    throw new MoqtraceError('INVALID_ARGUMENT', 'onProblem: must be a function', { key: 'onProblem' });
  }
}

/** Problems kept (up to `maxProblems`), reported (`onProblem`) and, in strict mode, thrown. */
export class ProblemLog {
  readonly list: TraceProblem[] = [];
  private readonly max: number;
  private readonly onProblem: ((problem: TraceProblem) => void) | undefined;
  private readonly strict: boolean;

  constructor(options: TraceReadOptions) {
    this.max = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
    this.onProblem = options.onProblem;
    this.strict = options.strict === true;
  }

  /** True when `problem` ends a strict read. */
  fails(problem: TraceProblem): boolean {
    return this.strict && problem.severity === 'error';
  }

  /** Records a problem; returns the error to throw in strict mode, if any. */
  add(problem: TraceProblem): MoqtraceError | undefined {
    if (this.list.length < this.max) this.list.push(problem);
    this.onProblem?.(problem);
    if (this.strict && problem.severity === 'error') {
      return new MoqtraceError(problem.code as MoqtraceErrorCode, problem.message, {
        offset: problem.offset,
        ...(problem.key === undefined ? {} : { key: problem.key }),
      });
    }
    return undefined;
  }
}

/** Parser sink building {@link TraceContents}. */
class Collector implements ParserSink {
  readonly segments: TraceSegment[] = [];
  private current: TraceSegment | undefined;
  constructor(readonly log: ProblemLog) {}
  segment(info: TraceSegmentInfo): void {
    this.current = { ...info, events: [], eventOffsets: [] };
    this.segments.push(this.current);
  }
  event(event: TraceEvent, offset: number): void {
    const current = this.current as TraceSegment;
    current.events.push(event);
    current.eventOffsets.push(offset);
  }
  problem(problem: TraceProblem): void {
    const error = this.log.add(problem);
    if (error !== undefined) {
      throw new MoqtraceError(error.code, error.message, {
        offset: problem.offset,
        ...(problem.key === undefined ? {} : { key: problem.key }),
        details: this.contents(undefined),
      });
    }
  }
  contents(end: TraceEnd | undefined): TraceContents {
    const segments = this.segments;
    let events: TraceEvent[];
    if (segments.length === 1) events = (segments[0] as TraceSegment).events;
    else {
      events = [];
      for (const segment of segments) for (const event of segment.events) events.push(event);
    }
    return {
      header: (segments[0] as TraceSegment).header,
      segments,
      events,
      problems: this.log.list,
      end: end as TraceEnd,
    };
  }
}

/**
 * Reads a whole trace held in memory. Typed byte fields are views into `bytes` unless `copyBytes` is set. Damaged
 * data gives problems and an end state (`truncated`, …); only an input without a usable first segment throws
 * {@link MoqtraceError} (`BAD_MAGIC`, `UNSUPPORTED_VERSION`, `TRUNCATED`, `MALFORMED_HEADER`), and `strict`
 * throws the first error problem (with the contents read so far in `details`).
 *
 * @example
 * ```ts
 * const trace = readTrace(bytes);
 * for (const event of trace.events) console.log(event.type, event.seq);
 * if (!trace.end.complete) console.warn(trace.problems);
 * ```
 */
export function readTrace(bytes: Uint8Array, options: TraceReadOptions = {}): TraceContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new MoqtraceError('INVALID_ARGUMENT', 'bytes: must be a Uint8Array', { key: 'bytes' });
  }
  checkReadOptions(options);
  const parser = new TraceParser(options);
  const collector = new Collector(new ProblemLog(options));
  parser.push(bytes);
  parser.end();
  parser.run(collector);
  return collector.contents(parser.result);
}
