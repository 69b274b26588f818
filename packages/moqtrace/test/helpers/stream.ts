import { fromBytes } from '@x/binary';
import {
  openTraceReader,
  type TraceEnd,
  type TraceEvent,
  type TraceProblem,
  type TraceReaderOptions,
  type TraceSegmentInfo,
} from '../../src/index.js';
import { type ParserSink, TraceParser } from '../../src/reader/parser.js';

/** What a read collected: segments, events with offsets, problems and the end. */
export interface Collected {
  segments: TraceSegmentInfo[];
  events: TraceEvent[];
  offsets: number[];
  problems: TraceProblem[];
  end: TraceEnd;
}

/** Reads `bytes` with the public streaming reader over a source handing out `chunkSize`-byte chunks. */
export async function readStreamed(
  bytes: Uint8Array,
  chunkSize: number,
  options: TraceReaderOptions = {},
): Promise<Collected> {
  const problems: TraceProblem[] = [];
  const reader = await openTraceReader(fromBytes(bytes, { chunkSize }), {
    ...options,
    segments: true,
    maxProblems: 0,
    onProblem: (p) => problems.push(p),
  });
  const out: Collected = { segments: [], events: [], offsets: [], problems, end: undefined as never };
  for await (const record of reader) {
    if (record.kind === 'segment') {
      const { kind: _kind, ...info } = record;
      out.segments.push(info);
    } else {
      out.events.push(record.event);
      out.offsets.push(record.offset);
    }
  }
  out.end = reader.end as TraceEnd;
  return out;
}

/** A parser sink from partial callbacks. */
export function sink(parts: Partial<ParserSink>): ParserSink {
  return { segment: () => {}, event: () => {}, problem: () => {}, ...parts };
}

/** Runs the incremental parser over `bytes` pushed in `size`-byte pieces (synchronously). */
export function parseChunked(bytes: Uint8Array, sizes: number | number[]): Collected {
  const parser = new TraceParser();
  const out: Collected = { segments: [], events: [], offsets: [], problems: [], end: undefined as never };
  const s = sink({
    segment: (info) => out.segments.push(info),
    event: (event, offset) => {
      out.events.push(event);
      out.offsets.push(offset);
    },
    problem: (problem) => out.problems.push(problem),
  });
  const cuts = typeof sizes === 'number' ? [] : [...sizes].sort((a, b) => a - b);
  let at = 0;
  const ends = typeof sizes === 'number' ? [] : [...cuts, bytes.length];
  if (typeof sizes === 'number') for (let p = sizes; p < bytes.length; p += sizes) ends.push(p);
  if (typeof sizes === 'number') ends.push(bytes.length);
  for (const end of ends) {
    if (end <= at) continue;
    parser.push(bytes.subarray(at, end));
    parser.run(s);
    at = end;
  }
  parser.end();
  parser.run(s);
  out.end = parser.result as TraceEnd;
  return out;
}

export { TraceParser };
