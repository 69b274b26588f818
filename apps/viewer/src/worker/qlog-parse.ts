import { createMemorySink, fromBlob, type MemorySink, toHex } from '@x/binary';
import { openQlogReader, type QlogProblem, type QlogReader } from '@x/moqt-qlog';
import { createTraceWriter, decodeEventAt, type TraceEvent, type TraceWriter } from '@x/moqtrace';
import { draftFromProtocol } from '@x/moqtrace/analysis';
import { codeOf, type FileParser, messageOf } from './errors.js';
import type { Detail } from './protocol.js';
import { describeEvent } from './trace-detail.js';
import { type Post, TraceRows } from './trace-rows.js';

const CHUNK = 1 << 20;
/** Longest qlog record shown as text in the detail pane. */
const RECORD_TEXT_BYTES = 64 * 1024;

/**
 * Reads a qlog/mlog file (any producer's shape) with @x/moqt-qlog's streaming reader into {@link TraceRows}: the
 * same rows, statistics and views as a `.moqtrace` file. The events are also written, as `.moqtrace` CBOR, to a
 * memory sink with the library's trace writer (a few dozen bytes per event instead of event objects), so that a
 * detail request decodes one event from there with `decodeEventAt`; the detail pane also shows the qlog record as
 * the producer wrote it.
 */
export class QlogFileParser implements FileParser {
  private readonly rows: TraceRows;
  private sink: MemorySink | null = null;
  private writer: TraceWriter | null = null;
  /** Offset of each event in the memory sink, -1 when the writer refused it. */
  private cbor = new Float64Array(1024);

  constructor(
    private readonly file: Blob,
    private readonly post: Post,
  ) {
    this.rows = new TraceRows(post, 'qlog');
  }

  async run(): Promise<void> {
    const source = fromBlob(this.file, { chunkSize: CHUNK });
    let reader: QlogReader;
    try {
      reader = await openQlogReader(source, { segments: true, maxProblems: 0, onProblem: (p) => this.problem(p) });
    } catch (error) {
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
            rows.startSegment({ offset: record.offset, version: null, header: record.header });
            if (!this.writer) this.openStore(record.header);
            continue;
          }
          await this.store(record.event);
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
    // The header's `detail` is inferred from the events of another producer's file: final now.
    rows.updateHeader(0, reader.header, reader.framing ?? '');
    rows.finish(reader.end?.complete ?? false);
    await this.writer?.flush();
  }

  private problem(p: QlogProblem): void {
    this.post({
      kind: 'problem',
      problem: { severity: p.severity, code: p.code, message: p.message, offset: p.offset },
    });
  }

  private openStore(header: Parameters<typeof createTraceWriter>[1]['header']): void {
    this.sink = createMemorySink();
    try {
      this.writer = createTraceWriter(this.sink, { header, version: 2, endTime: false });
    } catch {
      this.writer = null; // a header the writer refuses: no details, the rows still show
    }
  }

  private async store(event: TraceEvent): Promise<void> {
    const index = this.rows.count;
    if (index === this.cbor.length) {
      const next = new Float64Array(index * 2);
      next.set(this.cbor);
      this.cbor = next;
    }
    this.cbor[index] = -1;
    const writer = this.writer;
    if (!writer) return;
    const at = writer.bytesWritten;
    try {
      const pending = writer.write(event);
      this.cbor[index] = at;
      if (pending) await pending;
    } catch {
      // an event the writer refuses keeps its row, without details
    }
  }

  async detail(index: number): Promise<Detail | null> {
    const rows = this.rows;
    if (index < 0 || index >= rows.count || !this.writer || !this.sink) return null;
    const at = this.cbor[index] as number;
    if (at < 0) return null;
    await this.writer.flush();
    const decoded = decodeEventAt(this.sink.toBytes(), at);
    if (!decoded.ok) return null;
    const segIndex = rows.segmentOf(index);
    const seg = rows.segments[segIndex] ?? rows.segments[0];
    const offset = rows.offsetOf(index);
    const record = await this.recordText(index, offset);
    return describeEvent(decoded.event, {
      index,
      draft: rows.draft ?? draftFromProtocol(seg?.header.protocol),
      segmentStartMs: seg?.header.startTime ?? 0,
      location: [{ label: 'offset', value: `qlog record at byte ${offset.toLocaleString('en-US')}` }],
      source: record,
    });
  }

  /** The qlog record of event `index` as the producer wrote it (pretty-printed when it parses as JSON). */
  private async recordText(index: number, offset: number): Promise<Detail['source']> {
    const rows = this.rows;
    let end = this.file.size;
    for (let k = index + 1; k < rows.count; k++) {
      const next = rows.offsetOf(k);
      if (next > offset) {
        end = next;
        break;
      }
    }
    const cut = end - offset > RECORD_TEXT_BYTES;
    const bytes = new Uint8Array(await this.file.slice(offset, cut ? offset + RECORD_TEXT_BYTES : end).arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const label = `qlog record at byte ${offset.toLocaleString('en-US')}`;
    if (cut) return { label: `${label} (first ${RECORD_TEXT_BYTES / 1024} KiB)`, value: text };
    const parsed = parseRecord(text);
    return parsed === undefined
      ? { label: `${label} (as written)`, value: text.trim() }
      : { label, value: JSON.stringify(parsed, null, 2) };
  }
}

/**
 * Parses the text between one record's offset and the next: the record, followed by separators (RS, newlines, a
 * comma) or, after the last event of a contained file, the closing brackets of its event array and trace.
 */
function parseRecord(text: string): unknown {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: RS (0x1e) frames JSON-SEQ records
  let t = text.replace(/^[\s\u001e]+/, '');
  for (let attempt = 0; attempt < 16 && t.length > 0; attempt++) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: RS (0x1e) frames JSON-SEQ records
    t = t.replace(/[\s\u001e,]+$/, '');
    try {
      return JSON.parse(t) as unknown;
    } catch {
      const last = t[t.length - 1];
      if (last !== '}' && last !== ']') return undefined;
      t = t.slice(0, -1);
    }
  }
  return undefined;
}
