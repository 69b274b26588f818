/**
 * NDJSON records of a trace (`.moqtrace` or qlog records of `xtrace cat`/`convert`) back into a trace,
 * streaming: each line is checked by `importNdjsonRecords` of `@x/moqtrace/ndjson` (with its segment's header
 * record), so the library's rules apply line by line and memory stays one line. Strict by default
 * (`INVALID_NDJSON at line N`, exit 1); `--skip-invalid-lines` reports each bad line and goes on. A payload
 * rendered as text or base64 by `cat --payload` (with `payloadEncoding`) is turned back into bytes first.
 *
 * @module
 */
import { jsonNestingDepth, readLines, type TextLine } from '@x/binary';
import { importNdjsonRecords, type SkippedRecord } from '@x/moqtrace/ndjson';
import { fromBase64 } from '@x/seastreamer-file/ndjson';
import type { Context, Problem } from '../../context.js';
import { EXIT_DATA, usage, XtraceError } from '../../errors.js';
import type { Input } from '../../input/input.js';
import { convertEvents } from '../events/convert.js';
import type { EventsRecord } from '../events/records.js';
import { ProblemQueue } from '../problem-queue.js';
import { limitOutcome, ProblemCount } from '../reading.js';
import type { ConvertTarget, Reading } from '../types.js';

const MAX_DEPTH = 500;

/** Reads a payload given as text or base64 back into the canonical hex. */
function canonicalPayload(record: Record<string, unknown>): void {
  if (!('payloadEncoding' in record)) return;
  const encoding = record.payloadEncoding;
  const payload = record.payload;
  delete record.payloadEncoding;
  if (typeof payload !== 'string') throw new Error('payloadEncoding without a text payload');
  let bytes: Uint8Array | undefined;
  if (encoding === 'utf8') bytes = new TextEncoder().encode(payload);
  else if (encoding === 'base64') bytes = fromBase64(payload);
  else if (encoding === 'hex') return;
  else throw new Error(`unknown payloadEncoding ${JSON.stringify(encoding)} (utf8, hex or base64)`);
  if (bytes === undefined) throw new Error('payload is not valid base64');
  record.payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function reasonOf(error: unknown): string {
  const details = (error as { details?: SkippedRecord }).details;
  if (details?.reason !== undefined) return details.reason;
  return error instanceof Error ? error.message : String(error);
}

/** A reading over NDJSON lines giving the trace's segments and events. */
function ndjsonReading(
  ctx: Context,
  input: Input,
  lines: AsyncGenerator<TextLine>,
  skip: boolean,
): Reading<EventsRecord> {
  const count = new ProblemCount();
  let header: Record<string, unknown> | undefined;
  let segment = -1;
  let events = 0;
  let position = 0;
  let done = false;
  // a bad line ends the import after the records before it were handed out (--keep-partial keeps them)
  let failure: XtraceError | undefined;
  const parse = (line: TextLine): EventsRecord | undefined => {
    if (jsonNestingDepth(line.text, MAX_DEPTH) < 0) throw new Error(`JSON nested deeper than ${MAX_DEPTH} levels`);
    let record: unknown;
    try {
      record = JSON.parse(line.text);
    } catch (error) {
      throw new Error(`not JSON: ${(error as Error).message}`);
    }
    const r = record as Record<string, unknown>;
    if (r !== null && typeof r === 'object' && r.kind === 'event') canonicalPayload(r);
    if (r !== null && typeof r === 'object' && r.kind === 'event' && header !== undefined) {
      const imported = importNdjsonRecords([header, r]).segments[0];
      const event = imported?.events[0];
      if (event === undefined) throw new Error('no event in the record');
      events++;
      return { kind: 'event', offset: line.offset, segment, event };
    }
    const imported = importNdjsonRecords([r]).segments[0];
    if (imported === undefined) return undefined; // an error or end record: no content
    header = r;
    segment++;
    return { kind: 'segment', offset: line.offset, index: segment, header: imported.header };
  };
  return {
    async nextBatch() {
      if (failure !== undefined) throw failure;
      if (done) return null;
      const batch: EventsRecord[] = [];
      while (batch.length < 256 && failure === undefined) {
        let next: IteratorResult<TextLine>;
        try {
          next = await lines.next();
        } catch (error) {
          const offset = (error as { offset?: number }).offset;
          throw new XtraceError('INVALID_NDJSON', (error as Error).message, {
            file: input.name,
            ...(offset === undefined ? {} : { offset }),
            exitCode: EXIT_DATA,
          });
        }
        if (next.done) {
          done = true;
          break;
        }
        const line = next.value;
        position = line.offset + line.text.length;
        if (line.text.trim() === '') continue;
        try {
          const record = parse(line);
          if (record !== undefined) batch.push(record);
        } catch (error) {
          const problem: Problem = {
            code: 'INVALID_NDJSON',
            severity: 'error',
            line: line.line,
            message: `${reasonOf(error)} (byte ${line.offset})`,
          };
          if (!skip) {
            failure = new XtraceError(problem.code, problem.message, {
              file: input.name,
              line: line.line,
              exitCode: EXIT_DATA,
            });
            if (batch.length === 0) throw failure;
            break;
          }
          count.add(problem);
          ctx.problem(problem, input.name);
        }
      }
      return batch.length === 0 && done ? null : batch;
    },
    get position() {
      return position;
    },
    outcome: () => ({
      state: 'eof',
      offset: position,
      trailingBytes: 0,
      errors: count.errors,
      warnings: 0,
      complete: count.errors === 0,
      counts: { segments: segment + 1, events },
    }),
    stop: async () => limitOutcome(position, undefined, count, { segments: segment + 1, events }),
    close: async () => {
      await lines.return(undefined);
    },
  };
}

/** Converts NDJSON trace records to `.moqtrace` or qlog. */
export async function importEventsNdjson(
  ctx: Context,
  input: Input,
  target: ConvertTarget,
  headerRecord: (segment: Extract<EventsRecord, { kind: 'segment' }>) => string,
): Promise<void> {
  if (target.format !== 'moqtrace' && target.format !== 'qlog') {
    throw usage(`trace records convert to moqtrace or qlog, not ${target.format}`);
  }
  const source = await input.source();
  const reading = ndjsonReading(ctx, input, readLines(source), target.skipInvalidLines === true);
  try {
    await convertEvents(ctx, { name: input.name, reading, problems: new ProblemQueue(), headerRecord }, target);
  } finally {
    await reading.close();
    await source.close();
  }
}
