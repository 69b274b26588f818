/**
 * `convert` of the event formats (`.moqtrace`, qlog) to NDJSON records, `.moqtrace` (normal form) or qlog,
 * streaming: `.moqtrace` through one `TraceWriter` of `@x/moqtrace` per segment (version `auto` decided over
 * the whole trace as `writeTrace` does, by patching the preambles at the end), qlog through `QlogWriter` of
 * `@x/moqt-qlog`. Only `.moqtrace` to stdout (no back-patching there) is encoded in memory.
 *
 * @module
 */
import type { ByteSink } from '@x/binary';
import { createQlogWriter, type QlogWriter } from '@x/moqt-qlog';
import { createTraceWriter, type TraceEvent, type TraceHeader, type TraceWriter, writeTrace } from '@x/moqtrace';
import { renderEventRecordJson } from '@x/moqtrace/ndjson';
import type { Context } from '../../context.js';
import { usage, XtraceError } from '../../errors.js';
import type { Output } from '../../output/file-output.js';
import { dataError, NDJSON_PARTIAL_MARKER, withOutput } from '../convert-common.js';
import type { ProblemQueue } from '../problem-queue.js';
import type { ConvertTarget, Reading } from '../types.js';
import type { EventsRecord, SegmentRecord } from './records.js';
import { endRecordJson, problemRecordJson } from './render.js';

/** What the writers need from the input format. */
export interface EventsSource {
  /** The input's name (errors). */
  readonly name: string;
  /** The open read (segment records included). */
  readonly reading: Reading<EventsRecord>;
  /** Problems met so far, in file order (the NDJSON output interleaves them as `error` records). */
  readonly problems: ProblemQueue;
  /** The JSON text of a segment's `header` record. */
  headerRecord(segment: SegmentRecord): string;
}

/** Bytes that open a CBOR map and stop: a `.moqtrace` reader reports a truncated last item there. */
const MOQTRACE_PARTIAL_MARKER = new Uint8Array([0xa1, 0x61, 0x74]);
/** A qlog record cut short (JSON-SEQ, or the next element of a contained file's events): readers report truncation. */
const QLOG_PARTIAL_MARKER = {
  'json-seq': new TextEncoder().encode('\u001e{"name":"moqtrace:partial_output","data":{'),
  contained: new TextEncoder().encode(',\n{"name":"moqtrace:partial_output","data":{'),
};

const VERSION_TWO = new Uint8Array([2, 0, 0, 0]);

function versionChoice(v: ConvertTarget['version']): 1 | 2 | 'auto' {
  return v === '1' ? 1 : v === '2' ? 2 : 'auto';
}

/** A view of `sink` whose positions start at `base` (a writer's patches land in its own segment). */
function shifted(sink: ByteSink, base: number): ByteSink {
  return {
    write: (chunk) => sink.write(chunk),
    patch: (position, bytes) => sink.patch?.(base + position, bytes),
    flush: () => sink.flush?.(),
    close: () => undefined,
  };
}

async function drain(
  source: EventsSource,
  segment: (record: SegmentRecord) => Promise<void> | void,
  event: (record: Extract<EventsRecord, { kind: 'event' }>) => Promise<void> | void,
  empty?: () => Promise<void> | void,
): Promise<void> {
  const { reading } = source;
  for (let batch = await reading.nextBatch(); batch !== null; batch = await reading.nextBatch()) {
    // An empty batch: the reader handed out problems and no record (they come before any record to come).
    if (batch.length === 0) await empty?.();
    for (const r of batch) {
      if (r.kind === 'segment') await segment(r);
      else await event(r);
    }
  }
}

async function toNdjson(source: EventsSource, out: Output): Promise<void> {
  const queue = source.problems;
  const flushProblems = (upTo: number): void => {
    for (let p = queue.takeBefore(upTo, true); p !== undefined; p = queue.takeBefore(upTo, true))
      out.write(`${problemRecordJson(p)}\n`);
  };
  await drain(
    source,
    (segment) => {
      flushProblems(segment.offset);
      return out.write(`${source.headerRecord(segment)}\n`);
    },
    (r) => {
      if (queue.length > 0) flushProblems(r.offset);
      return out.write(`${renderEventRecordJson(r.event, r.offset, r.segment, { fullBytes: true })}\n`);
    },
    () => flushProblems(Number.POSITIVE_INFINITY),
  );
  flushProblems(Number.POSITIVE_INFINITY);
  out.write(`${endRecordJson(source.reading.outcome())}\n`);
}

