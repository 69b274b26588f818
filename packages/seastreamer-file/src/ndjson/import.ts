/**
 * NDJSON import: the records of the contract (`records.ts`) back into messages and a `.ss` file. Nothing is
 * dropped or altered silently. Strict by default: the first line that is not a valid record (not JSON, not an
 * object, too deeply nested, an unknown `kind` or field, a missing or mistyped field, a payload that is not
 * valid in its `payloadEncoding`, derived fields that contradict the data: `payloadSize`, `checksum`, `eos`,
 * `timestamp`) is an `INVALID_NDJSON` error naming its 1-based line number and the byte offset of the line;
 * `skipInvalidLines` skips such lines instead and reports each one. `beacon`, `error` and `end` records are
 * derived data (a writer recomputes beacons) and are not imported. A UTF-8 BOM is accepted.
 *
 * @module
 */
import { type ByteInput, type ByteSink, crc16, jsonNestingDepth, type ReadProblem, readLines, toU64 } from '@x/binary';
import { fromBinaryError, SeaStreamerFileError } from '../errors.js';
import type { MessageInput } from '../frame.js';
import { isEndOfStream } from '../stream-key.js';
import { formatIsoTimestamp } from '../timestamp.js';
import { createSeaStreamerWriter, type SeaStreamerWriterOptions } from '../writer.js';
import { decodePayload } from './payload.js';

/** Deepest JSON nesting of a line (records need 3: a beacon's markers). */
export const MAX_RECORD_NESTING = 64;

/** A line that is not a valid record, skipped with `skipInvalidLines` (`message`: `line N (byte B): reason`). */
export interface NdjsonLineProblem extends ReadProblem<'INVALID_NDJSON'> {
  /** Always `'error'`: the line's data was not imported. */
  readonly severity: 'error';
  /** Byte offset of the line in the input. */
  readonly offset: number;
  /** 1-based line number. */
  readonly line: number;
}

/** The header fields a header record gives (what a writer needs to re-create the file). */
export interface NdjsonHeader {
  /** `fileName`, when present. */
  readonly fileName: string | undefined;
  /** `createdAtMs`, when present. */
  readonly createdAt: bigint | undefined;
  /** `beaconInterval`, when present. */
  readonly beaconInterval: number | undefined;
}

/** A record parsed by {@link parseSeaStreamerRecord}. */
export type ParsedRecord =
  | { readonly kind: 'header'; readonly header: NdjsonHeader }
  | { readonly kind: 'message'; readonly message: MessageInput & { shardId: bigint; seqNo: bigint; timestamp: bigint } }
  | { readonly kind: 'beacon' | 'error' | 'end' };

/** Values for the fields a message record may leave out (e.g. `xtrace write`). Without them, the fields are required. */
export interface RecordDefaults {
  /** Stream key of records without `streamKey`. */
  readonly streamKey?: string;
  /** Shard id of records without `shardId`. */
  readonly shardId?: bigint;
  /** Sequence number of records without `seqNo` (called with the record's key and shard). */
  readonly seqNo?: (streamKey: string, shardId: bigint) => bigint;
  /** Timestamp (ms) of records without `timestampMs`. */
  readonly timestamp?: () => bigint;
}

const HEADER_FIELDS = new Set([
  'kind',
  'format',
  'version',
  'offset',
  'fileName',
  'createdAtMs',
  'createdAt',
  'beaconInterval',
  'paddingOk',
]);
const MESSAGE_FIELDS = new Set([
  'kind',
  'offset',
  'streamKey',
  'shardId',
  'seqNo',
  'timestampMs',
  'timestamp',
  'payloadSize',
  'checksum',
  'payload',
  'payloadEncoding',
  'eos',
]);

function invalid(reason: string): SeaStreamerFileError {
  return new SeaStreamerFileError('INVALID_NDJSON', reason);
}

function u64(value: unknown, name: string): bigint {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value)) {
    throw invalid(`${name} ${value} is not exact in JSON: write values above 2^53-1 as decimal strings`);
  }
  const given = value;
  if (typeof value === 'string' && /^(0|[1-9][0-9]*)$/.test(value)) value = BigInt(value);
  try {
    return toU64(value, name);
  } catch {
    throw invalid(
      `${name} must be an unsigned 64-bit integer (a number, or a decimal string), got ${JSON.stringify(given)}`,
    );
  }
}

