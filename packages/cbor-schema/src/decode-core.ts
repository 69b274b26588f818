/**
 * The decoding state and the primitives every compiled reader shares: bounds-checked heads and numbers, text and
 * byte strings, problem recording with lazy paths, opaque values.
 *
 * Protocol of a compiled reader `(st) => value`: it reads the item at `st.pos` (never at or after `st.end`) and
 * returns the value with `st.pos` after the item; or {@link FAIL} when the value does not fit the schema (a
 * problem was recorded and `st.pos` is after the item); or {@link BAIL} when the bytes cannot be decoded at all
 * (they run past `st.end`, are not well-formed, nest too deeply, or hold a value cbor-x refuses): the caller gives
 * up on the whole item and asks the scanner why.
 *
 * @internal
 * @module
 */
import { type CborSchemaErrorCode, DEFAULT_MAX_DEPTH, type Problem } from './errors.js';
import { decodeOpaque } from './opaque.js';
import { ItemScanner } from './scanner.js';

/** The value does not fit the schema (problem recorded, position after the item). */
export const FAIL: unique symbol = Symbol('cbor-schema.fail');
/** The bytes cannot be decoded: the caller gives up on the whole item. */
export const BAIL: unique symbol = Symbol('cbor-schema.bail');

/** A compiled reader. */
export type Reader = (st: DecodeState) => unknown;

/** A recorded problem; its path is built only when the problem is handed out. */
export interface InternalProblem {
  code: CborSchemaErrorCode;
  expected: string;
  found: string;
  offset: number;
  message: string;
  /** Path segments, innermost first: [kind, name, wire] triples; kind 0 field, 1 index, 2 map key. */
  trail: (string | number | bigint)[];
  key?: string | number | bigint;
}

/** Options that change how bytes are read. */
export interface StateOptions {
  strict: boolean;
  copy: boolean;
  fromValue: boolean;
  lenient: boolean;
  maxDepth: number;
  /** An opaque value cbor-x refuses reads as `undefined` instead of making the item undecodable. */
  lenientOpaque: boolean;
}

/** The state of one decoder (one per decode call, or one per long-lived decoder such as a sequence decoder). */
export class DecodeState {
  b: Uint8Array = EMPTY_BYTES;
  pos = 0;
  end = 0;
  strict: boolean;
  copy: boolean;
  fromValue: boolean;
  readonly lenient: boolean;
  readonly maxDepth: number;
  readonly lenientOpaque: boolean;
  /** Nesting depth of the value being read (the root item is 0). */
  depth = 0;
  problems: InternalProblem[] = [];
  /** Scratch of the number reader. */
  num = 0;
  big = 0n;
  isBig = false;
  wasFloat = false;
  dv: DataView | undefined;
  /** Per-depth scratch of the struct readers. */
  readonly frames: unknown[] = [];
  /** Measures opaque values and skips values that do not fit. */
  readonly scanner: ItemScanner;

  constructor(options: StateOptions) {
    this.strict = options.strict;
    this.copy = options.copy;
    this.fromValue = options.fromValue;
    this.lenient = options.lenient;
    this.maxDepth = options.maxDepth;
    this.lenientOpaque = options.lenientOpaque;
    this.scanner = new ItemScanner({ lenient: options.lenient, maxDepth: options.maxDepth });
  }

  /** Points the state at `[pos, end)` of `b` with no problems. */
  begin(b: Uint8Array, pos: number, end: number): void {
    this.b = b;
    this.pos = pos;
    this.end = end;
    this.depth = 0;
    this.dv = undefined;
    if (this.problems.length !== 0) this.problems = [];
  }

  /** Drops references to the input. */
  release(): void {
    this.b = EMPTY_BYTES;
    this.dv = undefined;
  }
}

/** Default state options. */
export function stateOptions(options: Partial<StateOptions>): StateOptions {
  return {
    strict: options.strict === true,
    copy: options.copy === true,
    fromValue: options.fromValue === true,
    lenient: options.lenient === true,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    lenientOpaque: options.lenientOpaque === true,
  };
}

