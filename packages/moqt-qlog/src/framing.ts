/**
 * Framing of qlog/mlog bytes into JSON records with their byte offsets (spec §9.1), incrementally: push chunks,
 * pull items. Every shape in the wild:
 *
 * - **JSON-SEQ** (first non-space byte RS): records are split on RS (a JSON text never contains a raw RS), so a
 *   bad record costs only itself.
 * - **Contained JSON** (one object with `traces`): walked key by key; the file- and trace-level fields are parsed
 *   one value at a time and the elements of `traces[].events[]` come out one at a time: the file is never parsed
 *   (or held) whole.
 * - **Concatenated values**: NDJSON (moq-rs forks), moxygen's pretty-printed objects one after another, a
 *   header-less sequence of events, legacy array events. A line that starts with `{` inside a value means that
 *   value was cut; the next record starts there.
 *
 * Damage: a record that is not JSON is reported (`MALFORMED`, at the record's offset) and reading goes on with
 * the next record (next RS; next line starting with `{`; next `,{` element that parses); a record cut by the end
 * of the input is `TRUNCATED`. Memory: the bytes of the current record (at most `maxRecordBytes`) plus one chunk.
 *
 * @module
 * @internal
 */
import { QlogError } from './errors.js';
import { type FramedItem, FramerBase, isSpace, RS } from './framing-base.js';
import { SCAN_BAD, SCAN_NEED } from './scan.js';
import type { JsonObject } from './values.js';

export type { FramedItem, FramerOptions, Framing, FramingProblem } from './framing-base.js';

/**
 * The incremental framer. `push(chunk)` bytes, `end()` at the end of the input, and `next()` until it returns
 * `'need-more'` (push more) or `'done'`.
 */
export class Framer extends FramerBase {
  /** The next item, `'need-more'` (push more bytes, or call `end()`), or `'done'`. */
  next(): FramedItem | 'need-more' | 'done' {
    if (this.pendingProblem) {
      const item = this.pendingProblem;
      this.pendingProblem = undefined;
      return item;
    }
    for (;;) {
      const item = this.step();
      if (item !== undefined) return item;
    }
  }

  /** One step of the state machine: an item, a verdict, or `undefined` to go on. */
  private step(): FramedItem | 'need-more' | 'done' | undefined {
    switch (this.state) {
      case 'start':
        return this.stepStart();
      case 'seq':
        return this.stepSeq();
      case 'seq-skip':
        return this.stepSeqSkip();
      case 'concat':
        return this.stepConcat();
      case 'resync-line':
        return this.stepResyncLine();
      case 'top-key':
      case 'trace-key':
        return this.stepKey();
      case 'top-value':
      case 'trace-value':
        return this.stepFieldValue();
      case 'top-sep':
      case 'trace-sep':
        return this.stepSeparator();
      case 'traces':
        return this.stepTraces();
      case 'events':
        return this.stepEvent();
      case 'events-sep':
        return this.stepEventSeparator();
      case 'resync-element':
        return this.stepResyncElement();
      case 'after':
        return this.stepAfter();
      case 'done':
        return 'done';
    }
  }

  private stepStart(): FramedItem | 'need-more' | 'done' | undefined {
    // A UTF-8 byte order mark is skipped.
    if (this.pos === 0 && this.base === 0) {
      if (this.fill < 3 && !this.eof) return 'need-more';
      if (this.data[0] === 0xef && this.data[1] === 0xbb && this.data[2] === 0xbf) this.pos = 3;
    }
    if (!this.skipSpace()) {
      if (!this.eof) return 'need-more';
      throw new QlogError('NOT_QLOG', 'the input is empty (no qlog record)', { offset: this.abs(this.pos) });
    }
    const first = this.data[this.pos] as number;
    if (first === RS) {
      this.framing = 'json-seq';
      this.state = 'seq';
      return undefined;
    }
    if (first === 0x7b) {
      this.state = 'top-key';
      this.recordStart = this.pos;
      this.top = {};
      this.pos++;
      return undefined;
    }
    if (first === 0x5b) {
      this.framing = 'concatenated';
      this.state = 'concat';
      return undefined;
    }
    throw new QlogError('NOT_QLOG', 'the input is not qlog: it starts with neither RS, "{" nor "["', {
      offset: this.abs(this.pos),
    });
  }

