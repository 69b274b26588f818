/**
 * The NDJSON record contract (one JSON object per line, `kind` first):
 *
 * - `header`: `.ss`: `format`, `version`, `offset`, `fileName`, `createdAtMs`, `createdAt`, `beaconInterval`,
 *   `paddingOk`; `.moqtrace`: one per segment with `format`, `version`, `segment`, `offset` and all header
 *   fields under their friendly names.
 * - `message` (`.ss`): `offset, streamKey, shardId, seqNo, timestampMs, timestamp, payloadSize, checksum,
 *   payload, payloadEncoding, eos`.
 * - `event` (`.moqtrace`): `offset, segment`, then the canonical rendering of the event.
 * - `beacon` (`.ss`, with `--beacons`): `offset, index, remainingMessageBytes, size, markers`.
 * - `error`: `code, offset, message, severity` (`error` or `warning`).
 * - `end`: `state` (`eof`, `eos`, `truncated`, `removed`) and `offset`; always the last record.
 *
 * u64 values are JSON numbers up to 2^53−1 and decimal strings above.
 *
 * @module
 */
import {
  formatIsoTimestamp,
  type SeaStreamerBeacon,
  type SeaStreamerHeader,
  type SeaStreamerMessage,
} from '@x/seastreamer-file';
import { type PayloadMode, renderPayload, u64Text } from './json.js';

/** End states of a read. */
export type EndState = 'eof' | 'eos' | 'truncated' | 'removed';

/** A `.ss` header as the records need it. */
export type SsHeaderLike = Pick<SeaStreamerHeader, 'fileName' | 'createdAt' | 'beaconInterval' | 'paddingOk'>;

/** A `.ss` message as the records need it. */
export type SsMessageLike = Pick<
  SeaStreamerMessage,
  'streamKey' | 'shardId' | 'seqNo' | 'timestamp' | 'payload' | 'checksum' | 'offset' | 'isEos'
>;

/** A `.ss` beacon as the records need it. */
export type SsBeaconLike = Pick<SeaStreamerBeacon, 'offset' | 'index' | 'remainingMessageBytes' | 'size' | 'markers'>;

/** The `.ss` header record (without the trailing newline). */
export function ssHeaderRecord(h: SsHeaderLike): string {
  return `{"kind":"header","format":"ss","version":1,"offset":0,"fileName":${JSON.stringify(h.fileName)},"createdAtMs":${u64Text(h.createdAt)},"createdAt":${JSON.stringify(formatIsoTimestamp(h.createdAt))},"beaconInterval":${h.beaconInterval},"paddingOk":${h.paddingOk}}`;
}

/** A `.ss` message record (without the trailing newline). */
export function ssMessageRecord(m: SsMessageLike, payloadMode: PayloadMode): string {
  const rendered = renderPayload(m.payload, payloadMode);
  const payload = rendered
    ? `,"payload":${JSON.stringify(rendered.payload)},"payloadEncoding":"${rendered.payloadEncoding}"`
    : '';
  return `{"kind":"message","offset":${m.offset},"streamKey":${JSON.stringify(m.streamKey)},"shardId":${u64Text(m.shardId)},"seqNo":${u64Text(m.seqNo)},"timestampMs":${u64Text(m.timestamp)},"timestamp":${JSON.stringify(formatIsoTimestamp(m.timestamp))},"payloadSize":${m.payload.length},"checksum":${m.checksum}${payload},"eos":${m.isEos}}`;
}

/** A `.ss` beacon record (without the trailing newline). */
export function ssBeaconRecord(b: SsBeaconLike): string {
  const markers = b.markers
    .map(
      (k) =>
        `{"streamKey":${JSON.stringify(k.streamKey)},"shardId":${u64Text(k.shardId)},"seqNo":${u64Text(k.seqNo)},"timestampMs":${u64Text(k.timestamp)},"timestamp":${JSON.stringify(formatIsoTimestamp(k.timestamp))},"runningChecksum":${k.runningChecksum}}`,
    )
    .join(',');
  return `{"kind":"beacon","offset":${b.offset},"index":${b.index},"remainingMessageBytes":${b.remainingMessageBytes},"size":${b.size},"markers":[${markers}]}`;
}

/** An `error` record (without the trailing newline). */
export function errorRecord(
  code: string,
  message: string,
  offset: number | undefined,
  severity: 'error' | 'warning' = 'error',
): string {
  const at = offset === undefined ? '' : `,"offset":${offset}`;
  return `{"kind":"error","code":${JSON.stringify(code)}${at},"message":${JSON.stringify(message)},"severity":"${severity}"}`;
}

/** The final `end` record (without the trailing newline). */
export function endRecord(state: EndState, offset: number): string {
  return `{"kind":"end","state":"${state}","offset":${offset}}`;
}
