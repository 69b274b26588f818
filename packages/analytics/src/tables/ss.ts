/**
 * The tables of SeaStreamer `.ss` files: `messages` (one row per message frame) and `beacons` (one row per beacon,
 * its markers as a list of structs).
 *
 * @module
 */
import { defineTable, fileColumns, msTimestamp, type TableSpec } from './types.js';

/** Largest `.ss` timestamp (9999-12-31T23:59:59.999Z); later values have a NULL `timestamp` (spec §2). */
export const MAX_TIMESTAMP_MS = 253402300799999n;

/** `messages`: one row per message of a `.ss` file, in file order. */
export const MESSAGES: TableSpec = defineTable({
  name: 'messages',
  format: 'ss',
  row: 'one message frame of a `.ss` file, in file order (also messages after an end-of-stream message, and messages whose checksum is wrong)',
  columns: [
    ...fileColumns(),
    {
      name: 'offset',
      type: 'UBIGINT',
      nullable: false,
      unit: 'bytes',
      description:
        'File offset of the first frame byte (after a beacon at that position). A keyword in SQL: write `"offset"`.',
    },
    {
      name: 'stream_key',
      type: 'VARCHAR',
      nullable: false,
      description: 'Stream key (may be empty; invalid UTF-8 replaced by U+FFFD).',
    },
    { name: 'shard_id', type: 'UBIGINT', nullable: false, description: 'Shard id (u64, exact).' },
    { name: 'seq_no', type: 'UBIGINT', nullable: false, description: 'Sequence number (u64, exact).' },
    {
      name: 'timestamp',
      type: 'TIMESTAMP_MS',
      nullable: true,
      unit: 'ms precision, UTC',
      description: 'The timestamp as a TIMESTAMP; NULL after 9999-12-31 (the raw value is in `timestamp_ms`).',
      expression: msTimestamp('timestamp_ms'),
    },
    {
      name: 'timestamp_ms',
      type: 'UBIGINT',
      nullable: false,
      unit: 'ms since the Unix epoch',
      description: 'The timestamp as stored (u64, exact).',
    },
    { name: 'payload_size', type: 'UINTEGER', nullable: false, unit: 'bytes', description: 'Payload length.' },
    { name: 'checksum', type: 'USMALLINT', nullable: false, description: 'CRC-16/CDMA2000 stored in the frame.' },
    {
      name: 'checksum_ok',
      type: 'BOOLEAN',
      nullable: false,
      description:
        "Whether the stored checksum equals the payload's CRC (false rows also have a CHECKSUM_MISMATCH problem).",
    },
    {
      name: 'eos',
      type: 'BOOLEAN',
      nullable: false,
      description: 'True for the end-of-stream message (key SEA_STREAMER_INTERNAL, payload `EOS`).',
    },
    { name: 'payload', type: 'BLOB', nullable: false, unit: 'bytes', description: 'Payload bytes.' },
    {
      name: 'payload_text',
      type: 'VARCHAR',
      nullable: true,
      description:
        'The payload as text when it is valid UTF-8 (the empty payload included), else NULL. Computed by the views from `payload` (`TRY(decode(payload))`), not stored in the files.',
      virtual: 'TRY(decode("payload"))',
    },
  ],
});

const MARKER_TYPE =
  'STRUCT(stream_key VARCHAR, shard_id UBIGINT, seq_no UBIGINT, "timestamp" TIMESTAMP_MS, timestamp_ms UBIGINT, running_checksum USMALLINT)';

const part = (n: number) => `split_part(m, ':', ${n})`;
const MARKERS_EXPRESSION = `CASE WHEN "_markers" = '' THEN []::${MARKER_TYPE}[] ELSE list_transform(string_split("_markers", ';'), m -> struct_pack(stream_key := decode(unhex(${part(1)})), shard_id := ${part(2)}::UBIGINT, seq_no := ${part(3)}::UBIGINT, "timestamp" := CASE WHEN ${part(4)}::UBIGINT <= 253402300799999 THEN epoch_ms(${part(4)}::BIGINT)::TIMESTAMP_MS END, timestamp_ms := ${part(4)}::UBIGINT, running_checksum := ${part(5)}::USMALLINT)) END`;

/** `beacons`: one row per beacon of a `.ss` file, its markers as a list of structs. */
export const BEACONS: TableSpec = defineTable({
  name: 'beacons',
  format: 'ss',
  row: 'one complete beacon of a `.ss` file (at every multiple of the beacon interval the data reaches), in file order',
  columns: [
    ...fileColumns(),
    {
      name: 'offset',
      type: 'UBIGINT',
      nullable: false,
      unit: 'bytes',
      description: 'File offset of the beacon (a multiple of the interval).',
    },
    { name: 'index', type: 'UINTEGER', nullable: false, description: 'Beacon index: offset / beacon interval.' },
    {
      name: 'remaining_message_bytes',
      type: 'UINTEGER',
      nullable: false,
      unit: 'bytes',
      description: 'Bytes of the frame the beacon interrupts that follow it (0 if none).',
    },
    { name: 'size', type: 'UINTEGER', nullable: false, unit: 'bytes', description: 'Beacon size.' },
    {
      name: 'markers',
      type: `${MARKER_TYPE}[]`,
      nullable: false,
      description:
        'The markers: per (stream key, shard) the largest sequence number and timestamp written before the beacon, and the running checksum (`timestamp` NULL after 9999).',
      expression: MARKERS_EXPRESSION,
    },
  ],
  hidden: [['_markers', 'VARCHAR']],
});