  // ---------------------------------------------------------------- contained JSON

  private stepKey(): FramedItem | 'need-more' | 'done' | undefined {
    const inTop = this.state === 'top-key';
    if (!this.skipSpaceKeepBegin()) return this.needOrEnd() ?? this.truncatedStructure();
    const c = this.data[this.pos] as number;
    if (c === 0x7d) {
      this.pos++;
      return inTop ? this.endTop() : this.endTrace();
    }
    if (c !== 0x22) return this.structural(`expected a key at byte ${this.abs(this.pos)}`);
    const end = this.scanValue(false);
    if (end === SCAN_NEED) return this.needOrEnd() ?? this.truncatedStructure();
    if (end === SCAN_BAD) return this.structural(this.scanner.error);
    const parsed = this.parse(this.pos, end);
    if (!parsed.ok || typeof parsed.value !== 'string') return this.structural(`bad key at byte ${this.abs(this.pos)}`);
    this.key = parsed.value;
    let i = end;
    while (i < this.fill && isSpace(this.data[i] as number)) i++;
    if (i >= this.fill) return this.needOrEnd() ?? this.truncatedStructure();
    if (this.data[i] !== 0x3a) return this.structural(`expected ':' at byte ${this.abs(i)}`);
    i++;
    while (i < this.fill && isSpace(this.data[i] as number)) i++;
    if (i >= this.fill) return this.needOrEnd() ?? this.truncatedStructure();
    this.pos = i;
    const open = this.data[i] === 0x5b;
    if (inTop && this.key === 'traces' && open) {
      this.pos++;
      this.sawTraces = true;
      this.framing = 'contained';
      this.state = 'traces';
      return { kind: 'file', offset: this.abs(this.recordStart), value: this.top };
    }
    if (!inTop && this.key === 'events' && open && !this.eventsDone) {
      this.pos++;
      this.state = 'events';
      this.traceEmitted = true;
      const value = this.trace;
      this.trace = {};
      return { kind: 'trace', offset: this.abs(this.traceOffset), value };
    }
    this.state = inTop ? 'top-value' : 'trace-value';
    return undefined;
  }

  /** Like skipSpace, but keeps the bytes of the current top-level object (the first record may be a header). */
  private skipSpaceKeepBegin(): boolean {
    while (this.pos < this.fill && isSpace(this.data[this.pos] as number)) this.pos++;
    if (this.sawTraces) this.begin = this.pos;
    return this.pos < this.fill;
  }

  private stepFieldValue(): FramedItem | 'need-more' | 'done' | undefined {
    const inTop = this.state === 'top-value';
    const start = this.pos;
    const end = this.scanValue(false);
    if (end === SCAN_NEED) return this.needOrEnd() ?? this.truncatedStructure();
    if (end === SCAN_BAD) return this.structural(this.scanner.error);
    const parsed = this.parse(start, end);
    if (!parsed.ok) return this.structural(`value at byte ${this.abs(start)} is not JSON: ${parsed.message}`);
    this.pos = end;
    if (inTop) setKey(this.top, this.key, parsed.value);
    else {
      if (this.eventsDone) this.lateKeys.push(this.key);
      setKey(this.trace, this.key, parsed.value);
    }
    this.state = inTop ? 'top-sep' : 'trace-sep';
    return undefined;
  }