function unknownFields(record: Record<string, unknown>, known: ReadonlySet<string>): void {
  for (const key of Object.keys(record)) {
    if (!known.has(key)) throw invalid(`unknown field ${JSON.stringify(key)} in a ${String(record.kind)} record`);
  }
}

function parseHeaderRecord(r: Record<string, unknown>): ParsedRecord {
  unknownFields(r, HEADER_FIELDS);
  if (r.format !== undefined && r.format !== 'ss') {
    throw invalid(`the header is of a ${JSON.stringify(r.format)} file, not a .ss file`);
  }
  if (r.version !== undefined && r.version !== 1) throw invalid(`unsupported .ss version ${JSON.stringify(r.version)}`);
  if (r.fileName !== undefined && typeof r.fileName !== 'string') throw invalid('fileName must be a string');
  const createdAt = r.createdAtMs === undefined ? undefined : u64(r.createdAtMs, 'createdAtMs');
  if (r.createdAt !== undefined) {
    if (createdAt === undefined || r.createdAt !== formatIsoTimestamp(createdAt)) {
      throw invalid(`createdAt ${JSON.stringify(r.createdAt)} does not match createdAtMs`);
    }
  }
  const interval = r.beaconInterval;
  if (interval !== undefined && !(typeof interval === 'number' && Number.isSafeInteger(interval))) {
    throw invalid(`beaconInterval must be an integer, got ${JSON.stringify(interval)}`);
  }
  if (r.paddingOk !== undefined && typeof r.paddingOk !== 'boolean') throw invalid('paddingOk must be a boolean');
  return {
    kind: 'header',
    header: { fileName: r.fileName as string | undefined, createdAt, beaconInterval: interval as number | undefined },
  };
}

function parseMessageRecord(r: Record<string, unknown>, defaults: RecordDefaults): ParsedRecord {
  unknownFields(r, MESSAGE_FIELDS);
  const streamKey = r.streamKey === undefined ? defaults.streamKey : r.streamKey;
  if (typeof streamKey !== 'string')
    throw invalid(r.streamKey === undefined ? 'missing streamKey' : 'streamKey must be a string');
  const field = (name: string, fallback: (() => bigint) | undefined): bigint => {
    if (r[name] !== undefined) return u64(r[name], name);
    if (fallback === undefined) throw invalid(`missing ${name}`);
    return fallback();
  };
  const shardId = field('shardId', defaults.shardId === undefined ? undefined : () => defaults.shardId as bigint);
  const timestamp = field('timestampMs', defaults.timestamp);
  if (r.timestamp !== undefined && r.timestamp !== formatIsoTimestamp(timestamp)) {
    throw invalid(`timestamp ${JSON.stringify(r.timestamp)} does not match timestampMs ${timestamp}`);
  }
  if (typeof r.payload !== 'string') {
    throw invalid(
      r.payload === undefined
        ? 'missing payload (records written with payload mode none cannot be converted back)'
        : 'payload must be a string',
    );
  }
  const payload = decodePayload(r.payload, r.payloadEncoding);
  if (typeof payload === 'string') throw invalid(payload);
  if (r.payloadSize !== undefined && r.payloadSize !== payload.length) {
    throw invalid(`payloadSize ${JSON.stringify(r.payloadSize)} does not match the payload's ${payload.length} bytes`);
  }
  if (r.checksum !== undefined) {
    const computed = crc16(payload);
    if (r.checksum !== computed) {
      throw invalid(`checksum ${JSON.stringify(r.checksum)} does not match the payload (its CRC-16 is ${computed})`);
    }
  }
  if (r.eos !== undefined && r.eos !== isEndOfStream({ streamKey, payload })) {
    throw invalid(`eos ${JSON.stringify(r.eos)} contradicts the stream key and payload`);
  }
  if (r.offset !== undefined && !(typeof r.offset === 'number' && Number.isSafeInteger(r.offset) && r.offset >= 0)) {
    throw invalid('offset must be a non-negative integer');
  }
  const seqNo = field('seqNo', defaults.seqNo === undefined ? undefined : () => defaults.seqNo!(streamKey, shardId));
  return { kind: 'message', message: { streamKey, shardId, seqNo, timestamp, payload } };
}