/** An empty byte array. */
export const EMPTY_BYTES = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
/** `Number.MAX_SAFE_INTEGER`. */
export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** 2^32. */
export const TWO32 = 0x100000000;
// A memo of the bigints 0 … 65535, filled as they are met (ids are mostly small): one allocation per value per
// process instead of one per decoded field. Only ever holds `BigInt(i)` at index `i`.
const SMALL_BIG: (bigint | undefined)[] = new Array(65536);

/** `BigInt(v)` for a safe integer `v`, shared for 0 … 65535. */
export function bigOf(v: number): bigint {
  if (v >= 0 && v < 65536) {
    let big = SMALL_BIG[v];
    if (big === undefined) {
      big = BigInt(v);
      SMALL_BIG[v] = big;
    }
    return big;
  }
  return BigInt(v);
}

// ---------------------------------------------------------------------------------------------------------------
// Heads and numbers

/**
 * Reads the argument of additional information `ai` (head byte already consumed, `st.pos` after it): a number,
 * -1 for an argument above 2^53 − 1 (in `st.big`), -2 when it runs past `st.end` or `ai` is 28–31.
 */
export function readArg(st: DecodeState, ai: number): number {
  if (ai < 24) return ai;
  const b = st.b;
  const p = st.pos;
  const room = st.end - p;
  if (ai === 24) {
    if (room < 1) return -2;
    st.pos = p + 1;
    return b[p] as number;
  }
  if (ai === 25) {
    if (room < 2) return -2;
    st.pos = p + 2;
    return ((b[p] as number) << 8) | (b[p + 1] as number);
  }
  if (ai === 26) {
    if (room < 4) return -2;
    st.pos = p + 4;
    return (
      (b[p] as number) * 0x1000000 + (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number))
    );
  }
  if (ai === 27) {
    if (room < 8) return -2;
    st.pos = p + 8;
    const hi =
      (b[p] as number) * 0x1000000 +
      (((b[p + 1] as number) << 16) | ((b[p + 2] as number) << 8) | (b[p + 3] as number));
    const lo =
      (b[p + 4] as number) * 0x1000000 +
      (((b[p + 5] as number) << 16) | ((b[p + 6] as number) << 8) | (b[p + 7] as number));
    if (hi < 0x200000) return hi * TWO32 + lo;
    st.big = (BigInt(hi) << 32n) | BigInt(lo);
    return -1;
  }
  return -2;
}

function dataView(st: DecodeState): DataView {
  if (st.dv === undefined) st.dv = new DataView(st.b.buffer, st.b.byteOffset, st.b.byteLength);
  return st.dv;
}

/** Value of a float16. */
export function half(b0: number, b1: number): number {
  const exp = (b0 >> 2) & 0x1f;
  const mant = ((b0 & 3) << 8) | b1;
  let v: number;
  if (exp === 0) v = mant * 2 ** -24;
  else if (exp === 31) v = mant === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  else v = (mant + 1024) * 2 ** (exp - 25);
  return b0 & 0x80 ? -v : v;
}

/** Kinds returned by {@link readNum}. */
export const K_UINT = 0;
/** Negative integer. */
export const K_NINT = 1;
/** Float. */
export const K_FLOAT = 2;
/** Not a number. */
export const K_NONE = -1;
/** Runs past the end or malformed. */
export const K_BAIL = -2;

/**
 * Reads an integer or float at `st.pos`: K_UINT / K_NINT / K_FLOAT (value in `st.num`, or `st.big` when
 * `st.isBig`), K_NONE (not a number; position unchanged) or K_BAIL.
 */