  private stepSeparator(): FramedItem | 'need-more' | 'done' | undefined {
    const inTop = this.state === 'top-sep';
    if (!this.skipSpaceKeepBegin()) return this.needOrEnd() ?? this.truncatedStructure();
    const c = this.data[this.pos] as number;
    if (c === 0x2c) {
      this.pos++;
      this.state = inTop ? 'top-key' : 'trace-key';
      return undefined;
    }
    if (c === 0x7d) {
      this.pos++;
      return inTop ? this.endTop() : this.endTrace();
    }
    return this.structural(`expected ',' or '}' at byte ${this.abs(this.pos)}`);
  }

  private endTop(): FramedItem | undefined {
    if (this.sawTraces) {
      this.state = 'after';
      return undefined;
    }
    // Not contained JSON: the first object was a record of concatenated values.
    this.framing = 'concatenated';
    this.state = 'concat';
    this.begin = this.pos;
    return { kind: 'record', offset: this.abs(this.recordStart), value: this.top };
  }

  private stepTraces(): FramedItem | 'need-more' | 'done' | undefined {
    if (!this.skipSpace()) return this.needOrEnd() ?? this.truncatedStructure();
    const c = this.data[this.pos] as number;
    if (c === 0x2c) {
      this.pos++;
      return undefined;
    }
    if (c === 0x5d) {
      this.pos++;
      this.state = 'top-sep';
      return undefined;
    }
    if (c !== 0x7b) return this.structural(`expected a trace object at byte ${this.abs(this.pos)}`);
    this.traceOffset = this.pos;
    this.trace = {};
    this.traceEmitted = false;
    this.eventsDone = false;
    this.lateKeys = [];
    this.pos++;
    this.state = 'trace-key';
    return undefined;
  }

  private endTrace(): FramedItem | undefined {
    this.state = 'traces';
    if (!this.traceEmitted) {
      this.traceEmitted = true;
      this.eventsDone = true;
      this.pendingProblem = { kind: 'trace-end', offset: this.abs(this.pos) };
      return { kind: 'trace', offset: this.abs(this.traceOffset), value: this.trace };
    }
    if (this.lateKeys.length > 0) {
      this.pendingProblem = { kind: 'trace-end', offset: this.abs(this.pos) };
      return this.problem(
        'LATE_TRACE_FIELDS',
        this.traceOffset,
        `trace fields after its events were ignored: ${this.lateKeys.join(', ')}`,
      );
    }
    return { kind: 'trace-end', offset: this.abs(this.pos) };
  }

  private stepEvent(): FramedItem | 'need-more' | 'done' | undefined {
    if (!this.scanning && !this.skipSpace()) return this.needOrEnd() ?? this.truncatedStructure();
    const start = this.scanning ? this.scanner.start : this.pos;
    if (!this.scanning && this.data[start] === 0x5d) {
      this.pos++;
      this.eventsDone = true;
      this.state = 'trace-sep';
      return undefined;
    }
    this.recordStart = start;
    const end = this.scanValue(false);
    if (end === SCAN_NEED) {
      if (!this.eof) return 'need-more';
      this.pos = this.fill;
      this.state = 'done';
      return this.problem('TRUNCATED', start, `the last event (byte ${this.abs(start)}) is cut; it was dropped`);
    }
    if (end === SCAN_BAD) return this.badElement(start, this.scanner.error);
    const parsed = this.parse(start, end);
    this.pos = end;
    this.begin = end;
    if (!parsed.ok) return this.badElement(start, parsed.message);
    this.state = 'events-sep';
    const record: FramedItem = { kind: 'event', offset: this.abs(start), value: parsed.value };
    const warning = this.utf8Problem(start);
    if (warning) {
      this.pendingProblem = record;
      return warning;
    }
    return record;
  }

  private badElement(start: number, message: string): FramedItem {
    this.pos = start + 1;
    this.state = 'resync-element';
    return this.problem('MALFORMED', start, `event at byte ${this.abs(start)} is not JSON: ${message}`);
  }

