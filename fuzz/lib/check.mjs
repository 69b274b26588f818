// The invariants every target checks: an error is typed (the toolkit's CodedError, of the package's own class,
// with a stable code and, for data errors, the byte offset), results are structurally sound, and every read path
// gives the same verdict. A violated invariant is a Finding.
import { createHash } from 'node:crypto';
import { CodedError } from '@x/binary';

/** An invariant that does not hold. `kind` and `where` name it; `detail` says how. */
export class Finding extends Error {
  constructor(kind, where, detail, cause) {
    super(`${kind} in ${where}: ${detail}`);
    this.name = 'Finding';
    this.kind = kind;
    this.where = where;
    this.detail = detail;
    if (cause !== undefined) this.cause = cause;
  }

  /** What two findings must share to be the same bug: kind and place, numbers (offsets, limits) aside. */
  get signature() {
    return `${this.kind}|${this.where.replace(/\d+/g, 'N')}`;
  }
}

/** Codes that describe how an API was called, not the data: no byte offset is expected with them. */
const CALL_CODES = new Set(['INVALID_ARGUMENT', 'CLOSED', 'IO_ERROR', 'NOT_SEEKABLE', 'TIMED_OUT', 'FILE_REMOVED']);
const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/**
 * Checks an exception thrown by a path: it must be a toolkit error of `errorClass` (the package's own class),
 * with an UPPER_SNAKE code and, unless the code is about the call, an integer offset within the input.
 * `callCodes` are further codes that are about the call here (a query that matches nothing). Returns
 * `{ thrown: code, offset }` for verdict comparison.
 */
export function typedError(error, errorClass, where, size, callCodes = []) {
  if (error instanceof Finding) throw error;
  if (!CodedError.is(error)) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Finding('untyped-error', where, text, error);
  }
  if (errorClass !== undefined && !errorClass.is(error)) {
    throw new Finding('foreign-error', where, `${error.name} ${error.code} (expected ${errorClass.name})`, error);
  }
  if (typeof error.code !== 'string' || !CODE.test(error.code)) {
    throw new Finding('bad-code', where, `code ${JSON.stringify(error.code)}`, error);
  }
  if (!CALL_CODES.has(error.code) && !callCodes.includes(error.code)) {
    const offset = error.offset;
    if (!(Number.isSafeInteger(offset) && offset >= 0 && (size === undefined || offset <= size))) {
      throw new Finding('no-offset', where, `${error.code} with offset ${String(offset)} (input ${size} bytes)`, error);
    }
  }
  return { thrown: error.code, offset: error.offset };
}

/** Runs `fn`; returns its value, or the typed error it threw as `{ thrown, offset }`. */
export async function settle(fn, errorClass, where, size, callCodes) {
  try {
    return { value: await fn() };
  } catch (error) {
    return typedError(error, errorClass, where, size, callCodes);
  }
}

/** Synchronous {@link settle}. */
export function settleSync(fn, errorClass, where, size) {
  try {
    return { value: fn() };
  } catch (error) {
    return typedError(error, errorClass, where, size);
  }
}

/** Checks the problems of a read: each has a code, a severity and an offset inside the input. */
export function checkProblems(problems, where, size) {
  for (const p of problems) {
    if (typeof p.code !== 'string' || !CODE.test(p.code)) {
      throw new Finding('bad-problem', where, `problem code ${JSON.stringify(p.code)}`);
    }
    if (p.severity !== 'error' && p.severity !== 'warning') {
      throw new Finding('bad-problem', where, `${p.code} with severity ${String(p.severity)}`);
    }
    if (!(Number.isSafeInteger(p.offset) && p.offset >= 0 && p.offset <= size)) {
      throw new Finding('bad-problem', where, `${p.code} at offset ${String(p.offset)} (input ${size} bytes)`);
    }
    if (typeof p.message !== 'string' || p.message.length === 0) {
      throw new Finding('bad-problem', where, `${p.code} without a message`);
    }
  }
}

const END_STATES = new Set(['eof', 'eos', 'truncated', 'limit', 'aborted', 'idle', 'removed']);

/**
 * Checks a read's end: a known state, an offset and trailing bytes inside the input, and counts equal to the
 * problems reported (`counts`: every problem was seen, through `onProblem`).
 */
export function checkEnd(end, where, size, counts) {
  if (end === undefined || end === null) throw new Finding('bad-end', where, 'no end after the last record');
  if (!END_STATES.has(end.state)) throw new Finding('bad-end', where, `end state ${String(end.state)}`);
  if (!(Number.isSafeInteger(end.offset) && end.offset >= 0 && end.offset <= size)) {
    throw new Finding('bad-end', where, `end offset ${end.offset} (input ${size} bytes)`);
  }
  if (end.trailingBytes !== undefined && !(end.trailingBytes >= 0 && end.offset + end.trailingBytes <= size)) {
    throw new Finding('bad-end', where, `end at ${end.offset} with ${end.trailingBytes} trailing bytes of ${size}`);
  }
  if (counts !== undefined && end.errors !== undefined) {
    if (end.errors !== counts.errors || end.warnings !== counts.warnings) {
      throw new Finding(
        'bad-end',
        where,
        `end counts ${end.errors} errors, ${end.warnings} warnings; ${counts.errors} and ${counts.warnings} were reported`,
      );
    }
    if (end.complete === true && (end.errors > 0 || end.state === 'truncated')) {
      throw new Finding('bad-end', where, `complete with ${end.errors} errors and state ${end.state}`);
    }
  }
}

