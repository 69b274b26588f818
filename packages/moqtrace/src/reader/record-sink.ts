/**
 * The parser sink of the streaming reader: records in file order, ready to be handed out in batches.
 *
 * @internal
 * @module
 */
import type { TraceEvent } from '../schemas/events.js';
import type { ParserSink } from './parser.js';
import type { TraceProblem, TraceRecord, TraceSegmentInfo } from './types.js';

/**
 * Collects the records of a {@link TraceParser} run for a `TraceReader`. A class (not an object of closures made
 * per reader): the parser calls the same methods for every reader, so its calls stay monomorphic and inlined.
 */
export class RecordSink implements ParserSink {
  /** Records decoded and not handed out yet (the reader hands out `batch[batchHead ..]`). */
  batch: TraceRecord[] = [];
  /** Records batched since the reader opened (absolute). */
  pushed = 0;
  /** Segments found so far. */
  readonly segments: TraceSegmentInfo[];

  constructor(
    first: TraceSegmentInfo,
    private readonly wantSegments: boolean,
    /** Events before this offset are read but not batched (a follower starting at the end). */
    private readonly skipBefore: number,
    /** Takes a problem found after `at` records were batched (in all). */
    private readonly onProblem: (problem: TraceProblem, at: number) => void,
    /** True when enough problems wait to be reported (the parser pauses). */
    private readonly isFull: () => boolean,
  ) {
    this.segments = [first];
    if (wantSegments) this.push({ kind: 'segment', ...first });
  }

  /** Appends a record. */
  push(record: TraceRecord): void {
    this.batch.push(record);
    this.pushed++;
  }

  segment(segment: TraceSegmentInfo): void {
    this.segments.push(segment);
    if (this.wantSegments) this.push({ kind: 'segment', ...segment });
  }

  event(event: TraceEvent, offset: number, segment: number): void {
    if (offset < this.skipBefore) return;
    this.push({ kind: 'event', offset, segment, event });
  }

  problem(problem: TraceProblem): void {
    this.onProblem(problem, this.pushed);
  }

  full(): boolean {
    return this.isFull();
  }
}