export function readNum(st: DecodeState): number {
  const b = st.b;
  const pos = st.pos;
  const ib = b[pos] as number;
  const major = ib >> 5;
  if (major <= 1) {
    st.pos = pos + 1;
    const a = readArg(st, ib & 31);
    st.wasFloat = false;
    if (a === -2) return K_BAIL;
    if (a === -1) {
      st.isBig = true;
      if (major === 1) st.big = -1n - st.big;
    } else if (major === 0) {
      st.isBig = false;
      st.num = a;
    } else if (a < MAX_SAFE) {
      st.isBig = false;
      st.num = -1 - a;
    } else {
      st.isBig = true;
      st.big = -1n - BigInt(a);
    }
    return major;
  }
  const room = st.end - pos;
  if (ib === 0xf9) {
    if (room < 3) return K_BAIL;
    st.num = half(b[pos + 1] as number, b[pos + 2] as number);
    st.pos = pos + 3;
  } else if (ib === 0xfa) {
    if (room < 5) return K_BAIL;
    st.num = dataView(st).getFloat32(pos + 1);
    st.pos = pos + 5;
  } else if (ib === 0xfb) {
    if (room < 9) return K_BAIL;
    st.num = dataView(st).getFloat64(pos + 1);
    st.pos = pos + 9;
  } else {
    return K_NONE;
  }
  st.isBig = false;
  st.wasFloat = true;
  return K_FLOAT;
}

