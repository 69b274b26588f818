/**
 * The rows of a trace, whatever file it came from (`.moqtrace`, or qlog/mlog read as `.moqtrace` events): one
 * columnar row per event with the library's one-line summary (`summarizeEvent`), the library's incremental
 * statistics (`createStatsBuilder`, per data stream) and track table (`createTrackTableBuilder`), the header line,
 * and the byte offset of each event for the detail pane.
 */
import { EVENT_TYPE_IDS, messageAsMap, type TraceEvent, type TraceHeader } from '@x/moqtrace';
import {
  createStatsBuilder,
  createTrackTableBuilder,
  directionName,
  draftFromProtocol,
  draftFromVersion,
  formatMoqtVersion,
  type StatsBuilder,
  type StreamStats,
  streamTypeName,
  summarizeEvent,
  type TrackTableBuilder,
  valueText,
  versionFromDraft,
} from '@x/moqtrace/analysis';
import { renderHeader } from '@x/moqtrace/ndjson';
import { ColumnBuilder, StringTable, TRACE_SPEC } from './batch.js';
import type { FromWorker, Json, StreamRow, TraceColumns, TraceFormat, TrackRow } from './protocol.js';

/** Posts a message to the UI thread (with transferables). */
export type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Rows per batch. */
const BATCH = 8192;
/** A batch is posted at least this often (ms) while rows arrive. */
const FLUSH_MS = 50;
/** Unknown event types in the `type` column. */
const UNKNOWN_TYPE = 255;

/** A segment as the readers report it. */
export interface SegmentStart {
  offset: number;
  /** `.moqtrace` version, null for qlog. */
  version: number | null;
  header: TraceHeader;
}

const num = (v: number | bigint | undefined): number => (v === undefined ? Number.NaN : Number(v));

/** Builds the columns, statistics, tracks and header of a trace from its events in file order. */
export class TraceRows {
  private readonly strings = new StringTable();
  private readonly builder = new ColumnBuilder<TraceColumns>(TRACE_SPEC, BATCH);
  readonly segments: SegmentStart[] = [];
  private offsets = new Float64Array(1024);
  private segOf = new Uint16Array(1024);
  /** Events so far. */
  count = 0;
  /** Draft of the trace (from `protocol`, else the negotiated version), once known. */
  draft: number | undefined;
  private negotiated = '';
  private timeBaseUs = Number.NaN;
  private relative = false;
  private maxAbsUs = Number.NEGATIVE_INFINITY;
  private stats: StatsBuilder | undefined;
  private tracks: TrackTableBuilder | undefined;
  private lastFlush = performance.now();
  private bytes = 0;
  private total = 0;
  private framing = '';

  constructor(
    private readonly post: Post,
    private readonly source: TraceFormat,
  ) {}

  /** A segment starts (the first one sets the draft, the time base and the builders). */
  startSegment(segment: SegmentStart): void {
    this.segments.push(segment);
    if (this.segments.length === 1) {
      const header = segment.header;
      this.stats = createStatsBuilder({ header });
      this.tracks = createTrackTableBuilder({ header });
      this.draft = draftFromProtocol(header.protocol);
      this.timeBaseUs = header.startTime * 1000;
    }
    this.postHeader();
  }

  /** Replaces a segment's header (a qlog reader's header grows while it reads) and posts the header again. */
  updateHeader(index: number, header: TraceHeader, framing: string): void {
    const segment = this.segments[index];
    if (segment) segment.header = header;
    this.framing = framing;
    this.postHeader();
  }

  private postHeader(): void {
    const first = this.segments[0]?.header;
    const fromDraft = this.draft === undefined ? undefined : versionFromDraft(this.draft);
    const duration =
      first?.endTime !== undefined
        ? first.endTime - first.startTime
        : Number.isFinite(this.maxAbsUs) && first
          ? Math.max(0, this.maxAbsUs / 1000 - first.startTime)
          : Number.NaN;
    this.post({
      kind: 'header',
      header: {
        format: 'moqtrace',
        source: this.source,
        segments: this.segments.map((s) => ({
          offset: s.offset,
          version: s.version,
          header: renderHeader(s.header) as Json,
        })),
        draft: this.draft ?? null,
        protocol: first?.protocol ?? '',
        version: this.negotiated || (fromDraft === undefined ? '' : formatMoqtVersion(fromDraft)),
        perspective: first?.perspective ?? '',
        startTime: first?.startTime ?? Number.NaN,
        relativeClock: first?.custom?.qlogTimeBase === 'relative',
        durationMs: duration,
        timeBaseUs: this.timeBaseUs,
        relativeToFirstEvent: this.relative,
        framing: this.framing,
      },
    });
  }

