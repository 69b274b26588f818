import { fromBlob, toHex } from '@x/binary';
import {
  createStatsBuilder,
  formatIsoTimestamp,
  openSeaStreamerReader,
  type SeaStreamerMessage,
  type SeaStreamerProblem,
  type SeaStreamerReader,
} from '@x/seastreamer-file';
import { ColumnBuilder, SS_SPEC, StringTable } from './batch.js';
import { codeOf, type FileParser, messageOf } from './errors.js';
import { payloadText, previewPayload } from './payload.js';
import { type Detail, type FromWorker, SS_FLAG, type SsColumns, type SsStreamInfo } from './protocol.js';

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

const BATCH = 8192;
const CHUNK = 1 << 20;

/** Parses a SeaStreamer .ss file with @x/seastreamer-file's streaming reader, posting columnar batches. */
export class SsParser implements FileParser {
  private readonly strings = new StringTable();
  private readonly stats = createStatsBuilder();
  /** Keys and shards by stream index (for seeks), and whether the stream ended with EOS. */
  private readonly streams: { key: string; shard: bigint; ended: boolean }[] = [];
  private offsets = new Float64Array(1024);
  private count = 0;
  private randomReader: Promise<SeaStreamerReader> | null = null;

  constructor(
    private readonly file: Blob,
    private readonly post: Post,
  ) {}

  async run(): Promise<void> {
    const source = fromBlob(this.file, { chunkSize: CHUNK });
    let reader: SeaStreamerReader;
    try {
      reader = await openSeaStreamerReader(source, { beacons: true, onProblem: (p) => this.problem(p) });
    } catch (error) {
      const head = new Uint8Array(await this.file.slice(0, 32).arrayBuffer());
      this.post({ kind: 'fatal', code: codeOf(error), message: messageOf(error), hex: toHex(head) });
      return;
    }
    const h = reader.header;
    this.post({
      kind: 'header',
      header: {
        format: 'ss',
        fileName: h.fileName,
        createdAt: Number(h.createdAt),
        beaconInterval: h.beaconInterval,
        fileSize: this.file.size,
      },
    });
    const builder = new ColumnBuilder<SsColumns>(SS_SPEC, BATCH);
    let beaconOffsets: number[] = [];
    let beaconRemaining: number[] = [];
    let beaconMarkers: number[] = [];
    let lastFlush = performance.now();
    let streamsPosted = 0;
    const flush = () => {
      const { cols, transfer } = builder.take();
      const beacons = {
        offset: Float64Array.from(beaconOffsets),
        remaining: Float64Array.from(beaconRemaining),
        markers: Uint16Array.from(beaconMarkers),
      };
      beaconOffsets = [];
      beaconRemaining = [];
      beaconMarkers = [];
      if (this.streams.length !== streamsPosted || cols.seq.length > 0) {
        this.post({ kind: 'ss-streams', streams: this.streamInfos() });
        streamsPosted = this.streams.length;
      }
      this.post({ kind: 'ss-batch', cols, strings: this.strings.drain(), beacons }, [
        ...transfer,
        beacons.offset.buffer,
        beacons.remaining.buffer,
        beacons.markers.buffer,
      ]);
      this.post({ kind: 'progress', bytes: source.position, total: this.file.size });
      lastFlush = performance.now();
    };
    for (;;) {
      let batch: Awaited<ReturnType<SeaStreamerReader['nextBatch']>>;
      try {
        batch = await reader.nextBatch();
      } catch (error) {
        this.post({
          kind: 'problem',
          problem: { severity: 'error', code: codeOf(error), message: messageOf(error) },
        });
        continue;
      }
      if (batch === null) break;
      for (const item of batch) {
        if (item.kind === 'beacon') {
          beaconOffsets.push(item.offset);
          beaconRemaining.push(item.remainingMessageBytes);
          beaconMarkers.push(item.markers.length);
          continue;
        }
        this.addMessage(builder, item);
        if (builder.full) flush();
      }
      if (performance.now() - lastFlush > 50) flush();
    }
    flush();
    const end = reader.end;
    if (end?.state === 'truncated') {
      this.post({
        kind: 'problem',
        problem: {
          severity: 'warning',
          code: 'TRUNCATED',
          message: `the file ends inside a frame or beacon (${end.trailingBytes} trailing bytes)`,
          offset: end.offset,
        },
      });
    }
    this.post({ kind: 'done', tracks: [], streams: [], complete: end?.state !== 'truncated', elapsedMs: 0 });
  }

  private problem(p: SeaStreamerProblem): void {
    this.post({
      kind: 'problem',
      problem: {
        severity: p.severity,
        code: p.code,
        message: p.message,
        ...(p.offset !== undefined ? { offset: p.offset } : {}),
      },
    });
  }

