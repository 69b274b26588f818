/**
 * `seek` on a `.ss` file: the first message of a stream at a sequence number or after a time, found through
 * the beacons (`seekBySeqNo` / `seekByTimestamp` of the reader), then the following messages of the stream.
 * When nothing matches, a stream that is not in the file is named as such, with the streams that are.
 *
 * @module
 */
import type { SeaStreamerMessage, SeekResult } from '@x/seastreamer-file';
import type { Context, Problem } from '../../context.js';
import { EXIT_DATA, EXIT_USAGE, XtraceError } from '../../errors.js';
import type { TraceInput } from '../../input/input.js';
import { openSsReader } from './read.js';
import { ssFilter } from './render.js';

/** What to seek. */
export interface SeekQuery {
  /** Stream key. */
  readonly stream: string;
  /** Shard id. */
  readonly shard: bigint;
  /** First message with a sequence number at least this. */
  readonly seq?: bigint;
  /** Epoch ms (first message strictly after it). */
  readonly time?: bigint;
  /** Messages of the stream to return from there. */
  readonly limit: number;
}

/** The seek's result: where the search went and the messages found. */
export interface SeekOutcome {
  /** How the search went (beacons read, messages scanned). */
  readonly search: SeekResult;
  /** The message found and the following ones of its stream. */
  readonly messages: SeaStreamerMessage[];
}

/** Explains an empty seek: the stream is not in the file (exit 2, with the streams that are), or no message matches (exit 1). */
async function explain(ctx: Context, input: TraceInput, query: SeekQuery, what: string): Promise<XtraceError> {
  const filter = ssFilter({ stream: query.stream, shard: String(query.shard), payload: 'none', bytes: 'hex' });
  const { reader, source } = await openSsReader(
    ctx,
    input,
    { verifyChecksums: false, lenientUtf8: true },
    undefined,
    true,
  );
  try {
    for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
      for (const m of batch) filter.matches(m);
    }
  } finally {
    await reader.close();
    await source?.close();
  }
  const missing = filter.finish();
  if (missing !== undefined)
    return new XtraceError('NO_SUCH_STREAM', missing, { file: input.name, exitCode: EXIT_USAGE });
  return new XtraceError('OUT_OF_RANGE', `no message of ${query.stream}/${query.shard} with ${what}`, {
    file: input.name,
    exitCode: EXIT_DATA,
  });
}

/** Seeks in a `.ss` input (a file, or stdin held in memory). */
export async function seekSs(
  ctx: Context,
  input: TraceInput,
  query: SeekQuery,
  onProblem: (problem: Problem) => void,
): Promise<SeekOutcome> {
  const { reader, source } = await openSsReader(
    ctx,
    input,
    {
      verifyRunningChecksums: false,
      onProblem: (p) => onProblem({ code: p.code, severity: p.severity, offset: p.offset, message: p.message }),
    },
    undefined,
    true,
  );
  let search: SeekResult;
  try {
    try {
      search =
        query.seq !== undefined
          ? await reader.seekBySeqNo(query.stream, query.shard, query.seq)
          : await reader.seekByTimestamp(query.stream, query.shard, query.time as bigint);
    } catch (error) {
      if ((error as { code?: string }).code !== 'OUT_OF_RANGE') throw error;
      throw await explain(
        ctx,
        input,
        query,
        query.seq !== undefined ? `seq >= ${query.seq}` : `timestamp > ${query.time} ms`,
      );
    }
    const messages: SeaStreamerMessage[] = [];
    collect: for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
      for (const m of batch) {
        if (m.kind !== 'message' || m.streamKey !== query.stream || m.shardId !== query.shard) continue;
        if (messages.length >= query.limit) break collect;
        messages.push(m);
      }
    }
    if (messages.length === 0) messages.push(search.message);
    return { search, messages };
  } finally {
    await reader.close();
    await source?.close();
  }
}