  /** Adds the next event (`offset`: byte offset of its record in the file). */
  add(e: TraceEvent, offset: number, segment: number): void {
    const seg = this.segments[segment] ?? this.segments[this.segments.length - 1];
    const segStartUs = (seg?.header.startTime ?? 0) * 1000;
    const t = Number(e.timestamp);
    if (this.count === 0) {
      // Reference recorders use a clock unrelated to startTime (spec §11.8): then show times from the first event.
      const h = seg?.header;
      const durationUs = h?.endTime !== undefined ? (h.endTime - h.startTime) * 1000 : Number.NaN;
      if (Number.isFinite(durationUs) && t > durationUs + 1_000_000) {
        this.relative = true;
        this.timeBaseUs = segStartUs + t;
        this.postHeader();
      }
    }
    const absUs = segStartUs + t;
    if (absUs > this.maxAbsUs) this.maxAbsUs = absUs;
    const i = this.builder.length;
    const r = this.builder.row;
    r.seq[i] = Number(e.seq);
    r.seg[i] = segment;
    r.time[i] = absUs - this.timeBaseUs;
    r.offset[i] = offset;
    r.dir[i] = -1;
    r.sid[i] = Number.NaN;
    r.group[i] = Number.NaN;
    r.object[i] = Number.NaN;
    r.size[i] = Number.NaN;
    r.alias[i] = Number.NaN;
    r.prio[i] = -1;
    r.name[i] = -1;
    r.summary[i] = -1;
    // One switch on the type (the hot path of a million events); object events whose summary the UI can derive
    // exactly from the columns (ids within 2^53, status normal) get no summary string.
    let derived = false;
    switch (e.type) {
      case 'object-header':
      case 'object-payload': {
        r.type[i] = EVENT_TYPE_IDS[e.type];
        // Number() of an id beyond 2^53 is not a safe integer: the test of exactness costs no bigint comparison
        const sid = Number(e.streamId);
        const group = Number(e.groupId);
        const object = Number(e.objectId);
        r.sid[i] = sid;
        r.group[i] = group;
        r.object[i] = object;
        const ids = Number.isSafeInteger(sid) && Number.isSafeInteger(group) && Number.isSafeInteger(object);
        if (e.type === 'object-payload') {
          const size = Number(e.size);
          r.size[i] = size;
          derived = ids && Number.isSafeInteger(size);
        } else {
          const p = Number(e.publisherPriority);
          derived = ids && Number(e.objectStatus) === 0 && Number.isInteger(p) && p >= 0 && p <= 0x7fffffff;
          if (derived) r.prio[i] = p;
        }
        break;
      }
      case 'control':
        r.type[i] = EVENT_TYPE_IDS.control;
        r.dir[i] = Number(e.direction);
        r.sid[i] = num(e.streamId);
        if (e.raw) r.size[i] = e.raw.length;
        if (this.negotiated === '') this.negotiate(e.message);
        break;
      case 'stream-opened':
        r.type[i] = EVENT_TYPE_IDS['stream-opened'];
        r.dir[i] = Number(e.direction);
        r.sid[i] = Number(e.streamId);
        r.alias[i] = num(e.trackAlias);
        break;
      case 'stream-closed':
        r.type[i] = EVENT_TYPE_IDS['stream-closed'];
        r.sid[i] = Number(e.streamId);
        break;
      case 'error':
        r.type[i] = EVENT_TYPE_IDS.error;
        r.sid[i] = num(e.streamId);
        if (e.raw) r.size[i] = e.raw.length;
        break;
      case 'unknown':
        r.type[i] = UNKNOWN_TYPE;
        break;
      default:
        r.type[i] = EVENT_TYPE_IDS[e.type];
    }
    if (!derived) {
      const { name, text } = summarizeEvent(e, { draft: this.draft });
      if (name !== '') r.name[i] = this.strings.intern(name);
      if (text !== '') r.summary[i] = this.strings.intern(text);
    }
    this.stats?.add(e);
    this.tracks?.add(e);
    this.builder.commit();
    if (this.count === this.offsets.length) {
      const offsets = new Float64Array(this.count * 2);
      offsets.set(this.offsets);
      this.offsets = offsets;
      const segs = new Uint16Array(this.count * 2);
      segs.set(this.segOf);
      this.segOf = segs;
    }
    this.offsets[this.count] = offset;
    this.segOf[this.count] = segment;
    this.count++;
    if (this.builder.full) this.flush();
  }

  /** The negotiated version (a SETUP's `selected_version`) names the draft when the protocol did not. */
  private negotiate(message: unknown): void {
    const selected = messageAsMap(message)?.selected_version;
    const draft = draftFromVersion(selected);
    if (draft === undefined || (typeof selected !== 'number' && typeof selected !== 'bigint')) return;
    this.negotiated = formatMoqtVersion(selected);
    this.draft ??= draft;
    this.postHeader();
  }