/** JSON with bigints as `"<n>n"` and bytes as hex, keys in insertion order: a comparable rendering. */
export function canonical(value) {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `bytes:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    if (v instanceof Map) return { map: [...v.entries()] };
    if (typeof v === 'number' && !Number.isFinite(v)) return `number:${v}`;
    if (v === undefined) return null;
    return v;
  });
}

const HEAD_LINES = 2000;

/**
 * A read path's verdict, one line per record, problem and end: hashed as it is built, with only its first lines
 * kept for the message of a mismatch (an amplified input can give millions of problems).
 */
export class Verdict {
  constructor() {
    this.hash = createHash('sha256');
    this.head = [];
    this.lines = 0;
  }

  /** Adds a line. */
  add(line) {
    this.hash.update(line);
    this.hash.update('\n');
    if (this.head.length < HEAD_LINES) this.head.push(line);
    this.lines++;
    return this;
  }

  /** The digest (the verdict is complete). */
  get digest() {
    this.value ??= this.hash.digest('hex');
    return this.value;
  }

  /** A verdict of lines. */
  static of(lines) {
    const v = new Verdict();
    for (const line of lines) v.add(line);
    return v;
  }
}

/** The first line where two verdicts differ, for a readable finding. */
function firstDifference(a, b) {
  const cut = (s) => (s === undefined ? '(nothing)' : s.length > 400 ? `${s.slice(0, 400)}…` : s);
  for (let i = 0; i < Math.max(a.head.length, b.head.length); i++) {
    if (a.head[i] !== b.head[i]) return `line ${i + 1}: ${cut(a.head[i])}  <>  ${cut(b.head[i])}`;
  }
  return `after line ${HEAD_LINES} (${a.lines} lines, ${b.lines} lines)`;
}

/**
 * Compares the verdicts of several paths (`text`: a string of lines or a {@link Verdict}); the first is the
 * reference. Throws a `mismatch` Finding naming the two paths and the first differing line.
 */
export function sameVerdicts(where, verdicts) {
  const as = (t) => (t instanceof Verdict ? t : Verdict.of(t.split('\n')));
  const [first, ...rest] = verdicts.map((v) => ({ path: v.path, v: as(v.text) }));
  for (const other of rest) {
    if (other.v.digest !== first.v.digest) {
      throw new Finding('mismatch', `${where}: ${first.path} vs ${other.path}`, firstDifference(first.v, other.v));
    }
  }
}

/**
 * What one read path gave, built as it reads: its records in named parts (segments, events, beacons ...: each in
 * file order, the parts apart, as whole-buffer reads list them) and its problems (all of them, through
 * `onProblem`) as verdicts, the problem counts, the first problems, and its end or the error it threw.
 */
export class ReadVerdict {
  constructor(where, size) {
    this.where = where;
    this.size = size;
    this.parts = new Map();
    this.problems = new Verdict();
    this.counts = { errors: 0, warnings: 0 };
    /** The first problems' lines, to compare with a capped `problems` list. */
    this.first = [];
    this.end = undefined;
    this.thrown = undefined;
  }

  /** A record line of a part. */
  record(part, line) {
    let v = this.parts.get(part);
    if (v === undefined) this.parts.set(part, (v = new Verdict()));
    v.add(line);
  }

  /** A problem as reported, with its line. */
  problem(p, line) {
    checkProblems([p], this.where, this.size);
    if (p.severity === 'error') this.counts.errors++;
    else this.counts.warnings++;
    this.problems.add(line);
    if (this.first.length < 1000) this.first.push(line);
  }

  /** Checks that a capped `problems` list holds the first problems reported. */
  checkList(list, lineOf) {
    const n = Math.min(list.length, this.first.length);
    const lines = list.slice(0, n).map(lineOf);
    if (list.length < this.first.length && list.length < this.counts.errors + this.counts.warnings) {
      // A list shorter than the problems seen must be capped (maxProblems), so at least as long as the kept ones.
      throw new Finding('bad-result', this.where, `${list.length} problems listed, ${this.first.length} reported`);
    }
    if (lines.join('\n') !== this.first.slice(0, n).join('\n')) {
      throw new Finding('bad-result', this.where, 'the problems list differs from the problems passed to onProblem');
    }
  }

  /** The end: checked against the problems reported. */
  finish(end) {
    checkEnd(end, this.where, this.size, this.counts);
    this.end = `END ${canonical(end)}`;
    return this;
  }

  /** A path that threw (a typed error: see {@link settle}). */
  static threw(where, result) {
    const v = new ReadVerdict(where, 0);
    v.thrown = `THROWN ${result.thrown} at ${result.offset}`;
    return v;
  }
}

/** Compares the reads of several paths: the same error, or the same records (part by part), problems and end. */
export function sameReads(where, reads) {
  const outcome = (r) => r.read.thrown ?? 'read';
  sameVerdicts(
    where,
    reads.map((r) => ({ path: r.path, text: Verdict.of([outcome(r)]) })),
  );
  if (reads[0].read.thrown !== undefined) return;
  const names = new Set(reads.flatMap((r) => [...r.read.parts.keys()]));
  for (const name of names) {
    sameVerdicts(
      `${where} ${name}`,
      reads.map((r) => ({ path: r.path, text: r.read.parts.get(name) ?? new Verdict() })),
    );
  }
  sameVerdicts(
    `${where} problems`,
    reads.map((r) => ({ path: r.path, text: r.read.problems })),
  );
  sameVerdicts(
    `${where} end`,
    reads.map((r) => ({ path: r.path, text: Verdict.of([r.read.end]) })),
  );
}
