/**
 * The NDJSON record contract of `.ss` files: one JSON object per line, `kind` first.
 *
 * - `header`: `format` (`"ss"`), `version` (1), `offset` (0), `fileName`, `createdAtMs`, `createdAt` (ISO),
 *   `beaconInterval`, `paddingOk`;
 * - `message`: `offset`, `streamKey`, `shardId`, `seqNo`, `timestampMs`, `timestamp` (ISO), `payloadSize`,
 *   `checksum`, `payload` and `payloadEncoding` (`utf8`, `hex` or `base64`; both absent with payload mode
 *   `none`), `eos`;
 * - `beacon`: `offset`, `index`, `remainingMessageBytes`, `size`, `markers` (`streamKey`, `shardId`, `seqNo`,
 *   `timestampMs`, `timestamp`, `runningChecksum`);
 * - `error`: `code`, `offset` (when known), `message`, `severity` (`error` or `warning`);
 * - `end`: `state` and `offset`; always the last record.
 *
 * u64 values are JSON numbers up to 2^53−1 and decimal strings above. The formatters return the JSON text of
 * one record without the newline; {@link createRecordWriter} frames records as NDJSON or as one JSON array.
 *
 * @module
 */
import type { SeaStreamerBeacon } from '../beacon.js';
import type { SeaStreamerMessage } from '../frame.js';
import type { SeaStreamerHeader } from '../header.js';
import type { SeaStreamerEnd } from '../problems.js';
import { formatIsoTimestamp } from '../timestamp.js';
import { encodePayload, type PayloadMode } from './payload.js';

/**
 * A u64 as JSON text: a number up to 2^53−1, a decimal string above.
 *
 * @example
 * ```ts
 * u64Text(5n); // '5'
 * u64Text(18446744073709551615n); // '"18446744073709551615"'
 * ```
 */
export function u64Text(value: bigint): string {
  return value <= 9007199254740991n && value >= -9007199254740991n ? String(value) : `"${value}"`;
}

/** The `header` record. */
export function formatHeaderRecord(
  header: Pick<SeaStreamerHeader, 'fileName' | 'createdAt' | 'beaconInterval' | 'paddingOk'>,
): string {
  return `{"kind":"header","format":"ss","version":1,"offset":0,"fileName":${JSON.stringify(header.fileName)},"createdAtMs":${u64Text(header.createdAt)},"createdAt":${JSON.stringify(formatIsoTimestamp(header.createdAt))},"beaconInterval":${header.beaconInterval},"paddingOk":${header.paddingOk}}`;
}

/**
 * A `message` record, its payload rendered in `payload` mode (default `auto`).
 *
 * @example
 * ```ts
 * formatMessageRecord(message); // '{"kind":"message","offset":128,"streamKey":"hello",...,"eos":false}'
 * ```
 */
export function formatMessageRecord(
  message: Pick<
    SeaStreamerMessage,
    'streamKey' | 'shardId' | 'seqNo' | 'timestamp' | 'payload' | 'checksum' | 'offset' | 'isEos'
  >,
  payload: PayloadMode = 'auto',
): string {
  const m = message;
  const rendered = encodePayload(m.payload, payload);
  const text = rendered
    ? `,"payload":${JSON.stringify(rendered.payload)},"payloadEncoding":"${rendered.payloadEncoding}"`
    : '';
  return `{"kind":"message","offset":${m.offset},"streamKey":${JSON.stringify(m.streamKey)},"shardId":${u64Text(m.shardId)},"seqNo":${u64Text(m.seqNo)},"timestampMs":${u64Text(m.timestamp)},"timestamp":${JSON.stringify(formatIsoTimestamp(m.timestamp))},"payloadSize":${m.payload.length},"checksum":${m.checksum}${text},"eos":${m.isEos}}`;
}

/** A `beacon` record. */
export function formatBeaconRecord(
  beacon: Pick<SeaStreamerBeacon, 'offset' | 'index' | 'remainingMessageBytes' | 'size' | 'markers'>,
): string {
  const b = beacon;
  const markers = b.markers
    .map(
      (k) =>
        `{"streamKey":${JSON.stringify(k.streamKey)},"shardId":${u64Text(k.shardId)},"seqNo":${u64Text(k.seqNo)},"timestampMs":${u64Text(k.timestamp)},"timestamp":${JSON.stringify(formatIsoTimestamp(k.timestamp))},"runningChecksum":${k.runningChecksum}}`,
    )
    .join(',');
  return `{"kind":"beacon","offset":${b.offset},"index":${b.index},"remainingMessageBytes":${b.remainingMessageBytes},"size":${b.size},"markers":[${markers}]}`;
}

/** An `error` record of a problem (or any coded error with a message, offset and severity). */
export function formatProblemRecord(problem: {
  readonly code: string;
  readonly message: string;
  readonly offset?: number | undefined;
  readonly severity?: 'error' | 'warning';
}): string {
  const at = problem.offset === undefined ? '' : `,"offset":${problem.offset}`;
  return `{"kind":"error","code":${JSON.stringify(problem.code)}${at},"message":${JSON.stringify(problem.message)},"severity":"${problem.severity ?? 'error'}"}`;
}

/** The `end` record. */
export function formatEndRecord(end: Pick<SeaStreamerEnd, 'state' | 'offset'>): string {
  return `{"kind":"end","state":"${end.state}","offset":${end.offset}}`;
}

/** Frames record texts as NDJSON lines or as one JSON array (see {@link createRecordWriter}). */
export interface RecordWriter {
  /** Writes one record given as its JSON text; returns what `write` returned (a promise: wait for it). */
  record(json: string): Promise<void> | undefined;
  /** Closes the array in `json` mode (nothing in `ndjson` mode). */
  finish(): Promise<void> | undefined;
}

/**
 * Writes records through `write` (text out: a buffered stream, a string builder), one per line (`ndjson`) or as
 * one indented JSON array (`json`).
 *
 * @example
 * ```ts
 * let text = '';
 * const records = createRecordWriter((t) => { text += t; }, 'json');
 * records.record(formatHeaderRecord(header));
 * records.finish(); // text: '[\n  {"kind":"header",...}\n]\n'
 * ```
 */
export function createRecordWriter(
  write: (text: string) => Promise<void> | undefined | void,
  mode: 'ndjson' | 'json',
): RecordWriter {
  let count = 0;
  const out = (text: string) => write(text) ?? undefined;
  return {
    record(json) {
      if (mode === 'ndjson') return out(`${json}\n`);
      return out(`${count++ === 0 ? '[\n  ' : ',\n  '}${json}`);
    },
    finish() {
      return mode === 'ndjson' ? undefined : out(count === 0 ? '[]\n' : '\n]\n');
    },
  };
}