  private stepEventSeparator(): FramedItem | 'need-more' | 'done' | undefined {
    if (!this.skipSpace()) return this.needOrEnd() ?? this.truncatedStructure();
    const c = this.data[this.pos] as number;
    if (c === 0x2c) {
      this.pos++;
      this.state = 'events';
      return undefined;
    }
    if (c === 0x5d) {
      this.pos++;
      this.eventsDone = true;
      this.state = 'trace-sep';
      return undefined;
    }
    this.state = 'resync-element';
    return this.problem('MALFORMED', this.pos, `expected ',' or ']' after an event at byte ${this.abs(this.pos)}`);
  }

  /** After a damaged element: the next `,` + `{` whose value parses as an object (or the end of the array). */
  private stepResyncElement(): 'need-more' | 'done' | undefined {
    for (;;) {
      let i = this.pos;
      while (i < this.fill && this.data[i] !== 0x2c && this.data[i] !== 0x5d) i++;
      if (i >= this.fill) {
        this.pos = i;
        this.begin = i;
        if (!this.eof) return 'need-more';
        this.state = 'done';
        return this.finish();
      }
      if (this.data[i] === 0x5d) {
        // Maybe the end of the events array: accept it when `}` (end of the trace) follows.
        let j = i + 1;
        while (j < this.fill && isSpace(this.data[j] as number)) j++;
        if (j >= this.fill && !this.eof) return 'need-more';
        if (this.data[j] === 0x7d) {
          this.pos = i + 1;
          this.eventsDone = true;
          this.state = 'trace-sep';
          return undefined;
        }
        this.pos = i + 1;
        continue;
      }
      let j = i + 1;
      while (j < this.fill && isSpace(this.data[j] as number)) j++;
      if (j >= this.fill && !this.eof) {
        this.pos = i;
        return 'need-more';
      }
      if (this.data[j] !== 0x7b) {
        this.pos = i + 1;
        continue;
      }
      const probe = this.probe;
      probe.reset(j);
      const end = probe.scan(this.data, this.fill, this.eof, false);
      if (end === SCAN_NEED && !this.eof && this.fill - j <= this.maxRecordBytes) {
        this.pos = i;
        this.begin = i;
        return 'need-more';
      }
      if (end > 0 && this.parse(j, end).ok) {
        this.pos = j;
        this.begin = j;
        this.state = 'events';
        return undefined;
      }
      this.pos = i + 1;
    }
  }

  private stepAfter(): FramedItem | 'need-more' | 'done' | undefined {
    if (!this.skipSpace()) return this.needOrEnd() ?? this.finish();
    const start = this.pos;
    this.pos = this.fill;
    this.begin = this.fill;
    this.state = 'done';
    return this.problem('MALFORMED', start, `unexpected data after the qlog file at byte ${this.abs(start)}`);
  }

  /** A broken structure outside the events (file or trace fields): nothing after it can be trusted. */
  private structural(message: string): FramedItem {
    const at = this.pos;
    this.state = 'done';
    this.pos = this.fill;
    this.begin = this.fill;
    if (!this.sawTraces) {
      // The first object is damaged: read the rest as concatenated records (the first one is lost).
      this.framing = 'concatenated';
      this.state = 'resync-line';
      this.pos = this.recordStart + 1;
      this.begin = this.pos;
      this.scanning = false;
      return this.problem(
        'MALFORMED',
        this.recordStart,
        `record at byte ${this.abs(this.recordStart)} is not JSON: ${message}`,
      );
    }
    return this.problem('MALFORMED', at, message);
  }

  /** The input ended inside the structure of a contained file. */
  private truncatedStructure(): FramedItem | 'done' {
    this.state = 'done';
    if (!this.sawTraces && this.framing === undefined) {
      return this.problem(
        'TRUNCATED',
        this.recordStart,
        `the input ends inside its first record (byte ${this.abs(this.recordStart)})`,
      );
    }
    return this.problem(
      'TRUNCATED',
      this.pos,
      `the input ends inside the qlog structure at byte ${this.abs(this.pos)}`,
    );
  }
}

/** Sets a parsed key like `JSON.parse` does (an own `__proto__` property, not the prototype). */
function setKey(target: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
