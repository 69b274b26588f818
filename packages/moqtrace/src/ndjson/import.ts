/**
 * NDJSON import: the records of `xtrace cat --format ndjson` / `exportNdjson` back into a trace. Strict by default:
 * a line or record that cannot be imported is an `INVALID_NDJSON` error naming its line and byte offset; with
 * `skipInvalid`, such lines are skipped and each one is reported. Nothing is dropped or altered silently: every
 * event and header is checked by encoding it, keys outside the contract are errors, `error` and `end` records are
 * the only ones without content.
 *
 * @module
 */
import { type ByteInput, fromBytes, jsonNestingDepth, readLines } from '@x/binary';
import { CborSchemaError } from '@x/cbor-schema';
import { MoqtraceError } from '../errors.js';
import { EVENT_FIELDS, EVENT_TYPE_IDS, type KnownEventTypeName } from '../events.js';
import type { TraceEvent } from '../schemas/events.js';
import type { TraceHeader } from '../schemas/header.js';
import { argumentError, createCborWriter, writeEvent, writeHeader } from '../writer/encode.js';
import { parseEventJson, parseHeaderJson } from './render.js';

/** A trace rebuilt from NDJSON: segments with headers and events (feed it to `writeTrace`). */
export interface ImportedTrace {
  /** Segments in order. */
  segments: { header: TraceHeader; events: TraceEvent[] }[];
  /** Lines (or records) skipped with `skipInvalid`, in order. */
  skipped: SkippedRecord[];
}

/** A line or record that could not be imported. */
export interface SkippedRecord {
  /** 1-based line number (text import) — absent for already-parsed records. */
  line?: number;
  /** Byte offset of the line in the input (text import). */
  offset?: number;
  /** 0-based index of the record (non-empty lines for a text import). */
  index: number;
  /** What is wrong with it. */
  reason: string;
}

/** Options of {@link importNdjson} and {@link importNdjsonRecords}. */
export interface ImportNdjsonOptions {
  /** Skip lines or records that cannot be imported (each is reported) instead of failing. Default false. */
  skipInvalid?: boolean;
  /** Called for each skipped line or record (with `skipInvalid`). */
  onSkip?: (skipped: SkippedRecord) => void;
}

/** Deepest JSON nesting accepted on one line (the CBOR writer accepts values up to 512 levels). */
const MAX_JSON_DEPTH = 500;

/** Keys of a header record that are not header fields. */
const HEADER_RECORD_KEYS = new Set(['kind', 'offset', 'segment', 'format', 'version', 'headerLength', 'eventsOffset']);
/** Keys an event record has besides its type's fields. */
const EVENT_KEYS = new Set(['kind', 'offset', 'segment', 'type', 'seq', 'timestamp', 'peer', 'extra']);

function headerFields(record: Record<string, unknown>): unknown {
  // 0.1 shape: fields nested under `header`
  if (typeof record.header === 'object' && record.header !== null && !('protocol' in record)) return record.header;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (HEADER_RECORD_KEYS.has(key)) continue;
    fields[key === 'segmentInfo' ? 'segment' : key] = record[key];
  }
  return fields;
}

function eventFields(record: Record<string, unknown>): Record<string, unknown> {
  const type = record.type;
  const known =
    type === 'unknown'
      ? new Set(['eventType', 'fields'])
      : new Set((EVENT_FIELDS[EVENT_TYPE_IDS[type as KnownEventTypeName]] ?? []).map((f) => f.name));
  if (type === 'subscription-derivation') known.add('derivationKind');
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (key === 'kind' || key === 'offset' || key === 'segment') continue;
    if (!EVENT_KEYS.has(key) && !known.has(key)) throw new Error(`${String(type)} events have no field ${key}`);
    fields[key === 'derivationKind' ? 'kind' : key] = record[key];
  }
  return fields;
}

/** Imports records one at a time; a bad one throws a plain Error with the reason. */
class Importer {
  readonly segments: ImportedTrace['segments'] = [];
  private readonly check = createCborWriter(1024);

  add(item: unknown): void {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new Error('record is not an object');
    const record = item as Record<string, unknown>;
    if (record.kind === 'header') {
      const header = parseHeaderJson(headerFields(record));
      this.validate(() => writeHeader(this.check, header, false));
      this.segments.push({ header, events: [] });
    } else if (record.kind === 'event') {
      const current = this.segments[this.segments.length - 1];
      if (!current) throw new Error('event before any header record');
      const event = parseEventJson(eventFields(record));
      this.validate(() => writeEvent(this.check, event, false));
      current.events.push(event);
    } else if (record.kind !== 'error' && record.kind !== 'end') {
      throw new Error(`unknown record kind ${JSON.stringify(record.kind)}`);
    }
  }

