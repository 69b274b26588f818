/**
 * Import: qlog/mlog → `.moqtrace` events (spec §9). `readQlog(bytes)` reads a whole file held in memory;
 * `openQlogReader(input)` streams any byte source (bytes, `Blob`/`File`, `ReadableStream`, async iterable,
 * `ByteSource`) with memory bounded by the largest record, yielding `{kind: 'event', offset, segment, event}`
 * records as they are parsed.
 *
 * @module
 */
import { type ByteInput, type ByteSource, type EndState, isByteSource, toByteSource } from '@x/binary';
import type { TraceEvent, TraceHeader } from '@x/moqtrace';
import { type QlogEnd, QlogError, type QlogProblem } from './errors.js';
import { Framer, type Framing } from './framing.js';
import { ImportCore, type ImportOptions, type QlogRecord } from './import-core.js';

export type { QlogRecord };

/** Options of {@link readQlog} and {@link openQlogReader}. */
export interface QlogReadOptions extends ImportOptions {
  /** Also yield `{kind: 'segment', offset, segment, header}` records (one per trace or `.moqtrace` segment). */
  segments?: boolean;
  /** Problems kept in `problems` (default 1000; the end's counts include all). */
  maxProblems?: number;
  /** Called for every problem as it is found. */
  onProblem?: (problem: QlogProblem) => void;
  /** Stop after this many events (end state `limit`). */
  limit?: number;
  /** Throw the first error problem as a {@link QlogError} (its `details` carry what was read before it). */
  strict?: boolean;
  /** Largest record buffered before it is reported as `MALFORMED` (default 64 MiB). */
  maxRecordBytes?: number;
}

/** One segment of {@link QlogContents}: a contained trace, or a segment of an exported `.moqtrace` trace. */
export interface QlogSegment {
  /** Byte offset where the segment starts (its header or first record). */
  offset: number;
  /** Its `.moqtrace` header. */
  header: TraceHeader;
  /** Its events. */
  events: TraceEvent[];
  /** Byte offset of the qlog record of each event. */
  eventOffsets: number[];
}

/** What {@link readQlog} returns. */
export interface QlogContents {
  /** The first segment's `.moqtrace` header. */
  header: TraceHeader;
  /** Segments with their events. */
  segments: QlogSegment[];
  /** Events of every segment, in file order. */
  events: TraceEvent[];
  /** Problems in input order (at most `maxProblems`). */
  problems: QlogProblem[];
  /** How reading ended. */
  end: QlogEnd;
  /** The layout of the file. */
  framing: Framing;
}

function checkOptions(options: QlogReadOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new QlogError('INVALID_ARGUMENT', 'options must be an object');
  }
  const { limit, maxProblems, maxRecordBytes, stringTimeUnit } = options;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
    throw new QlogError('INVALID_ARGUMENT', `limit must be a non-negative integer, got ${String(limit)}`);
  }
  if (maxProblems !== undefined && !(Number.isSafeInteger(maxProblems) && maxProblems >= 0)) {
    throw new QlogError('INVALID_ARGUMENT', `maxProblems must be a non-negative integer, got ${String(maxProblems)}`);
  }
  if (maxRecordBytes !== undefined && !(Number.isSafeInteger(maxRecordBytes) && maxRecordBytes > 0)) {
    throw new QlogError('INVALID_ARGUMENT', `maxRecordBytes must be a positive integer, got ${String(maxRecordBytes)}`);
  }
  if (stringTimeUnit !== undefined && !['ns', 'us', 'ms'].includes(stringTimeUnit)) {
    throw new QlogError('INVALID_ARGUMENT', `stringTimeUnit must be "ns", "us" or "ms", got ${String(stringTimeUnit)}`);
  }
}

/** Framer + core with limit and strict handling: the engine under both readers. */
class ImportSession {
  readonly framer: Framer;
  readonly core: ImportCore;
  private readonly limit: number;
  private readonly strict: boolean;
  done = false;
  limited = false;
  bytesIn = 0;

  constructor(options: QlogReadOptions) {
    checkOptions(options);
    this.framer = new Framer({ maxRecordBytes: options.maxRecordBytes });
    this.core = new ImportCore(options);
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.strict = options.strict ?? false;
  }

  push(chunk: Uint8Array): void {
    this.bytesIn += chunk.length;
    this.framer.push(chunk);
  }