/**
 * Checks one parsed JSON value against the record contract and converts it: a header, a message (its payload
 * decoded), or a derived record (`beacon`, `error`, `end`) that carries nothing to import. Throws an
 * `INVALID_NDJSON` {@link SeaStreamerFileError} with the reason (no line number: the caller knows it).
 *
 * @example
 * ```ts
 * const parsed = parseSeaStreamerRecord(JSON.parse(line), { streamKey: 'log', timestamp: () => BigInt(Date.now()) });
 * if (parsed.kind === 'message') writer.write(parsed.message);
 * ```
 */
export function parseSeaStreamerRecord(value: unknown, defaults: RecordDefaults = {}): ParsedRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('not a JSON object');
  const r = value as Record<string, unknown>;
  switch (r.kind) {
    case 'header':
      return parseHeaderRecord(r);
    case 'message':
      return parseMessageRecord(r, defaults);
    case 'beacon':
    case 'error':
    case 'end':
      return { kind: r.kind };
    case undefined:
      if ('payload' in r || 'streamKey' in r) return parseMessageRecord(r, defaults);
      throw invalid('not a record: no "kind" (header, message, beacon, error or end)');
    default:
      throw invalid(`unknown record kind ${JSON.stringify(r.kind)} (header, message, beacon, error or end)`);
  }
}

/** Options of {@link readSeaStreamerNdjson}. */
export interface NdjsonReadOptions {
  /** Skip lines that are not valid records instead of failing, reporting each (default false). */
  skipInvalidLines?: boolean;
  /** Called for every skipped line (with `skipInvalidLines`). */
  onInvalidLine?: (problem: NdjsonLineProblem) => void;
  /** Longest accepted line in bytes (default 64 MiB); a longer line fails the import. */
  maxLineBytes?: number;
  /** Values for fields message records leave out. */
  defaults?: RecordDefaults;
}

/** A record read by {@link readSeaStreamerNdjson}, with where its line is. */
export type NdjsonItem = (
  | { readonly kind: 'header'; readonly header: NdjsonHeader }
  | { readonly kind: 'message'; readonly message: MessageInput }
) & { readonly line: number; readonly offset: number };

