/**
 * The pieces the `.moqtrace` and qlog adapters share around their readings: the `convert` source that queues
 * problems for NDJSON output, the no-op `validate` checker (their readers report every problem themselves).
 *
 * @module
 */
import type { Context, Problem } from '../../context.js';
import type { TraceInput } from '../../input/input.js';
import { ProblemQueue } from '../problem-queue.js';
import type { ConvertTarget, Reading, RecordChecker } from '../types.js';
import { convertEvents } from './convert.js';
import type { EventsRecord, SegmentRecord } from './records.js';

/** The event formats check nothing beyond what their readers report. */
export function noChecks(): RecordChecker<EventsRecord> {
  return { add: () => undefined };
}

/** Opens a read with `open` and converts it to `target`; problems are reported and queued for NDJSON output. */
export async function convertEventsInput(
  ctx: Context,
  input: TraceInput,
  target: ConvertTarget,
  open: (onProblem: (p: Problem) => void) => Promise<Reading<EventsRecord>>,
  headerRecord: (segment: SegmentRecord) => string,
): Promise<void> {
  const problems = new ProblemQueue();
  const reading = await open((p) => {
    ctx.problem(p, input.name);
    problems.push(p);
  });
  try {
    await convertEvents(ctx, { name: input.name, reading, problems, headerRecord }, target);
  } finally {
    await reading.close();
  }
}