  /** Frames and maps what is buffered; returns true when the input is exhausted or the limit reached. */
  pump(onError?: (error: QlogError) => never): boolean {
    if (this.done) return true;
    for (;;) {
      const item = this.framer.next();
      if (item === 'need-more') return false;
      if (item === 'done') {
        this.core.finish();
        this.core.checkEndMoqt();
        this.done = true;
        return true;
      }
      const errorsBefore = this.core.errors;
      this.core.handle(item, this.framer.lastLatin1);
      if (this.strict && this.core.errors > errorsBefore) {
        const problem = [...this.core.problems].reverse().find((p) => p.severity === 'error');
        const error = new QlogError(problem?.code ?? 'MALFORMED', problem?.message ?? 'damaged record', {
          offset: problem?.offset,
        });
        if (onError) onError(error);
        throw error;
      }
      if (this.core.events >= this.limit) {
        this.trimToLimit();
        this.limited = true;
        this.done = true;
        return true;
      }
    }
  }

  private trimToLimit(): void {
    let excess = this.core.events - this.limit;
    const out = this.core.out;
    for (let i = out.length - 1; i >= 0 && excess > 0; i--) {
      if ((out[i] as QlogRecord).kind === 'event') {
        out.splice(i, 1);
        excess--;
      }
    }
    this.core.events = this.limit;
  }

  end(totalBytes: number | undefined): QlogEnd {
    const core = this.core;
    let state: EndState = 'eof';
    let offset = this.bytesIn;
    if (this.limited || !this.done) {
      state = 'limit';
      offset = this.framer.offset;
    } else if (core.truncatedAt !== undefined) {
      state = 'truncated';
      offset = core.truncatedAt;
    }
    const total = totalBytes ?? this.bytesIn;
    return {
      state,
      offset,
      trailingBytes: state === 'eof' ? 0 : Math.max(0, total - offset),
      errors: core.errors,
      warnings: core.warnings,
      complete: core.errors === 0 && state !== 'truncated',
      events: core.events,
      records: core.records,
      segments: core.segments,
      skipped: core.skipped,
    };
  }
}

function collect(session: ImportSession, contents: { segments: QlogSegment[]; events: TraceEvent[] }): void {
  for (const record of session.core.out) {
    if (record.kind === 'segment') {
      contents.segments.push({ offset: record.offset, header: record.header, events: [], eventOffsets: [] });
    } else {
      const segment = contents.segments[contents.segments.length - 1] as QlogSegment;
      segment.events.push(record.event);
      segment.eventOffsets.push(record.offset);
      contents.events.push(record.event);
    }
  }
  session.core.out = [];
}

/**
 * Reads a whole qlog/mlog file held in memory (any shape: JSON-SEQ, contained JSON, NDJSON, moxygen's
 * concatenated objects, legacy array events). Damaged records are problems; throws `NOT_QLOG` / `NO_MOQT_EVENTS`
 * for files that are not MoQT qlog at all.
 *
 * @example
 * ```ts
 * const { header, events, problems, end } = readQlog(bytes);
 * console.log(header.protocol, events.length, end.state);
 * ```
 */
export function readQlog(bytes: Uint8Array, options: QlogReadOptions = {}): QlogContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new QlogError('INVALID_ARGUMENT', 'readQlog expects a Uint8Array (use openQlogReader for other inputs)');
  }
  const session = new ImportSession(options);
  const contents = { segments: [] as QlogSegment[], events: [] as TraceEvent[] };
  session.push(bytes);
  session.framer.end();
  session.pump((error) => {
    collect(session, contents);
    throw new QlogError(error.code, error.message, {
      offset: error.offset,
      details: { ...contents, problems: session.core.problems },
    });
  });
  collect(session, contents);
  return {
    header: session.core.header as TraceHeader,
    segments: contents.segments,
    events: contents.events,
    problems: session.core.problems,
    end: session.end(bytes.length),
    framing: session.framer.framing ?? 'concatenated',
  };
}

/**
 * A streaming qlog reader: an async iterable of event records (and segment records with `segments: true`),
 * with the header, the problems so far and, once the last record was read, the end. Memory: the current record
 * plus one chunk, plus the records held while the first header is settled (at most 256 records).
 */
export class QlogReader implements AsyncIterable<QlogRecord> {
  private readonly source: ByteSource;
  private readonly owned: boolean;
  private readonly session: ImportSession;
  private readonly withSegments: boolean;
  private ended: QlogEnd | undefined;
  private closed = false;

  private constructor(source: ByteSource, owned: boolean, session: ImportSession, withSegments: boolean) {
    this.source = source;
    this.owned = owned;
    this.session = session;
    this.withSegments = withSegments;
  }

