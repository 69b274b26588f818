/**
 * The buffer and the record-level framings of the qlog framer: the bytes of the current record (compacted or
 * grown as chunks arrive, with absolute offsets), decoding (UTF-8, else Latin-1) and `JSON.parse` of a record,
 * JSON-SEQ records split on RS, and concatenated values (NDJSON, moxygen) with resynchronisation on the next line
 * that starts with `{`. The contained-JSON walker is in `framing.ts`.
 *
 * @module
 * @internal
 */

import { jsonNestingDepth } from '@x/binary';
import { SCAN_BAD, SCAN_NEED, ValueScan } from './scan.js';
import type { JsonObject } from './values.js';

/** Deepest nesting of a record (the values of a trace may nest 512 levels; a record adds a few). */
const MAX_RECORD_NESTING = 500;

/** A problem found by the framer. */
export interface FramingProblem {
  code: 'MALFORMED' | 'TRUNCATED' | 'INVALID_UTF8' | 'LATE_TRACE_FIELDS';
  offset: number;
  message: string;
}

/** What the framer hands out. */
export type FramedItem =
  /** A top-level record (JSON-SEQ record or one of concatenated values). */
  | { kind: 'record'; offset: number; value: unknown }
  /** Contained JSON: the file-level fields before `traces`. */
  | { kind: 'file'; offset: number; value: JsonObject }
  /** Contained JSON: a trace's fields before its `events` (or all of them when it has none). */
  | { kind: 'trace'; offset: number; value: JsonObject }
  /** Contained JSON: one element of a trace's `events`. */
  | { kind: 'event'; offset: number; value: unknown }
  /** Contained JSON: the end of a trace. */
  | { kind: 'trace-end'; offset: number }
  /** A damaged record or a warning. */
  | { kind: 'problem'; problem: FramingProblem };

/** The layout detected. */
export type Framing = 'json-seq' | 'contained' | 'concatenated';

/** Options of the framer. */
export interface FramerOptions {
  /** Largest record buffered before it is declared malformed (default 64 MiB). */
  maxRecordBytes?: number;
}

export const RS = 0x1e;
const LF = 0x0a;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** ISO-8859-1 decoding (each byte one UTF-16 unit), for records that are not UTF-8. */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}

/** States of the framer. */
export type State =
  | 'start'
  | 'seq'
  | 'seq-skip'
  | 'concat'
  | 'resync-line'
  | 'top-key'
  | 'top-value'
  | 'top-sep'
  | 'traces'
  | 'trace-key'
  | 'trace-value'
  | 'trace-sep'
  | 'events'
  | 'events-sep'
  | 'resync-element'
  | 'after'
  | 'done';

/** The framer's buffer, decoding and the JSON-SEQ and concatenated-values framings. */
export abstract class FramerBase {
  protected data = new Uint8Array(64 * 1024);
  protected begin = 0; // first byte still needed
  protected fill = 0; // end of the valid bytes
  protected base = 0; // absolute offset of data[0]
  protected eof = false;
  protected state: State = 'start';
  protected readonly maxRecordBytes: number;
  protected readonly scanner = new ValueScan();
  protected scanning = false;
  protected pos = 0; // cursor (index into data)
  protected searched = 0; // JSON-SEQ: no RS in data[start + 1 .. searched) of the record being framed
  protected recordStart = 0; // index of the record (RS or value start)
  protected key = '';
  protected top: JsonObject = {};
  protected trace: JsonObject = {};
  protected traceOffset = 0;
  protected traceEmitted = false;
  protected eventsDone = false;
  protected lateKeys: string[] = [];
  protected sawTraces = false;
  protected utf8Reported = false;
  protected pendingProblem: FramedItem | undefined;
  protected readonly probe = new ValueScan();
  /** Layout, once known. */
  framing: Framing | undefined;
  /** The current record was decoded as Latin-1 (not UTF-8). */
  lastLatin1 = false;

  constructor(options: FramerOptions = {}) {
    this.maxRecordBytes = options.maxRecordBytes ?? 64 * 1024 * 1024;
  }

  /** Appends input bytes. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.fill + chunk.length > this.data.length) {
      const keep = this.fill - this.begin;
      const needed = keep + chunk.length;
      const capacity = this.data.length;
      if (needed <= capacity && !(capacity > 4 * 1024 * 1024 && needed * 8 < capacity)) {
        this.data.copyWithin(0, this.begin, this.fill);
      } else {
        const target = new Uint8Array(Math.max(64 * 1024, needed * 2));
        target.set(this.data.subarray(this.begin, this.fill), 0);
        this.data = target;
      }
      this.shift(this.begin);
    }
    this.data.set(chunk, this.fill);
    this.fill += chunk.length;
  }

  /** Marks the end of the input. */
  end(): void {
    this.eof = true;
  }