/** Runs `write`; on failure hands what the writer still buffers to the output first (for `--keep-partial`). */
async function keepingWritten(flush: () => Promise<unknown> | undefined, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    await Promise.resolve(flush()).catch(() => undefined);
    throw error;
  }
}

/** A `--version 1` the content does not allow: a usage error (exit 2), not a problem of the data. */
function forcedVersion(error: unknown): XtraceError | undefined {
  const message = (error as Error).message ?? '';
  return /version:? 1 forced/.test(message) ? new XtraceError('USAGE', `--version 1: ${message}`) : undefined;
}

/** `.moqtrace` to a file: one `TraceWriter` per segment, version `auto` settled over all segments at the end. */
async function toMoqtraceFile(source: EventsSource, out: Output, target: ConvertTarget): Promise<void> {
  const choice = versionChoice(target.version);
  const starts: number[] = [];
  let writer: TraceWriter | undefined;
  let any2 = false;
  const finish = async (): Promise<void> => {
    if (writer === undefined) return;
    await writer.close();
    if (writer.version === 2) any2 = true;
    writer = undefined;
  };
  await keepingWritten(
    () => writer?.flush(),
    () =>
      drain(
        source,
        async (segment) => {
          await finish();
          starts.push(out.bytesWritten);
          try {
            writer = createTraceWriter(shifted(out.sink, out.bytesWritten), {
              header: segment.header,
              version: choice,
              endTime: false,
            });
          } catch (error) {
            throw forcedVersion(error) ?? dataError(error, source.name);
          }
        },
        (r) => {
          if (writer === undefined) throw usage('an event before any segment header');
          try {
            return writer.write(r.event);
          } catch (error) {
            throw forcedVersion(error) ?? dataError(error, source.name);
          }
        },
      ),
  );
  await finish();
  if (choice === 'auto' && any2) for (const at of starts) await out.sink.patch?.(at + 8, VERSION_TWO);
}

/** `.moqtrace` to stdout: the segments in memory, encoded by `writeTrace` (stdout cannot be patched). */
async function toMoqtraceMemory(source: EventsSource, out: Output, target: ConvertTarget): Promise<void> {
  const segments: { header: TraceHeader; events: TraceEvent[] }[] = [];
  await drain(
    source,
    (segment) => {
      segments.push({ header: segment.header, events: [] });
    },
    (r) => {
      segments[segments.length - 1]?.events.push(r.event);
    },
  );
  let bytes: Uint8Array;
  try {
    bytes = writeTrace(
      segments.length === 1 ? (segments[0] as { header: TraceHeader; events: TraceEvent[] }) : { segments },
      { version: versionChoice(target.version) },
    );
  } catch (error) {
    throw forcedVersion(error) ?? dataError(error, source.name);
  }
  await out.sink.write(bytes);
}

async function toQlog(source: EventsSource, out: Output, target: ConvertTarget): Promise<void> {
  let writer: QlogWriter | undefined;
  await keepingWritten(
    () => writer?.flush(),
    () =>
      drain(
        source,
        (segment) => {
          try {
            if (writer === undefined) {
              writer = createQlogWriter(out.sink, {
                header: segment.header,
                format: target.qlogFormat,
                ...(target.draft === undefined ? {} : { draft: target.draft }),
                generic: target.generic === true,
                qvis: target.qvis === true,
              });
              return;
            }
            return writer.startSegment(segment.header);
          } catch (error) {
            throw dataError(error, source.name);
          }
        },
        (r) => {
          if (writer === undefined) throw usage('an event before any segment header');
          try {
            return writer.write(r.event);
          } catch (error) {
            throw dataError(error, source.name);
          }
        },
      ),
  );
  await writer?.close();
}

/** Writes the records of an event-format read to `target`. */
export async function convertEvents(ctx: Context, source: EventsSource, target: ConvertTarget): Promise<void> {
  switch (target.format) {
    case 'ndjson':
      return withOutput(
        ctx,
        target,
        () => NDJSON_PARTIAL_MARKER,
        (out) => toNdjson(source, out),
      );
    case 'moqtrace':
      return withOutput(
        ctx,
        target,
        () => MOQTRACE_PARTIAL_MARKER,
        (out) => (target.path === '-' ? toMoqtraceMemory(source, out, target) : toMoqtraceFile(source, out, target)),
      );
    case 'qlog':
      return withOutput(
        ctx,
        target,
        () => QLOG_PARTIAL_MARKER[target.qlogFormat],
        (out) => toQlog(source, out, target),
      );
    default:
      throw usage(`${source.name}: events convert to ndjson, moqtrace or qlog, not ${target.format}`);
  }
}