  /** @internal Opens a reader: reads until the first segment's header is known. */
  static async open(input: ByteInput, options: QlogReadOptions = {}): Promise<QlogReader> {
    const session = new ImportSession(options);
    const owned = !isByteSource(input);
    const source = toByteSource(input);
    const reader = new QlogReader(source, owned, session, options.segments ?? false);
    try {
      while (!session.core.settled && !session.done) {
        if (!(await reader.fill())) break;
      }
    } catch (error) {
      if (owned) await source.close();
      throw error;
    }
    return reader;
  }

  /**
   * The first segment's `.moqtrace` header. `detail` is inferred from the events of a file written by another
   * producer: it grows as events are read and is final once {@link QlogReader.end} is set.
   */
  get header(): TraceHeader {
    return this.session.core.header as TraceHeader;
  }

  /** Problems so far (at most `maxProblems`). */
  get problems(): readonly QlogProblem[] {
    return this.session.core.problems;
  }

  /** How reading ended, once the last record was read (or the reader was closed). */
  get end(): QlogEnd | undefined {
    return this.ended;
  }

  /** The layout of the file, once known. */
  get framing(): Framing | undefined {
    return this.session.framer.framing;
  }

  /** Pulls one chunk and processes it; false at the end. */
  private async fill(): Promise<boolean> {
    if (this.session.done) return false;
    let chunk: Uint8Array | null;
    try {
      chunk = await this.source.read();
    } catch (cause) {
      throw new QlogError('IO_ERROR', `reading the input failed: ${String(cause)}`, { cause });
    }
    if (chunk === null) this.session.framer.end();
    else this.session.push(chunk);
    this.session.pump();
    return true;
  }

  private take(): QlogRecord[] {
    const out = this.session.core.out;
    this.session.core.out = [];
    return this.withSegments ? out : out.filter((record) => record.kind === 'event');
  }

  /**
   * The next records in file order (all those parsed from the next chunk), or `null` at the end: the fastest way
   * to read, without a promise per record.
   */
  async nextBatch(): Promise<QlogRecord[] | null> {
    if (this.closed) throw new QlogError('CLOSED', 'the qlog reader was closed');
    for (;;) {
      const records = this.take();
      if (records.length > 0) return records;
      if (this.session.done) {
        await this.finish();
        return null;
      }
      await this.fill();
    }
  }

  private async finish(): Promise<void> {
    if (this.ended === undefined) {
      // Damage the framer cannot read past (data after the file, a broken file structure) ends framing before the
      // input ends: the rest is counted, not parsed, so the end is the same as a whole-buffer read's.
      if (!this.session.limited) await this.drain();
      this.ended = this.session.end(this.source.size);
    }
    if (this.owned) await this.source.close();
  }

  /** Reads the rest of the input without keeping it (counts its bytes). */
  private async drain(): Promise<void> {
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        chunk = await this.source.read();
      } catch (cause) {
        throw new QlogError('IO_ERROR', `reading the input failed: ${String(cause)}`, { cause });
      }
      if (chunk === null) return;
      this.session.bytesIn += chunk.length;
    }
  }

  /** Iterates over the records (events; segments too with `segments: true`). */
  async *[Symbol.asyncIterator](): AsyncGenerator<QlogRecord, void, undefined> {
    try {
      for (;;) {
        const batch = await this.nextBatch();
        if (batch === null) return;
        yield* batch;
      }
    } finally {
      if (this.ended === undefined) await this.close();
    }
  }

  /** Stops reading (end state `limit` when records were left) and closes the source if the reader opened it. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.ended === undefined) this.ended = this.session.end(this.source.size);
    this.closed = true;
    if (this.owned) await this.source.close();
  }
}

/**
 * Opens a streaming reader over any byte input. Resolves once the first header is known; throws `NOT_QLOG` or
 * `NO_MOQT_EVENTS` for inputs that are not MoQT qlog. The reader closes a source it created (from bytes, a Blob, a
 * stream, an iterable); a `ByteSource` passed in stays open.
 *
 * @example
 * ```ts
 * const reader = await openQlogReader(file, { segments: true });
 * for await (const record of reader) {
 *   if (record.kind === 'event') console.log(record.offset, record.event.type);
 * }
 * console.log(reader.end?.state, reader.problems);
 * ```
 */
export function openQlogReader(input: ByteInput, options: QlogReadOptions = {}): Promise<QlogReader> {
  return QlogReader.open(input, options);
}