  /** Absolute offset of the next byte to frame. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Bytes of the input buffered and not yet framed. */
  get buffered(): number {
    return this.fill - this.pos;
  }

  protected shift(drop: number): void {
    if (drop === 0) return;
    this.base += drop;
    this.begin -= drop;
    this.fill -= drop;
    this.pos -= drop;
    this.recordStart -= drop;
    this.traceOffset -= drop;
    this.scanner.start -= drop;
    this.scanner.pos -= drop;
    this.searched = Math.max(0, this.searched - drop);
    this.scanner.errorAt -= drop;
  }

  protected abs(index: number): number {
    return this.base + index;
  }

  protected skipSpace(): boolean {
    while (this.pos < this.fill && isSpace(this.data[this.pos] as number)) this.pos++;
    this.begin = this.pos;
    return this.pos < this.fill;
  }

  protected text(from: number, to: number): string {
    const bytes = this.data.subarray(from, to);
    this.lastLatin1 = false;
    try {
      return strictUtf8.decode(bytes);
    } catch {
      this.lastLatin1 = true;
      return latin1(bytes);
    }
  }

  protected parse(from: number, to: number): { ok: true; value: unknown } | { ok: false; message: string } {
    const text = this.text(from, to);
    // Deeper values cannot be written to a trace or rendered (a text shorter than twice the limit cannot be deeper).
    if (text.length > 2 * MAX_RECORD_NESTING && jsonNestingDepth(text, MAX_RECORD_NESTING) < 0) {
      return { ok: false, message: `it nests arrays and objects deeper than ${MAX_RECORD_NESTING} levels` };
    }
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  }

  protected problem(code: FramingProblem['code'], at: number, message: string): FramedItem {
    return { kind: 'problem', problem: { code, offset: this.abs(at), message } };
  }

  /** A record of the input that is not UTF-8 is read as Latin-1 and reported once. */
  protected utf8Problem(at: number): FramedItem | undefined {
    if (!this.lastLatin1 || this.utf8Reported) return undefined;
    this.utf8Reported = true;
    return this.problem('INVALID_UTF8', at, 'a record is not valid UTF-8; records like it are read as Latin-1');
  }

  /** Scans the value at `this.pos` (resuming); returns its end, SCAN_NEED or SCAN_BAD. */
  protected scanValue(cut: boolean): number {
    if (!this.scanning) {
      this.scanner.reset(this.pos);
      this.scanning = true;
    }
    const result = this.scanner.scan(this.data, this.fill, this.eof, cut);
    if (result === SCAN_NEED && !this.eof && this.fill - this.scanner.start > this.maxRecordBytes) {
      this.scanner.errorAt = this.scanner.start;
      this.scanner.error = `a record is larger than ${this.maxRecordBytes} bytes`;
      this.scanning = false;
      return SCAN_BAD;
    }
    if (result !== SCAN_NEED) this.scanning = false;
    return result;
  }

  /** Index of the first `byte` in `data[from .. fill)`, or -1 (never looks at the free space after `fill`). */
  protected find(byte: number, from: number): number {
    if (from >= this.fill) return -1;
    const at = this.data.subarray(from, this.fill).indexOf(byte);
    return at < 0 ? -1 : from + at;
  }

  protected needOrEnd(): 'need-more' | undefined {
    return this.eof ? undefined : 'need-more';
  }

  // ---------------------------------------------------------------- JSON-SEQ

