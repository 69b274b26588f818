// The invariants every target checks: an error is typed (the toolkit's CodedError, of the package's own class,
// with a stable code and, for data errors, the byte offset), results are structurally sound, and every read path
// gives the same verdict. A violated invariant is a Finding.
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

/** Checks a read's end: a known state, an offset and trailing bytes inside the input, consistent counts. */
export function checkEnd(end, where, size, problems) {
  if (end === undefined || end === null) throw new Finding('bad-end', where, 'no end after the last record');
  if (!END_STATES.has(end.state)) throw new Finding('bad-end', where, `end state ${String(end.state)}`);
  if (!(Number.isSafeInteger(end.offset) && end.offset >= 0 && end.offset <= size)) {
    throw new Finding('bad-end', where, `end offset ${end.offset} (input ${size} bytes)`);
  }
  if (end.trailingBytes !== undefined && !(end.trailingBytes >= 0 && end.offset + end.trailingBytes <= size)) {
    throw new Finding('bad-end', where, `end at ${end.offset} with ${end.trailingBytes} trailing bytes of ${size}`);
  }
  if (problems !== undefined && end.errors !== undefined) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    const warnings = problems.length - errors;
    if (end.errors < errors || end.warnings < warnings) {
      throw new Finding('bad-end', where, `end counts ${end.errors}/${end.warnings} below the problems listed`);
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

/** The first line where two multi-line renderings differ, for a readable finding. */
function firstDifference(a, b) {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      const cut = (s) => (s === undefined ? '(nothing)' : s.length > 400 ? `${s.slice(0, 400)}…` : s);
      return `line ${i + 1}: ${cut(la[i])}  <>  ${cut(lb[i])}`;
    }
  }
  return '(same text)';
}

/**
 * Compares the verdicts of several paths (each a string, one record per line); the first is the reference.
 * Throws a `mismatch` Finding naming the two paths and the first differing line.
 */
export function sameVerdicts(where, verdicts) {
  const [first, ...rest] = verdicts;
  for (const other of rest) {
    if (other.text !== first.text) {
      throw new Finding(
        'mismatch',
        `${where}: ${first.path} vs ${other.path}`,
        firstDifference(first.text, other.text),
      );
    }
  }
}
