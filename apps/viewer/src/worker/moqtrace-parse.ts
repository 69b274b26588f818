import { fromBlob, toHex } from '@x/binary';
import {
  decodeEventAt,
  openTraceReader,
  type TraceEvent,
  type TraceProblem,
  type TraceReader,
  type TraceSegmentInfo,
} from '@x/moqtrace';
import { createTrackTableBuilder, type TrackTableBuilder } from '@x/moqtrace/analysis';
import { renderEvent, renderHeader } from '@x/moqtrace/ndjson';
import { ColumnBuilder, StringTable, TRACE_SPEC } from './batch.js';
import { codeOf, type FileParser, messageOf } from './errors.js';
import { controlName, draftFromSetup, draftOf, textOf } from './moqt-analysis.js';
import type { Detail, DetailField, FromWorker, Json, StreamRow, TraceColumns, TrackRow } from './protocol.js';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

const TYPE_ID: Record<string, number> = {
  control: 0,
  'stream-opened': 1,
  'stream-closed': 2,
  'object-header': 3,
  'object-payload': 4,
  'state-change': 5,
  error: 6,
  annotation: 7,
  'peer-connected': 8,
  'peer-disconnected': 9,
  'subscription-derivation': 10,
  unknown: 255,
};

const BATCH = 8192;
const CHUNK = 1 << 20;

interface StreamAcc extends StreamRow {
  aliasNum: number;
}

const num = (v: number | bigint | undefined): number => (v === undefined ? Number.NaN : Number(v));

function shortJson(value: unknown, max = 120): string {
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v,
    );
  } catch {
    text = String(value);
  }
  if (text === undefined) return '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function controlSummary(message: unknown): string {
  if (message === null || typeof message !== 'object' || Array.isArray(message) || message instanceof Uint8Array) {
    return shortJson(message);
  }
  const m = message as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of ['request_id', 'requestId', 'subscribe_id', 'track_alias']) {
    if (m[key] !== undefined) parts.push(`${key}=${shortJson(m[key])}`);
  }
  const ns = m.track_namespace ?? m.namespace;
  const name = m.track_name;
  if (ns !== undefined || name !== undefined) {
    const nsText = Array.isArray(ns)
      ? ns.map((x) => (typeof x === 'string' ? x : shortJson(x))).join('/')
      : shortJson(ns);
    parts.push(`${nsText}${name !== undefined ? ` ${typeof name === 'string' ? name : shortJson(name)}` : ''}`);
  }
  for (const key of ['reason_phrase', 'reason', 'error_code', 'status_code', 'selected_version']) {
    if (m[key] !== undefined) parts.push(`${key}=${shortJson(m[key])}`);
  }
  if (parts.length === 0) {
    const rest = { ...m };
    delete rest.type;
    return shortJson(rest);
  }
  return parts.join(' ');
}

/** Parses a .moqtrace file with @x/moqtrace's incremental reader, posting columnar batches with progress. */
export class MoqtraceFileParser implements FileParser {
  private readonly strings = new StringTable();
  private readonly segments: TraceSegmentInfo[] = [];
  private offsets = new Float64Array(1024);
  private segOf = new Uint16Array(1024);
  private count = 0;
  private draft: number | null = null;
  private timeBaseUs = Number.NaN;
  private relative = false;
  private tracks: TrackTableBuilder | undefined;
  private readonly streams = new Map<number, StreamAcc>();
  private readonly problemOffsets: number[] = [];

  constructor(
    private readonly file: Blob,
    private readonly post: Post,
  ) {}

