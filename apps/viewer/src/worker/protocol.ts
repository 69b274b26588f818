/**
 * Messages between the UI thread and the parse worker. Records travel in compact columnar batches: typed arrays
 * (transferred, not copied) plus the strings first seen in the batch, appended to a per-file string table.
 */

/** The formats the viewer opens (detected from the first bytes), `unknown` for anything else. */
export type FileFormat = 'moqtrace' | 'qlog' | 'ss' | 'unknown';

/** Formats whose records are `.moqtrace` events (a qlog/mlog file is read as `.moqtrace` events). */
export type TraceFormat = 'moqtrace' | 'qlog';

/** A JSON-safe value (the worker renders bigints, bytes, maps to tagged JSON before posting). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Columns of one batch of .moqtrace events (index i of every array is one event). */
export interface TraceColumns {
  /** `n`, per segment. */
  seq: Float64Array;
  /** Segment index. */
  seg: Uint16Array;
  /** Microseconds relative to the trace's time base (see {@link TraceHeaderInfo.timeBaseUs}). */
  time: Float64Array;
  /** Event type 0-10; 255 = unknown type. */
  type: Uint8Array;
  /** 0 sent/outgoing, 1 received/incoming, -1 none. */
  dir: Int8Array;
  /** QUIC stream id, NaN when absent. */
  sid: Float64Array;
  /** Group id, NaN when absent. */
  group: Float64Array;
  /** Object id, NaN when absent. */
  object: Float64Array;
  /** Size in bytes (payload size, raw length), NaN when unknown. */
  size: Float64Array;
  /** File offset of the event item. */
  offset: Float64Array;
  /** String index of the name column (control message name, annotation label, ...), -1 none. */
  name: Int32Array;
  /** String index of the one-line summary, -1 none. */
  summary: Int32Array;
  /** Track alias of a stream-opened event, NaN when absent. */
  alias: Float64Array;
  /**
   * Publisher priority of an object header whose summary the UI derives from the columns (`summary` -1), -1
   * otherwise.
   */
  prio: Int32Array;
}

/** Columns of one batch of .ss messages. */
export interface SsColumns {
  /** Index into the stream list (key, shard). */
  stream: Int32Array;
  seq: Float64Array;
  /** Milliseconds since the epoch. */
  ts: Float64Array;
  size: Float64Array;
  offset: Float64Array;
  /** Bit flags, see {@link SS_FLAG}. */
  flags: Uint8Array;
  /** String index of the payload preview. */
  preview: Int32Array;
}

export const SS_FLAG = {
  checksum: 1,
  spliced: 2,
  eos: 4,
  text: 8,
  json: 16,
} as const;

export interface Problem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  offset?: number;
  segment?: number;
}

export interface TraceSegmentInfo {
  /** Byte offset of the segment (its preamble, or the qlog record that starts the trace). */
  offset: number;
  /** `.moqtrace` format version, null for a trace read from qlog. */
  version: number | null;
  /** The `.moqtrace` header as JSON. */
  header: Json;
}

export interface TraceHeaderInfo {
  format: 'moqtrace';
  /** The file's own format: a `.moqtrace` trace, or a qlog/mlog file read as `.moqtrace` events. */
  source: TraceFormat;
  segments: TraceSegmentInfo[];
  /** Draft number from `protocol` or the negotiated version, when known. */
  draft: number | null;
  /** `protocol` of the first segment. */
  protocol: string;
  /** The MoQT version as `0xff00000e (draft-14)` (negotiated in SETUP, else from `protocol`), empty when unknown. */
  version: string;
  /** `perspective` of the first segment. */
  perspective: string;
  /** `startTime` of the first segment, ms since the epoch. */
  startTime: number;
  /** True when the times were recorded on a clock without a known epoch (a qlog file with a relative time base). */
  relativeClock: boolean;
  /** `endTime − startTime` of the first segment when finalised, else the span of the events read so far (ms). */
  durationMs: number;
  /** Microseconds: the epoch time corresponding to time 0 of the `time` column (ms * 1000). */
  timeBaseUs: number;
  /** True when times are relative to the first event (reference recorder clocks). */
  relativeToFirstEvent: boolean;
  /** How a qlog file is laid out (`json-seq`, `contained`, ...), empty for `.moqtrace`. */
  framing: string;
}

export interface SsStreamInfo {
  key: string;
  shard: string;
  count: number;
  minSeq: string;
  maxSeq: string;
  minTs: number;
  maxTs: number;
  bytes: number;
  ended: boolean;
}

export interface SsHeaderInfo {
  format: 'ss';
  fileName: string;
  createdAt: number;
  beaconInterval: number;
  fileSize: number;
}

export interface TrackRow {
  namespace: string;
  name: string;
  key: string;
  alias: string;
  status: string;
  reason: string;
  /** Latency request → response in µs, NaN when unknown. */
  latencyUs: number;
  objects: number;
  bytes: number;
  /** Bits per second over the track's data span, NaN when unknown. */
  bitrate: number;
  /** Event indices (flattened) of the request and response, -1 when absent. */
  requestIndex: number;
  responseIndex: number;
  /** Stream ids of the track's data streams. */
  streams: number[];
  paired: boolean;
}

export interface StreamRow {
  sid: number;
  dirLabel: string;
  kind: string;
  alias: string;
  openIndex: number;
  closeIndex: number;
  errorCode: number;
  /** Object headers (event 3). */
  objects: number;
  /** Payloads (event 4). */
  payloads: number;
  /** Payload bytes. */
  bytes: number;
  firstUs: number;
  lastUs: number;
}

export interface BeaconBatch {
  offset: Float64Array;
  remaining: Float64Array;
  markers: Uint16Array;
}

export type ToWorker =
  | { kind: 'open'; file: Blob; name: string }
  | { kind: 'detail'; reqId: number; index: number }
  | { kind: 'seek'; reqId: number; stream: number; by: 'seq' | 'time'; value: string };

export type FromWorker =
  | { kind: 'format'; format: FileFormat; size: number }
  | { kind: 'header'; header: TraceHeaderInfo | SsHeaderInfo }
  | { kind: 'trace-batch'; cols: TraceColumns; strings: string[] }
  | { kind: 'ss-batch'; cols: SsColumns; strings: string[]; beacons: BeaconBatch }
  | { kind: 'ss-streams'; streams: SsStreamInfo[] }
  | { kind: 'progress'; bytes: number; total: number }
  | { kind: 'problem'; problem: Problem }
  | { kind: 'done'; tracks: TrackRow[]; streams: StreamRow[]; complete: boolean; elapsedMs: number }
  | { kind: 'fatal'; code: string; message: string; hex: string }
  | { kind: 'detail'; reqId: number; detail: Detail | null }
  | { kind: 'seek'; reqId: number; index: number; message: string };

export interface DetailField {
  label: string;
  value: string;
}

export interface Detail {
  index: number;
  title: string;
  fields: DetailField[];
  /** JSON trees to show, e.g. `message`, `data`, `fields`. */
  trees: { label: string; value: Json }[];
  /** Byte views to show (raw, payload). */
  bytes: { label: string; offset: number; data: Uint8Array; total: number }[];
  /** Preserved unknown keys. */
  extra: Json | null;
  /** Text rendering (payload as UTF-8 or pretty JSON). */
  text: { label: string; value: string } | null;
  /** The record as the file has it, when that is text (a qlog record), shown last. */
  source: { label: string; value: string } | null;
}
