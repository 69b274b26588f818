import { fromBlob, toHex } from '@x/binary';
import { decodeEventAt, openTraceReader, type TraceProblem, type TraceReader } from '@x/moqtrace';
import { draftFromProtocol } from '@x/moqtrace/analysis';
import { codeOf, type FileParser, messageOf } from './errors.js';
import type { Detail } from './protocol.js';
import { describeEvent } from './trace-detail.js';
import { type Post, TraceRows } from './trace-rows.js';

const CHUNK = 1 << 20;

/** Reads a .moqtrace file with @x/moqtrace's streaming reader into {@link TraceRows}. */
export class MoqtraceFileParser implements FileParser {
  private readonly rows: TraceRows;
  private readonly problemOffsets: number[] = [];

  constructor(
    private readonly file: Blob,
    private readonly post: Post,
  ) {
    this.rows = new TraceRows(post, 'moqtrace');
  }

  async run(): Promise<void> {
    const source = fromBlob(this.file, { chunkSize: CHUNK });
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
    const rows = this.rows;
    try {
      for (let batch = await reader.nextBatch(); batch !== null; batch = await reader.nextBatch()) {
        for (const record of batch) {
          if (record.kind === 'segment') {
            rows.startSegment({ offset: record.offset, version: record.version, header: record.header });
            continue;
          }
          rows.add(record.event, record.offset, record.segment);
        }
        rows.batchDone(source.position, this.file.size);
      }
    } catch (error) {
      this.post({ kind: 'problem', problem: { severity: 'error', code: codeOf(error), message: messageOf(error) } });
    } finally {
      await source.close();
    }
    rows.flush(this.file.size, this.file.size);
    rows.finish(reader.end?.complete ?? false);
  }

  private problem(p: TraceProblem): void {
    this.problemOffsets.push(p.offset);
    let message = p.message;
    if (p.code === 'TRUNCATED') {
      // A cut is at the end: every event was handed out before it (problems come in order with the records).
      message = `${p.message}; ${this.rows.count} events decoded, ${this.file.size - p.offset} bytes after the cut`;
    }
    this.post({
      kind: 'problem',
      problem: { severity: p.severity, code: p.code, message, offset: p.offset, segment: p.segment },
    });
  }

  /** Re-reads one event's bytes and decodes them with the library's `decodeEventAt`. */
  async detail(index: number): Promise<Detail | null> {
    const rows = this.rows;
    if (index < 0 || index >= rows.count) return null;
    const offset = rows.offsetOf(index);
    const segIndex = rows.segmentOf(index);
    const seg = rows.segments[segIndex];
    if (!seg) return null;
    let end = this.file.size;
    if (index + 1 < rows.count) end = rows.offsetOf(index + 1);
    const nextSeg = rows.segments[segIndex + 1];
    if (nextSeg && nextSeg.offset > offset && nextSeg.offset < end) end = nextSeg.offset;
    for (const p of this.problemOffsets) if (p > offset && p < end) end = p;
    const item = new Uint8Array(await this.file.slice(offset, end).arrayBuffer());
    const decoded = decodeEventAt(item, 0, { segment: segIndex });
    if (!decoded.ok) return null;
    return describeEvent(decoded.event, {
      index,
      draft: rows.draft ?? draftFromProtocol(seg.header.protocol),
      segmentStartMs: seg.header.startTime,
      location: [{ label: 'offset', value: `byte ${offset.toLocaleString('en-US')} (${item.length} bytes of CBOR)` }],
    });
  }
}