  /** Call after each batch of the reader: posts the rows built so far when the last post is older than 50 ms. */
  batchDone(bytes: number, total: number): void {
    this.bytes = bytes;
    this.total = total;
    if (performance.now() - this.lastFlush > FLUSH_MS) this.flush();
  }

  /** Posts the rows built so far and the progress. */
  flush(bytes = this.bytes, total = this.total): void {
    const { cols, transfer } = this.builder.take();
    this.post({ kind: 'trace-batch', cols, strings: this.strings.drain() }, transfer);
    this.post({ kind: 'progress', bytes, total });
    this.lastFlush = performance.now();
  }

  /** Posts the header (final duration), the track table and the stream list. */
  finish(complete: boolean): void {
    this.postHeader();
    const streams = this.stats?.result().streams ?? [];
    this.post({
      kind: 'done',
      tracks: this.trackRows(streams),
      streams: streams.map((s) => this.streamRow(s)).sort((a, b) => a.sid - b.sid),
      complete,
      elapsedMs: 0,
    });
  }

  /** Byte offset of event `index`'s record. */
  offsetOf(index: number): number {
    return this.offsets[index] as number;
  }

  /** Segment of event `index`. */
  segmentOf(index: number): number {
    return this.segOf[index] as number;
  }

  /** µs on the time column of a timestamp of the segment of event `index`. */
  private timeUs(timestamp: number, index: number | undefined): number {
    const seg = this.segments[index === undefined ? 0 : this.segmentOf(index)] ?? this.segments[0];
    return (seg?.header.startTime ?? 0) * 1000 + timestamp - this.timeBaseUs;
  }

  private streamRow(s: StreamStats): StreamRow {
    const kind =
      s.streamType === undefined
        ? ''
        : `${streamTypeName(s.streamType)}${s.subgroupId !== undefined ? ` ${s.subgroupId}` : ''}`;
    const direction =
      s.direction === undefined
        ? ''
        : (directionName({
            type: 'stream-opened',
            seq: 0,
            timestamp: 0,
            streamId: s.streamId,
            direction: s.direction,
            streamType: s.streamType ?? 0,
          }) ?? '');
    const arrow = Number(s.direction) === 0 ? '→ ' : Number(s.direction) === 1 ? '← ' : '';
    return {
      sid: Number(s.streamId),
      dirLabel: direction ? `${arrow}${direction}` : '',
      kind,
      alias:
        s.trackAlias !== undefined
          ? String(s.trackAlias)
          : s.fetchRequestId !== undefined
            ? `fetch ${s.fetchRequestId}`
            : '',
      openIndex: s.openIndex ?? -1,
      closeIndex: s.closeIndex ?? -1,
      errorCode: s.closed ? Number(s.closed.errorCode) : 0,
      objects: s.objects,
      payloads: s.payloads,
      bytes: s.bytes,
      firstUs: this.timeUs(s.firstTimestamp, s.openIndex),
      lastUs: this.timeUs(s.lastTimestamp, s.closeIndex ?? s.openIndex),
    };
  }

  private trackRows(streams: StreamStats[]): TrackRow[] {
    const table = this.tracks?.result();
    if (!table) return [];
    const byId = new Map(streams.map((s) => [s.streamId, s]));
    return table.tracks.map((t) => {
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      const sids: number[] = [];
      for (const id of t.dataStreams) {
        const s = byId.get(id);
        if (!s) continue;
        sids.push(Number(id));
        first = Math.min(first, this.timeUs(s.firstTimestamp, s.openIndex));
        last = Math.max(last, this.timeUs(s.lastTimestamp, s.closeIndex ?? s.openIndex));
      }
      const spanUs = last - first;
      const paired = t.pairing !== 'unpaired';
      return {
        namespace: valueText(t.namespace),
        name: valueText(t.name),
        key:
          t.pairing === 'stream'
            ? `sid:${t.streamId}`
            : t.pairing === 'request-id'
              ? String(t.requestId)
              : `#${t.requestIndex}`,
        alias: t.alias !== undefined ? String(t.alias) : '',
        status: t.status,
        // the table shows error reasons only (the library also keeps the reason of a done message)
        reason: t.status === 'error' ? (t.reason ?? '') : paired ? '' : 'unpaired: no request id / stream id',
        latencyUs: t.latencyMicros ?? Number.NaN,
        objects: t.objects,
        bytes: t.bytes,
        bitrate: spanUs > 0 ? (t.bytes * 8) / (spanUs / 1e6) : Number.NaN,
        requestIndex: t.requestIndex,
        responseIndex: t.responseIndex ?? -1,
        streams: sids,
        paired,
      };
    });
  }
}