/** Describes the CBOR item at `pos` as a type name (for `found`). */
export function describeItem(b: Uint8Array, pos: number): string {
  const ib = b[pos];
  if (ib === undefined) return 'end of input';
  switch (ib >> 5) {
    case 0:
      return 'uint';
    case 1:
      return 'negative int';
    case 2:
      return 'bytes';
    case 3:
      return 'text';
    case 4:
      return 'array';
    case 5:
      return 'map';
    case 6: {
      const ai = ib & 31;
      let tag = ai;
      if (ai === 24) tag = b[pos + 1] ?? 0;
      else if (ai === 25) tag = ((b[pos + 1] ?? 0) << 8) | (b[pos + 2] ?? 0);
      else if (ai >= 26) return 'tag';
      return `tag ${tag}`;
    }
    default:
      if (ib === 0xf4 || ib === 0xf5) return 'bool';
      if (ib === 0xf6) return 'null';
      if (ib === 0xf7) return 'undefined';
      if (ib >= 0xf9 && ib <= 0xfb) return 'float';
      return 'simple value';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Strings

/** Decodes `len` bytes of UTF-8 at `p` (short ASCII strings without the TextDecoder). */
export function decodeText(b: Uint8Array, p: number, len: number): string {
  if (len < 24) {
    let s = '';
    for (let i = 0; i < len; i++) {
      const ch = b[p + i] as number;
      if (ch >= 0x80) return utf8.decode(b.subarray(p, p + len));
      s += String.fromCharCode(ch);
    }
    return s;
  }
  return utf8.decode(b.subarray(p, p + len));
}

function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Reads the chunks of an indefinite-length string (head consumed) of major `major`: the joined bytes or BAIL. */
function readChunks(st: DecodeState, major: number): Uint8Array | typeof BAIL {
  const b = st.b;
  const parts: Uint8Array[] = [];
  for (;;) {
    if (st.pos >= st.end) return BAIL;
    const cb = b[st.pos] as number;
    if (cb === 0xff) {
      st.pos++;
      return concat(parts);
    }
    if (cb >> 5 !== major || (cb & 31) === 31) return BAIL;
    st.pos++;
    const len = readArg(st, cb & 31);
    if (len < 0 || len > st.end - st.pos) return BAIL;
    parts.push(b.subarray(st.pos, st.pos + len));
    st.pos += len;
  }
}

/** Reads a text string at `st.pos` (major type 3 checked by the caller): the string or BAIL. */
export function readTextAt(st: DecodeState): string | typeof BAIL {
  const b = st.b;
  const ib = b[st.pos] as number;
  st.pos++;
  if (ib === 0x7f) {
    const joined = readChunks(st, 3);
    return joined === BAIL ? BAIL : utf8.decode(joined);
  }
  const len = readArg(st, ib & 31);
  const p = st.pos;
  if (len < 0 || len > st.end - p) return BAIL;
  st.pos = p + len;
  return decodeText(b, p, len);
}

/** Reads a byte string at `st.pos` (major type 2 checked by the caller): a view (or copy) or BAIL. */
export function readBytesAt(st: DecodeState): Uint8Array | typeof BAIL {
  const b = st.b;
  const ib = b[st.pos] as number;
  st.pos++;
  if (ib === 0x5f) return readChunks(st, 2);
  const len = readArg(st, ib & 31);
  const p = st.pos;
  if (len < 0 || len > st.end - p) return BAIL;
  st.pos = p + len;
  return st.copy ? b.slice(p, p + len) : b.subarray(p, p + len);
}

// ---------------------------------------------------------------------------------------------------------------
// Skipping and opaque values

/**
 * Length of the item at `pos` whose nesting starts at `depth`, within `st.end`, or -1 when it cannot be measured
 * (runs past the end, malformed, too deep).
 */
export function measureAt(st: DecodeState, pos: number, depth: number): number {
  const length = st.scanner.scanFrom(st.b, pos, st.end, depth);
  return length >= 0 ? length : -1;
}

/** Skips the item at `pos` (sets `st.pos` after it); false when it cannot be measured. */
export function skipAt(st: DecodeState, pos: number): boolean {
  const length = measureAt(st, pos, st.depth);
  if (length < 0) return false;
  st.pos = pos + length;
  return true;
}

/**
 * Decodes the item at `st.pos` as an opaque value (cbor-x semantics), or BAIL when it cannot be measured or
 * cbor-x refuses it (`undefined` then with `lenientOpaque`). `undefined` is returned as is (callers treat it as
 * absent where it matters).
 */
export function readOpaque(st: DecodeState): unknown {
  const p = st.pos;
  const length = measureAt(st, p, st.depth);
  if (length < 0) return BAIL;
  let value: unknown;
  try {
    value = st.copy ? decodeOpaque(st.b.slice(p, p + length)) : decodeOpaque(st.b, p, p + length);
  } catch {
    if (!st.lenientOpaque) return BAIL;
    value = undefined;
  }
  st.pos = p + length;
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// Problems

/** Records a problem at `pos`. */
export function pushProblem(
  st: DecodeState,
  pos: number,
  expected: string,
  found: string,
  message: string,
  code: CborSchemaErrorCode = 'SCHEMA_MISMATCH',
): InternalProblem {
  const problem: InternalProblem = { code, expected, found, offset: pos, message, trail: [] };
  st.problems.push(problem);
  return problem;
}

/** Reports a mismatch of the item at `start`, skips it and returns FAIL (or BAIL when it cannot be skipped). */
export function fail(
  st: DecodeState,
  start: number,
  expected: string,
  found?: string,
  detail?: string,
): typeof FAIL | typeof BAIL {
  if (!skipAt(st, start)) return BAIL;
  const f = found ?? describeItem(st.b, start);
  pushProblem(st, start, expected, f, detail ?? `expected ${expected}, found ${f}`);
  return FAIL;
}

/** Adds a path segment to the problems recorded since index `from`. */
export function addSeg(
  st: DecodeState,
  from: number,
  kind: number,
  name: string | number | bigint,
  wire: string | number | bigint,
): void {
  const list = st.problems;
  for (let i = from; i < list.length; i++) (list[i] as InternalProblem).trail.push(kind, name, wire);
}

function pathString(prefix: string, trail: (string | number | bigint)[], wire: boolean): string {
  let out = prefix;
  for (let i = trail.length - 3; i >= 0; i -= 3) {
    const kind = trail[i];
    const seg = trail[i + (wire ? 2 : 1)] as string | number | bigint;
    if (kind === 1) out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(typeof seg === 'bigint' ? seg.toString() : seg)}]`;
  }
  return out;
}

/** The public form of recorded problems: paths prefixed with `prefix`, offsets moved by `base`. */
export function finishProblems(
  problems: readonly InternalProblem[],
  prefix: string,
  base: number,
  fromValue: boolean,
): Problem[] {
  return problems.map((p) => {
    const path = pathString(prefix, p.trail, false);
    const wirePath = pathString(prefix, p.trail, true);
    const out: Problem = {
      code: p.code,
      path,
      wirePath,
      expected: p.expected,
      found: p.found,
      message: `${path === '' ? '' : `${path}: `}${p.message}`,
    };
    const key = p.key;
    if (key !== undefined) out.key = typeof key === 'bigint' ? key.toString() : key;
    if (!fromValue) {
      out.offset = p.offset + base;
      out.message += ` at offset ${p.offset + base}`;
    }
    return out;
  });
}