  async run(): Promise<void> {
    const source = fromBlob(this.file, { chunkSize: CHUNK });
    const builder = new ColumnBuilder<TraceColumns>(TRACE_SPEC, BATCH);
    let lastFlush = performance.now();
    const flush = () => {
      const { cols, transfer } = builder.take();
      this.post({ kind: 'trace-batch', cols, strings: this.strings.drain() }, transfer);
      this.post({ kind: 'progress', bytes: source.position, total: this.file.size });
      lastFlush = performance.now();
    };
    const segment = (info: TraceSegmentInfo) => {
      this.segments.push(info);
      if (this.segments.length === 1) {
        this.tracks = createTrackTableBuilder({ header: info.header });
        this.draft = draftOf(info.header.protocol);
        this.timeBaseUs = info.header.startTime * 1000;
      }
      this.postHeader();
    };
    let reader: TraceReader;
    try {
      reader = await openTraceReader(source, {
        segments: true,
        maxProblems: 0,
        onProblem: (problem) => this.problem(problem),
      });
    } catch (error) {
      // No usable first segment (the reader reports a cut first header as TRUNCATED).
      await source.close();
      const head = new Uint8Array(await this.file.slice(0, 32).arrayBuffer());
      this.post({ kind: 'fatal', code: codeOf(error), message: messageOf(error), hex: toHex(head) });
      return;
    }
    try {
      for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
        for (const record of batch) {
          if (record.kind === 'segment') {
            segment(record);
            continue;
          }
          this.addEvent(builder, record.event, record.offset, record.segment);
          if (builder.full) flush();
        }
        if (performance.now() - lastFlush > 50) flush();
      }
    } catch (error) {
      this.post({ kind: 'problem', problem: { severity: 'error', code: codeOf(error), message: messageOf(error) } });
    } finally {
      await source.close();
    }
    flush();
    const end = reader.end;
    this.post({
      kind: 'done',
      tracks: this.trackRows(),
      streams: [...this.streams.values()].sort((a, b) => a.sid - b.sid),
      complete: end?.complete ?? false,
      elapsedMs: 0,
    });
  }

  private postHeader(): void {
    this.post({
      kind: 'header',
      header: {
        format: 'moqtrace',
        segments: this.segments.map((s) => ({
          offset: s.offset,
          version: s.version,
          header: renderHeader(s.header) as Json,
        })),
        draft: this.draft,
        timeBaseUs: this.timeBaseUs,
        relativeToFirstEvent: this.relative,
      },
    });
  }

  private problem(p: TraceProblem): void {
    this.problemOffsets.push(p.offset);
    let message = p.message;
    if (p.code === 'TRUNCATED') {
      // A cut is at the end: every event was handed out before it (problems come in order with the records).
      message = `${p.message}; ${this.count} events decoded, ${this.file.size - p.offset} bytes after the cut`;
    }
    this.post({
      kind: 'problem',
      problem: { severity: p.severity, code: p.code, message, offset: p.offset, segment: p.segment },
    });
  }

  private addEvent(builder: ColumnBuilder<TraceColumns>, e: TraceEvent, offset: number, segment: number): void {
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
    const timeUs = segStartUs + t - this.timeBaseUs;
    const i = builder.length;
    const r = builder.row;
    const type = TYPE_ID[e.type] ?? 255;
    r.seq[i] = Number(e.seq);
    r.seg[i] = segment;
    r.time[i] = timeUs;
    r.type[i] = type;
    r.dir[i] = -1;
    r.sid[i] = Number.NaN;
    r.group[i] = Number.NaN;
    r.object[i] = Number.NaN;
    r.size[i] = Number.NaN;
    r.offset[i] = offset;
    r.name[i] = -1;
    r.summary[i] = -1;
    r.alias[i] = Number.NaN;
    const index = this.count;
    switch (e.type) {
      case 'control': {
        if (this.draft === null) this.draft = draftFromSetup(e.message);
        const name = controlName(e.message, e.messageType, this.draft);
        r.dir[i] = Number(e.direction);
        r.sid[i] = num(e.streamId);
        r.size[i] = e.raw ? e.raw.length : Number.NaN;
        r.name[i] = this.strings.intern(name);
        r.summary[i] = this.strings.intern(controlSummary(e.message));
        break;
      }
      case 'stream-opened': {
        const sid = Number(e.streamId);
        r.sid[i] = sid;
        r.dir[i] = Number(e.direction);
        r.alias[i] = num(e.trackAlias);
        r.group[i] = num(e.groupId);
        const kind = ['subgroup', 'datagram', 'fetch'][Number(e.streamType)] ?? `type ${e.streamType}`;
        const acc = this.stream(sid, timeUs);
        acc.dirLabel = Number(e.direction) === 0 ? '→ out' : '← in';
        acc.kind = kind;
        acc.openIndex = index;
        acc.aliasNum = num(e.trackAlias ?? e.fetchRequestId);
        acc.alias =
          e.trackAlias !== undefined
            ? String(e.trackAlias)
            : e.fetchRequestId !== undefined
              ? `fetch ${e.fetchRequestId}`
              : '';
        if (e.subgroupId !== undefined) acc.kind = `subgroup ${e.subgroupId}`;
        break;
      }
      case 'stream-closed': {
        const sid = Number(e.streamId);
        r.sid[i] = sid;
        const acc = this.stream(sid, timeUs);
        acc.closeIndex = index;
        acc.errorCode = Number(e.errorCode);
        r.summary[i] = this.strings.intern(
          Number(e.errorCode) === 0 ? 'closed cleanly' : `closed with error ${e.errorCode}`,
        );
        break;
      }
      case 'object-header':
      case 'object-payload': {
        const sid = Number(e.streamId);
        r.sid[i] = sid;
        r.group[i] = Number(e.groupId);
        r.object[i] = Number(e.objectId);
        const acc = this.stream(sid, timeUs);
        if (e.type === 'object-payload') {
          r.size[i] = Number(e.size);
          acc.objects++;
          acc.bytes += Number(e.size);
        } else if (Number(e.objectStatus) !== 0) {
          const status = ['normal', 'end of group', 'end of track', 'does not exist'][Number(e.objectStatus)];
          r.summary[i] = this.strings.intern(
            `group ${e.groupId} object ${e.objectId} · ${status ?? `status ${e.objectStatus}`}`,
          );
        }
        break;
      }
      case 'state-change':
        r.name[i] = this.strings.intern(e.to);
        r.summary[i] = this.strings.intern(`${e.from} → ${e.to}`);
        break;
      case 'error':
        r.sid[i] = num(e.streamId);
        r.size[i] = e.raw ? e.raw.length : Number.NaN;
        r.name[i] = this.strings.intern(e.errorKind ?? 'error');
        r.summary[i] = this.strings.intern(`code ${e.errorCode}: ${e.reason}`);
        break;
      case 'annotation':
        r.name[i] = this.strings.intern(e.label);
        r.summary[i] = this.strings.intern(e.data === undefined ? e.label : `${e.label} ${shortJson(e.data)}`);
        break;
      case 'peer-connected':
        r.name[i] = this.strings.intern(e.peer);
        r.summary[i] = this.strings.intern(`${e.peer} connected${e.endpoint ? ` from ${e.endpoint}` : ''}`);
        break;
      case 'peer-disconnected':
        r.name[i] = this.strings.intern(e.peer);
        r.summary[i] = this.strings.intern(
          `${e.peer} disconnected (code ${e.errorCode})${e.reason ? ` ${e.reason}` : ''}`,
        );
        break;
      case 'subscription-derivation':
        r.name[i] = this.strings.intern(e.kind);
        r.summary[i] = this.strings.intern(
          `${e.upstream.peer}#${e.upstream.requestId} ← ${e.downstream.map((d) => `${d.peer}#${d.requestId}`).join(', ')}`,
        );
        break;
      case 'unknown':
        r.name[i] = this.strings.intern(`e=${e.eventType}`);
        r.summary[i] = this.strings.intern(`unknown event type ${e.eventType} ${shortJson(e.fields)}`);
        break;
    }
    this.tracks?.add(e);
    builder.commit();
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
  }

  private stream(sid: number, timeUs: number): StreamAcc {
    let acc = this.streams.get(sid);
    if (!acc) {
      acc = {
        sid,
        dirLabel: '',
        kind: '',
        alias: '',
        aliasNum: Number.NaN,
        openIndex: -1,
        closeIndex: -1,
        errorCode: 0,
        objects: 0,
        bytes: 0,
        firstUs: timeUs,
        lastUs: timeUs,
      };
      this.streams.set(sid, acc);
    }
    if (timeUs < acc.firstUs) acc.firstUs = timeUs;
    if (timeUs > acc.lastUs) acc.lastUs = timeUs;
    return acc;
  }

  private trackRows(): TrackRow[] {
    const table = this.tracks?.result();
    if (!table) return [];
    return table.tracks.map((t) => {
      const streams = t.dataStreams
        .map((sid) => this.streams.get(Number(sid)))
        .filter((s): s is StreamAcc => s !== undefined);
      let objects = 0;
      let bytes = 0;
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const s of streams) {
        objects += s.objects;
        bytes += s.bytes;
        first = Math.min(first, s.firstUs);
        last = Math.max(last, s.lastUs);
      }
      const spanUs = last - first;
      const paired = t.pairing !== 'unpaired';
      return {
        namespace: textOf(t.namespace),
        name: textOf(t.name),
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
        objects,
        bytes,
        bitrate: spanUs > 0 ? (bytes * 8) / (spanUs / 1e6) : Number.NaN,
        requestIndex: t.requestIndex,
        responseIndex: t.responseIndex ?? -1,
        streams: streams.map((s) => s.sid),
        paired,
      };
    });
  }

  /** Re-reads one event's bytes and decodes them with the library's `decodeEventAt`. */
  async detail(index: number): Promise<Detail | null> {
    if (index < 0 || index >= this.count) return null;
    const offset = this.offsets[index] as number;
    const segIndex = this.segOf[index] as number;
    const seg = this.segments[segIndex];
    if (!seg) return null;
    let end = this.file.size;
    if (index + 1 < this.count) end = this.offsets[index + 1] as number;
    const nextSeg = this.segments[segIndex + 1];
    if (nextSeg && nextSeg.offset < end) end = nextSeg.offset;
    for (const p of this.problemOffsets) if (p > offset && p < end) end = p;
    const item = new Uint8Array(await this.file.slice(offset, end).arrayBuffer());
    const decoded = decodeEventAt(item, 0, { segment: segIndex });
    if (!decoded.ok) return null;
    const event = decoded.event;
    return this.describe(index, event, offset, item.length);
  }

  private describe(index: number, event: TraceEvent, offset: number, itemLength: number): Detail {
    const rendered = renderEvent(event);
    const fields: DetailField[] = [
      { label: 'event', value: `#${index} in file order` },
      { label: 'offset', value: `${offset} (${itemLength} bytes of CBOR)` },
    ];
    const trees: { label: string; value: Json }[] = [];
    const bytes: Detail['bytes'] = [];
    let title: string = event.type;
    if (event.type === 'control') {
      const name = controlName(event.message, event.messageType, this.draft);
      title = `${name.toUpperCase()} ${Number(event.direction) === 0 ? '→ sent' : '← received'}`;
      fields.push({ label: 'message name', value: name });
      fields.push({
        label: 'messageType',
        value: `0x${Number(event.messageType).toString(16)}${this.draft !== null ? ` (draft ${this.draft})` : ''}`,
      });
    }
    for (const [key, value] of Object.entries(rendered)) {
      if (key === 'extra') continue;
      if (key === 'message' || key === 'data' || key === 'fields' || key === 'downstream' || key === 'upstream') {
        trees.push({ label: key === 'message' ? 'msg (message)' : key, value: value as Json });
        continue;
      }
      if ((key === 'raw' || key === 'payload') && typeof value === 'string') {
        fields.push({ label: key, value: `${value.length / 2} bytes (below)` });
        continue;
      }
      fields.push({ label: key, value: typeof value === 'string' ? value : JSON.stringify(value) });
    }
    const record = event as unknown as Record<string, unknown>;
    for (const key of ['raw', 'payload', 'traceId', 'trackName'] as const) {
      const v = record[key];
      if (v instanceof Uint8Array) {
        bytes.push({ label: key, offset: 0, data: v.slice(0, 1 << 20), total: v.length });
      }
    }
    if (
      event.type === 'error' &&
      event.rawLength !== undefined &&
      event.raw &&
      Number(event.rawLength) > event.raw.length
    ) {
      fields.push({ label: 'raw truncated', value: `${event.raw.length} of ${event.rawLength} bytes recorded` });
    }
    return {
      index,
      title,
      fields,
      trees,
      bytes,
      extra: (rendered.extra as Json | undefined) ?? null,
      text: null,
    };
  }
}