function lineError(line: number, offset: number, reason: string, cause?: unknown): SeaStreamerFileError {
  return new SeaStreamerFileError('INVALID_NDJSON', `line ${line} (byte ${offset}): ${reason}`, {
    offset,
    line,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Reads NDJSON records from any input (bytes, a Blob, a stream, a `ByteSource` such as a file of
 * `@x/binary/node`) and yields the headers and messages, in order, with their line numbers and byte offsets;
 * blank lines are ignored. A header must come before every message. Memory is one line. Closes the source
 * when it created it.
 *
 * @example
 * ```ts
 * for await (const item of readSeaStreamerNdjson(file)) {
 *   if (item.kind === 'message') writer.write(item.message);
 * }
 * ```
 */
export async function* readSeaStreamerNdjson(
  input: ByteInput,
  options: NdjsonReadOptions = {},
): AsyncGenerator<NdjsonItem, void, undefined> {
  let messages = 0;
  let headers = 0;
  const lines = readLines(input, options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes });
  try {
    for (;;) {
      let next: IteratorResult<{ text: string; line: number; offset: number }>;
      try {
        next = await lines.next();
      } catch (error) {
        const e = fromBinaryError(error);
        const lineLevel = e instanceof SeaStreamerFileError && (e.code === 'INVALID_UTF8' || e.code === 'OUT_OF_RANGE');
        if (lineLevel && e.offset !== undefined) {
          throw new SeaStreamerFileError('INVALID_NDJSON', e.message, { offset: e.offset, cause: error });
        }
        throw e;
      }
      if (next.done) return;
      const { text, line, offset } = next.value;
      if (text.trim() === '') continue;
      let item: NdjsonItem | undefined;
      try {
        item = parseLine(text, line, offset, options.defaults, messages, headers);
      } catch (error) {
        if (!(SeaStreamerFileError.is(error) && error.code === 'INVALID_NDJSON')) throw error;
        const problem = lineError(line, offset, error.message, error);
        if (!options.skipInvalidLines) throw problem;
        options.onInvalidLine?.(lineProblem(problem, line, offset));
        continue;
      }
      if (item === undefined) continue;
      if (item.kind === 'header') headers++;
      else messages++;
      yield item;
    }
  } finally {
    await lines.return(undefined);
  }
}

function parseLine(
  text: string,
  line: number,
  offset: number,
  defaults: RecordDefaults | undefined,
  messages: number,
  headers: number,
): NdjsonItem | undefined {
  if (jsonNestingDepth(text, MAX_RECORD_NESTING) < 0)
    throw invalid(`JSON nested deeper than ${MAX_RECORD_NESTING} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`not JSON: ${(error as Error).message}`);
  }
  const parsed = parseSeaStreamerRecord(value, defaults);
  if (parsed.kind === 'header') {
    if (messages > 0) throw invalid('a header record after message records');
    if (headers > 0) throw invalid('a second header record');
    return { kind: 'header', header: parsed.header, line, offset };
  }
  return parsed.kind === 'message' ? { kind: 'message', message: parsed.message, line, offset } : undefined;
}

function lineProblem(error: SeaStreamerFileError, line: number, offset: number): NdjsonLineProblem {
  return { code: 'INVALID_NDJSON', severity: 'error', offset, line, message: error.message };
}

/**
 * Options of {@link importSeaStreamerNdjson}: the reading options and the writer options. `beaconInterval`
 * (when given) replaces the header record's; `fileName` and `createdAt` are used when the records do not give
 * them (`createdAt` then defaults to now).
 */
export interface NdjsonImportOptions extends NdjsonReadOptions, Omit<SeaStreamerWriterOptions, 'resume'> {}

/** What {@link importSeaStreamerNdjson} wrote. */
export interface NdjsonImportResult {
  /** Messages written. */
  readonly messages: number;
  /** Lines skipped (with `skipInvalidLines`). */
  readonly skipped: readonly NdjsonLineProblem[];
  /** Size of the file written. */
  readonly bytesWritten: number;
}

/**
 * Writes the `.ss` file the NDJSON records describe into `sink`, which stays open: its owner closes it (e.g.
 * renames an atomic file into place) or aborts it when this rejects. Empty and reserved stream keys are
 * accepted unless the options say otherwise, so that files re-create exactly. A message the writer refuses
 * (an invalid key, a timestamp out of range, ...) and a header it refuses (an invalid interval, a file name too
 * long) are `INVALID_NDJSON` errors of their line, or skipped lines.
 *
 * @example
 * ```ts
 * import { openFileSink, openFileSource } from '@x/binary/node';
 * const input = await openFileSource('in.ndjson');
 * const sink = openFileSink('out.ss', { atomic: true });
 * try {
 *   await importSeaStreamerNdjson(input, sink, { fileName: 'out.ss' });
 *   sink.close(); // out.ss appears only now
 * } catch (error) {
 *   sink.abort();
 *   throw error;
 * } finally {
 *   await input.close();
 * }
 * ```
 */
export async function importSeaStreamerNdjson(
  input: ByteInput,
  sink: ByteSink,
  options: NdjsonImportOptions = {},
): Promise<NdjsonImportResult> {
  const skipped: NdjsonLineProblem[] = [];
  const onInvalidLine = (problem: NdjsonLineProblem) => {
    skipped.push(problem);
    options.onInvalidLine?.(problem);
  };
  const refused = (error: unknown, line: number, offset: number): void => {
    if (!SeaStreamerFileError.is(error) || error.code === 'IO_ERROR' || error.code === 'CLOSED') throw error;
    const problem = lineError(line, offset, `${error.code}: ${error.message}`, error);
    if (!options.skipInvalidLines) throw problem;
    onInvalidLine(lineProblem(problem, line, offset));
  };
  let writer: ReturnType<typeof createSeaStreamerWriter> | undefined;
  let messages = 0;
  const open = (header: NdjsonHeader | undefined) =>
    createSeaStreamerWriter(sink, {
      allowEmptyStreamKey: true,
      allowReservedStreamKeys: true,
      ...options,
      fileName: header?.fileName ?? options.fileName,
      createdAt: header?.createdAt ?? options.createdAt ?? Date.now(),
      beaconInterval: options.beaconInterval ?? header?.beaconInterval,
    });
  try {
    for await (const item of readSeaStreamerNdjson(input, { ...options, onInvalidLine })) {
      if (item.kind === 'header') {
        try {
          writer = open(item.header);
        } catch (error) {
          refused(error, item.line, item.offset);
        }
        continue;
      }
      writer ??= open(undefined);
      try {
        writer.write(item.message);
        messages++;
      } catch (error) {
        refused(error, item.line, item.offset);
      }
    }
    writer ??= open(undefined);
    await writer.close();
  } catch (error) {
    await writer?.abort();
    throw error;
  }
  return { messages, skipped, bytesWritten: writer.bytesWritten };
}
