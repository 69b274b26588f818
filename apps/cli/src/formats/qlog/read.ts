/**
 * Opening qlog/mlog reads for the CLI (`openQlogFile` / `openQlogReader` of `@x/moqt-qlog`): the imported
 * `.moqtrace` events with segment records. A cut last record is reported as a `TRUNCATED` error, as for every
 * format (the library notes it as a warning: producers often leave one).
 *
 * @module
 */

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ByteInput, ByteSource } from '@x/binary';
import { openFileSource } from '@x/binary/node';
import { openQlogReader, type QlogEnd, type QlogProblem, type QlogReader, type QlogRecord } from '@x/moqt-qlog';
import type { TraceHeader } from '@x/moqtrace';
import type { Context, Problem } from '../../context.js';
import { usage } from '../../errors.js';
import { ioError, type TraceInput } from '../../input/input.js';
import type { EventsRecord } from '../events/records.js';
import { limitOutcome, ProblemCount, RecordCounter } from '../reading.js';
import type { Reading, ReadOptions, ReadOutcome } from '../types.js';

/** A qlog read: the shared reading plus the layout of the file. */
export interface QlogReading extends Reading<EventsRecord> {
  /** JSON-SEQ, contained JSON or concatenated objects, once known. */
  readonly framing: string | undefined;
}

/** Options of {@link openQlogReading} beyond the shared ones. */
export interface QlogReadingOptions {
  /** Bytes to read instead of the input (a second pass over stdin). */
  readonly bytes?: Uint8Array;
  /** Headers to use for the segments (their final form from a first pass). */
  readonly headers?: ReadonlyMap<number, TraceHeader>;
}

/** A qlog problem as the CLI's (a cut last record is an error, as in every format). */
export function qlogProblem(p: QlogProblem): Problem {
  return {
    code: p.code,
    severity: p.code === 'TRUNCATED' ? 'error' : p.severity,
    offset: p.offset,
    message: p.message,
    detail: p.code === 'TRUNCATED' ? { ...p, severity: 'error' } : p,
  };
}

async function openReader(
  input: TraceInput,
  onProblem: (p: QlogProblem) => void,
  bytes: Uint8Array | undefined,
): Promise<{ reader: QlogReader; source: ByteSource | undefined }> {
  const options = { segments: true, maxProblems: 0, onProblem };
  try {
    if (bytes !== undefined) return { reader: await openQlogReader(bytes, options), source: undefined };
    let source: ByteSource;
    let fileOptions = {};
    if (input.path !== undefined) {
      // as `openQlogFile` of `@x/moqt-qlog/node` does (relative clocks start at the file's modification time),
      // but closing the file at the end: that function's reader does not close it
      const mtimeMs = (await stat(input.path)).mtimeMs;
      fileOptions = { startTime: Math.floor(mtimeMs), fileName: basename(input.path) };
      source = await openFileSource(input.path, { chunkSize: 64 * 1024 });
    } else source = await input.source();
    try {
      return { reader: await openQlogReader(source as ByteInput, { ...fileOptions, ...options }), source };
    } catch (error) {
      await source.close();
      throw error;
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'IO_ERROR') throw ioError((error as Error).cause ?? error, input.name);
    throw error;
  }
}

function outcomeOf(end: QlogEnd, count: ProblemCount): ReadOutcome {
  return {
    state: end.state,
    offset: end.offset,
    trailingBytes: end.trailingBytes,
    errors: count.errors,
    warnings: count.warnings,
    complete: count.errors === 0 && end.state !== 'truncated',
    counts: { segments: end.segments, events: end.events },
  };
}

/** Opens a streaming qlog read for a command. */
export async function openQlogReading(
  _ctx: Context,
  input: TraceInput,
  options: ReadOptions,
  more: QlogReadingOptions = {},
): Promise<QlogReading> {
  if (options.follow) throw usage('--follow applies to .ss and .moqtrace files, not qlog');
  const count = new ProblemCount();
  const { reader, source } = await openReader(
    input,
    (p) => {
      const problem = qlogProblem(p);
      count.add(problem);
      options.onProblem(problem);
    },
    more.bytes,
  );
  const counter = new RecordCounter<EventsRecord>();
  const toRecord = (r: QlogRecord): EventsRecord =>
    r.kind === 'event'
      ? r
      : { kind: 'segment', offset: r.offset, index: r.segment, header: more.headers?.get(r.segment) ?? r.header };
  let closed = false;
  let position = 0;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await reader.close();
    await source?.close();
  };
  let end: QlogEnd | undefined;
  return {
    get framing() {
      return reader.framing;
    },
    async nextBatch() {
      counter.release();
      const batch = await reader.nextBatch();
      if (batch !== null) {
        position = batch[batch.length - 1]?.offset ?? position;
        return counter.take(batch.map(toRecord));
      }
      end = reader.end;
      await close();
      return null;
    },
    get position() {
      return position;
    },
    outcome() {
      if (end === undefined) throw new Error('the read has not ended');
      return outcomeOf(end, count);
    },
    async stop(last) {
      const next = counter.giveBack(last);
      await close();
      return limitOutcome(next?.offset ?? reader.end?.offset ?? position, input.size, count, {
        segments: counter.get('segment'),
        events: counter.get('event'),
      });
    },
    close,
  };
}