  protected stepSeq(): FramedItem | 'need-more' | 'done' | undefined {
    if (!this.skipSpace()) return this.needOrEnd() ?? this.finish();
    const start = this.pos;
    // Each byte is searched for an RS once, however many chunks the record takes.
    if (this.searched <= start) this.searched = start + 1;
    if (this.data[start] !== RS) {
      // Bytes outside a record (a writer that forgot an RS): one problem, then the next RS.
      const next = this.find(RS, this.searched);
      if (next < 0) {
        this.searched = this.fill;
        if (!this.eof) return this.fill - start > this.maxRecordBytes ? this.skipSeq(start) : 'need-more';
        this.pos = this.fill;
        return this.problem('MALFORMED', start, 'bytes outside a JSON-SEQ record (no RS before them)');
      }
      this.pos = next;
      return this.problem('MALFORMED', start, 'bytes outside a JSON-SEQ record (no RS before them)');
    }
    const next = this.find(RS, this.searched);
    if (next < 0) this.searched = this.fill;
    if (next < 0 && !this.eof) {
      return this.fill - start > this.maxRecordBytes ? this.skipSeq(start) : 'need-more';
    }
    const end = next < 0 ? this.fill : next;
    this.pos = end;
    this.begin = end;
    let from = start + 1;
    let to = end;
    while (from < to && isSpace(this.data[from] as number)) from++;
    while (to > from && isSpace(this.data[to - 1] as number)) to--;
    if (from === to) return undefined; // an empty record
    const parsed = this.parse(from, to);
    if (parsed.ok) {
      const warning = this.utf8Problem(start);
      const record: FramedItem = { kind: 'record', offset: this.abs(start), value: parsed.value };
      if (warning) {
        this.pendingProblem = record;
        return warning;
      }
      return record;
    }
    if (next < 0) {
      // The last record: cut (its JSON is incomplete) or damaged.
      const scan = new ValueScan();
      scan.reset(from);
      const result = scan.scan(this.data, to, false, false);
      if (result === SCAN_NEED) {
        return this.problem('TRUNCATED', start, `the last record (byte ${this.abs(start)}) is cut; it was dropped`);
      }
    }
    return this.problem('MALFORMED', start, `record at byte ${this.abs(start)} is not JSON: ${parsed.message}`);
  }

  /** A record too large to buffer: report it, then drop bytes until the next RS. */
  protected skipSeq(start: number): FramedItem {
    this.state = 'seq-skip';
    this.pos = this.fill;
    this.begin = this.fill;
    return this.problem(
      'MALFORMED',
      start,
      `record at byte ${this.abs(start)} is larger than ${this.maxRecordBytes} bytes`,
    );
  }

  protected stepSeqSkip(): 'need-more' | 'done' | FramedItem | undefined {
    const next = this.find(RS, this.pos);
    if (next < 0) {
      this.pos = this.fill;
      this.begin = this.fill;
      return this.needOrEnd() ?? this.finish();
    }
    this.pos = next;
    this.state = 'seq';
    return undefined;
  }

  // ---------------------------------------------------------------- concatenated values

  protected stepConcat(): FramedItem | 'need-more' | 'done' | undefined {
    if (!this.scanning && !this.skipSpace()) return this.needOrEnd() ?? this.finish();
    const start = this.scanning ? this.scanner.start : this.pos;
    const first = this.data[start] as number;
    if (!this.scanning && first !== 0x7b && first !== 0x5b) {
      this.state = 'resync-line';
      this.pos = start + 1;
      return this.problem('MALFORMED', start, `record at byte ${this.abs(start)} is not a JSON object or array`);
    }
    this.recordStart = start;
    const end = this.scanValue(true);
    if (end === SCAN_NEED) {
      if (!this.eof) return 'need-more';
      this.pos = this.fill;
      this.begin = this.fill;
      this.scanning = false;
      this.state = 'done';
      return this.problem('TRUNCATED', start, `the last record (byte ${this.abs(start)}) is cut; it was dropped`);
    }
    if (end === SCAN_BAD) {
      const message = `record at byte ${this.abs(start)} is not JSON: ${this.scanner.error}`;
      if (this.scanner.cut) this.pos = this.scanner.errorAt;
      else {
        this.state = 'resync-line';
        this.pos = start + 1;
      }
      this.begin = this.pos;
      return this.problem('MALFORMED', start, message);
    }
    this.pos = end;
    this.begin = end;
    const parsed = this.parse(start, end);
    if (!parsed.ok)
      return this.problem('MALFORMED', start, `record at byte ${this.abs(start)} is not JSON: ${parsed.message}`);
    const record: FramedItem = { kind: 'record', offset: this.abs(start), value: parsed.value };
    const warning = this.utf8Problem(start);
    if (warning) {
      this.pendingProblem = record;
      return warning;
    }
    return record;
  }

  /** After damage in concatenated values: the next line that starts with `{`. */
  protected stepResyncLine(): 'need-more' | 'done' | undefined {
    for (;;) {
      const lf = this.find(LF, this.pos);
      if (lf < 0 || lf >= this.fill - 1) {
        this.pos = lf >= 0 && lf < this.fill ? lf : this.fill;
        this.begin = this.pos;
        if (!this.eof) return 'need-more';
        this.state = 'done';
        return this.finish();
      }
      if (this.data[lf + 1] === 0x7b) {
        this.pos = lf + 1;
        this.begin = this.pos;
        this.state = 'concat';
        return undefined;
      }
      this.pos = lf + 1;
    }
  }

  protected finish(): 'done' {
    this.state = 'done';
    return 'done';
  }
}