  private addMessage(builder: ColumnBuilder<SsColumns>, m: SeaStreamerMessage): void {
    const s = this.stats.add(m);
    const stream = (this.streams[s] ??= { key: m.streamKey, shard: m.shardId, ended: false });
    if (m.isEos) stream.ended = true;
    const view = m.isEos ? { text: true, json: false, preview: 'EOS (end of stream)' } : previewPayload(m.payload);
    const row = builder.row;
    const i = builder.length;
    row.stream[i] = s;
    row.seq[i] = Number(m.seqNo);
    row.ts[i] = Number(m.timestamp);
    row.size[i] = m.payload.length;
    row.offset[i] = m.offset;
    row.flags[i] =
      (m.checksumOk === false ? SS_FLAG.checksum : 0) |
      (m.splicedBy.length > 0 ? SS_FLAG.spliced : 0) |
      (m.isEos ? SS_FLAG.eos : 0) |
      (view.text ? SS_FLAG.text : 0) |
      (view.json ? SS_FLAG.json : 0);
    row.preview[i] = this.strings.intern(view.preview);
    builder.commit();
    if (this.count === this.offsets.length) {
      const next = new Float64Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    this.offsets[this.count++] = m.offset;
  }

  private streamInfos(): SsStreamInfo[] {
    return this.stats.streams().map((st, i) => ({
      key: st.streamKey,
      shard: String(st.shardId),
      count: st.messageCount,
      minSeq: String(st.minSeqNo),
      maxSeq: String(st.maxSeqNo),
      minTs: Number(st.minTimestamp),
      maxTs: Number(st.maxTimestamp),
      bytes: st.payloadBytes ?? 0,
      ended: this.streams[i]?.ended ?? false,
    }));
  }

  /** A second reader over the same Blob for random access (detail and seek), opened on first use. */
  private random(): Promise<SeaStreamerReader> {
    this.randomReader ??= openSeaStreamerReader(this.file, { verifyRunningChecksums: false });
    return this.randomReader;
  }

  /** Index of the message starting at `offset` (offsets grow in file order), or -1. */
  private indexOfOffset(offset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.offsets[mid] as number;
      if (v === offset) return mid;
      if (v < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  async detail(index: number): Promise<Detail | null> {
    if (index < 0 || index >= this.count) return null;
    const offset = this.offsets[index] as number;
    const reader = await this.random();
    const { message: m } = await reader.readMessageAt(offset);
    const payload = m.payload.slice(0, 1 << 20);
    const fields = [
      { label: 'message', value: `#${index}` },
      { label: 'stream key', value: m.streamKey === '' ? '(empty)' : m.streamKey },
      { label: 'shard', value: String(m.shardId) },
      { label: 'seq', value: String(m.seqNo) },
      { label: 'timestamp', value: `${formatIsoTimestamp(m.timestamp)} (${m.timestamp} ms)` },
      { label: 'payload size', value: `${m.payload.length} bytes` },
      {
        label: 'checksum',
        value: `0x${m.checksum.toString(16).padStart(4, '0')} ${m.checksumOk === false ? '✗ MISMATCH' : m.checksumOk ? '✓ ok' : '(not verified)'}`,
      },
      { label: 'offset', value: `${m.offset} – ${m.endOffset} (frame ${m.frameSize} bytes)` },
      { label: 'spliced by beacons at', value: m.splicedBy.length ? m.splicedBy.join(', ') : 'none' },
    ];
    if (m.isEos) fields.push({ label: 'end of stream', value: 'yes' });
    return {
      index,
      title: `${m.streamKey || '(empty key)'} / ${m.shardId} · seq ${m.seqNo}`,
      fields,
      trees: [],
      bytes: [{ label: 'Payload', offset: 0, data: payload, total: m.payload.length }],
      extra: null,
      text: payloadText(payload),
      source: null,
    };
  }

  async seek(stream: number, by: 'seq' | 'time', value: string): Promise<{ index: number; message: string }> {
    const s = this.streams[stream];
    if (!s) return { index: -1, message: 'unknown stream' };
    let target: bigint;
    try {
      if (by === 'seq') target = BigInt(value);
      else if (/^\d+$/.test(value)) target = BigInt(value);
      else {
        const ms = Date.parse(value);
        if (Number.isNaN(ms)) return { index: -1, message: `not a time: ${value}` };
        target = BigInt(ms);
      }
    } catch {
      return { index: -1, message: `not a number: ${value}` };
    }
    const reader = await this.random();
    try {
      const result =
        by === 'seq'
          ? await reader.seekBySeqNo(s.key, s.shard, target)
          : await reader.seekByTimestamp(s.key, s.shard, target);
      const index = this.indexOfOffset(result.message.offset);
      return {
        index,
        message: `found seq ${result.message.seqNo} at offset ${result.message.offset} (started at beacon ${result.startBeacon}, ${result.beaconsRead} beacons read, ${result.messagesScanned} messages scanned)`,
      };
    } catch (error) {
      return { index: -1, message: `${codeOf(error)}: ${messageOf(error)}` };
    }
  }
}