  private validate(write: () => void): void {
    try {
      write();
    } catch (error) {
      const converted = argumentError(error, 'value');
      if (MoqtraceError.is(converted) || CborSchemaError.is(converted)) throw new Error(converted.message);
      throw converted;
    } finally {
      this.check.reset();
    }
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(label: string, skipped: SkippedRecord, cause: unknown): MoqtraceError {
  return new MoqtraceError('INVALID_NDJSON', `${label}: ${skipped.reason}`, {
    ...(skipped.offset === undefined ? {} : { offset: skipped.offset }),
    details: skipped,
    cause,
  });
}

/**
 * Rebuilds a trace from NDJSON text or bytes (`header` and `event` records; `error` and `end` records carry no
 * content). A UTF-8 BOM is accepted. A bad line — not JSON, nested deeper than 500 levels, an unknown record kind,
 * a key outside the contract, a value that cannot be encoded, an event before any header — throws
 * {@link MoqtraceError} `INVALID_NDJSON` naming its line and byte offset (`details` is a {@link SkippedRecord});
 * with `skipInvalid` it is skipped and reported in `skipped` (and to `onSkip`). Ids come back as `bigint`, bytes
 * as `Uint8Array`, tagged values as their JS types.
 *
 * @example
 * ```ts
 * const bytes = writeTrace(await importNdjson(exportNdjson(readTrace(original))));
 * ```
 */
export async function importNdjson(
  input: string | ByteInput,
  options: ImportNdjsonOptions = {},
): Promise<ImportedTrace> {
  const importer = new Importer();
  const skipped: SkippedRecord[] = [];
  const source = typeof input === 'string' ? fromBytes(new TextEncoder().encode(input)) : input;
  let index = 0;
  let lines: AsyncGenerator<{ text: string; line: number; offset: number }>;
  try {
    lines = readLines(source);
  } catch (cause) {
    throw new MoqtraceError('INVALID_NDJSON', reasonOf(cause), { cause });
  }
  for (;;) {
    let next: IteratorResult<{ text: string; line: number; offset: number }>;
    try {
      next = await lines.next();
    } catch (cause) {
      // Invalid UTF-8 or an over-long line: the line cannot be read, so neither can the rest.
      const offset = (cause as { offset?: number }).offset;
      throw new MoqtraceError('INVALID_NDJSON', reasonOf(cause), {
        ...(offset === undefined ? {} : { offset }),
        cause,
      });
    }
    if (next.done) break;
    const { text, line, offset } = next.value;
    if (text.trim() === '') continue;
    const label = `line ${line} (byte ${offset})`;
    try {
      if (jsonNestingDepth(text, MAX_JSON_DEPTH) < 0)
        throw new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (error) {
        throw new Error(`not JSON: ${reasonOf(error)}`);
      }
      importer.add(record);
    } catch (cause) {
      const entry: SkippedRecord = { line, offset, index, reason: reasonOf(cause) };
      if (!options.skipInvalid) throw fail(label, entry, cause);
      skipped.push(entry);
      options.onSkip?.(entry);
    }
    index++;
  }
  return { segments: importer.segments, skipped };
}

/**
 * Rebuilds a trace from already-parsed NDJSON records, with the rules of {@link importNdjson}: a bad record throws
 * `INVALID_NDJSON` naming its index (`details` is a {@link SkippedRecord}), or is skipped with `skipInvalid`.
 *
 * @example
 * ```ts
 * const trace = importNdjsonRecords(lines.map((line) => JSON.parse(line)));
 * const bytes = writeTrace(trace);
 * ```
 */
export function importNdjsonRecords(records: Iterable<unknown>, options: ImportNdjsonOptions = {}): ImportedTrace {
  const importer = new Importer();
  const skipped: SkippedRecord[] = [];
  let index = 0;
  for (const record of records) {
    try {
      importer.add(record);
    } catch (cause) {
      const entry: SkippedRecord = { index, reason: reasonOf(cause) };
      if (!options.skipInvalid) throw fail(`record ${index + 1}`, entry, cause);
      skipped.push(entry);
      options.onSkip?.(entry);
    }
    index++;
  }
  return { segments: importer.segments, skipped };
}
