/**
 * @internal serde_json's re-serialisation done on bytes, for the common JSON payload: ASCII only, strings without
 * escapes, integers in their shortest form within i64/u64, any whitespace, objects in any key order (printed
 * sorted by key bytes, the last duplicate winning), nesting up to 127 levels. The payload's bytes are copied to
 * the output (no text is decoded, no string made); anything else (a float, an escape, non-ASCII text, invalid
 * JSON) is left to the text re-serialisation of `serde-json.ts`, which gives the same output for this subset.
 *
 * @module
 */

const MAX_DEPTH = 127;

/**
 * Where a copied string stops: its closing quote, or a byte it cannot hold (a backslash, a control character, a
 * non-ASCII byte).
 */
const STRING_STOP = (() => {
  const table = new Uint8Array(256);
  for (let c = 0; c < 256; c++) table[c] = c < 0x20 || c >= 0x80 || c === 0x5c || c === 0x22 ? 1 : 0;
  return table;
})();

/** One pass: reads `p` from `i`, writes to `d` at `o`. */
class Pass {
  i = 0;
  o: number;
  /**
   * The members of the objects being written, three numbers each: where the member's `"key":value` starts in the
   * output, where its key ends, where its value ends. An object's members follow those of its parents.
   */
  private readonly members: number[] = [];
  /** `p` as 32-bit words from its first 4-byte aligned byte (`wordBase`), made for the first long string. */
  private words: Int32Array | undefined;
  private wordBase = 0;

  constructor(
    private readonly p: Uint8Array,
    private readonly d: Uint8Array,
    at: number,
  ) {
    this.o = at;
  }

  ws(): void {
    const p = this.p;
    let i = this.i;
    for (;;) {
      const c = p[i];
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  /** Copies a value; false when it is outside the subset. */
  value(depth: number): boolean {
    this.ws();
    const c = this.p[this.i];
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x74) return this.word(0x74, 0x72, 0x75, 0x65, 4); // true
    if (c === 0x6e) return this.word(0x6e, 0x75, 0x6c, 0x6c, 4); // null
    if (c === 0x66) return this.p[this.i + 4] === 0x65 && this.word(0x66, 0x61, 0x6c, 0x73, 5); // false
    if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return this.integer();
    return false;
  }

  private word(a: number, b: number, c: number, e: number, length: number): boolean {
    const p = this.p;
    const i = this.i;
    if (p[i] !== a || p[i + 1] !== b || p[i + 2] !== c || p[i + 3] !== e) return false;
    this.copy(i, i + length);
    this.i = i + length;
    return true;
  }

  private copy(from: number, to: number): void {
    const d = this.d;
    const p = this.p;
    if (to - from > 32) {
      d.set(p.subarray(from, to), this.o);
      this.o += to - from;
      return;
    }
    let o = this.o;
    for (let i = from; i < to; i++) d[o++] = p[i] as number;
    this.o = o;
  }

  private string(): boolean {
    const p = this.p;
    const start = this.i;
    const quote = this.stringStop(start + 1); // one pass: the closing quote, unless a byte before it disqualifies
    if (p[quote] !== 0x22) return false;
    this.copy(start, quote + 1);
    this.i = quote + 1;
    return true;
  }

  /**
   * The first byte at or after `from` that ends a copied string (see {@link STRING_STOP}), or `p.length`. Looks
   * at four bytes at a time (one test for a high bit, a byte below 0x20, a backslash or a quote among them) and
   * at single bytes only around a hit and at the ends.
   */
  private stringStop(from: number): number {
    const p = this.p;
    const table = STRING_STOP;
    const n = p.length;
    let i = from;
    if (n - i >= 16) {
      let words = this.words;
      if (words === undefined) {
        this.wordBase = (4 - (p.byteOffset & 3)) & 3;
        words = new Int32Array(p.buffer, p.byteOffset + this.wordBase, (n - this.wordBase) >> 2);
        this.words = words;
      }
      const base = this.wordBase;
      while (((i - base) & 3) !== 0) {
        if (table[p[i] as number] !== 0) return i;
        i++;
      }
      const count = words.length;
      for (let k = (i - base) >> 2; k < count; k++) {
        const w = words[k] as number;
        const x = w ^ 0x5c5c5c5c;
        const y = w ^ 0x22222222;
        if (((w | ((w - 0x20202020) & ~w) | ((x - 0x01010101) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) !== 0) {
          const at = base + 4 * k;
          for (let j = at; j < at + 4; j++) if (table[p[j] as number] !== 0) return j;
        }
      }
      i = base + 4 * count;
    }
    for (; i < n; i++) if (table[p[i] as number] !== 0) return i;
    return n;
  }

  /** An integer as serde prints it: no fraction, no exponent, no `-0`, within i64/u64 (checked by length). */
  private integer(): boolean {
    const p = this.p;
    const start = this.i;
    let j = start;
    if (p[j] === 0x2d) j++;
    const first = p[j];
    if (first === undefined || first < 0x30 || first > 0x39) return false;
    if (first === 0x30) {
      if (j > start) return false; // -0 prints as -0.0
      j++;
    } else {
      while (j < p.length && (p[j] as number) >= 0x30 && (p[j] as number) <= 0x39) j++;
    }
    if (j - start > 18) return false; // near the i64/u64 limits: the text path decides
    const next = p[j];
    if (next === 0x2e || next === 0x65 || next === 0x45) return false; // a float: printed by ryu
    this.copy(start, j);
    this.i = j;
    return true;
  }

  private array(depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const p = this.p;
    const d = this.d;
    this.i++;
    d[this.o++] = 0x5b;
    this.ws();
    if (p[this.i] === 0x5d) {
      this.i++;
      d[this.o++] = 0x5d;
      return true;
    }
    for (;;) {
      if (!this.value(depth)) return false;
      this.ws();
      const c = p[this.i++];
      if (c === 0x5d) break;
      if (c !== 0x2c) return false;
      d[this.o++] = 0x2c;
    }
    d[this.o++] = 0x5d;
    return true;
  }

  private object(depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const p = this.p;
    const d = this.d;
    const start = this.o;
    this.i++;
    d[this.o++] = 0x7b;
    this.ws();
    if (p[this.i] === 0x7d) {
      this.i++;
      d[this.o++] = 0x7d;
      return true;
    }
    const members = this.members;
    const first = members.length;
    let ordered = true;
    let lastKey = -1;
    let lastKeyEnd = -1;
    for (;;) {
      this.ws();
      if (p[this.i] !== 0x22) return false;
      const memberStart = this.o;
      if (!this.string()) return false;
      const keyEnd = this.o;
      // Key contents without the quotes (a quote sorts after the space and `!`).
      if (ordered && lastKey >= 0 && compare(d, lastKey + 1, lastKeyEnd - 1, memberStart + 1, keyEnd - 1) >= 0) {
        ordered = false;
      }
      lastKey = memberStart;
      lastKeyEnd = keyEnd;
      this.ws();
      if (p[this.i++] !== 0x3a) return false;
      d[this.o++] = 0x3a;
      if (!this.value(depth)) return false;
      members.push(memberStart, keyEnd, this.o);
      this.ws();
      const c = p[this.i++];
      if (c === 0x7d) break;
      if (c !== 0x2c) return false;
      d[this.o++] = 0x2c;
    }
    if (ordered) d[this.o++] = 0x7d;
    else this.reorder(start, first);
    members.length = first;
    return true;
  }

  /** Rewrites the object written from `start` (members from `first` on) sorted by key, the last of equal keys kept. */
  private reorder(start: number, first: number): void {
    const d = this.d;
    const m = this.members;
    // The object is moved past its end (room the caller gives) and written back sorted from there.
    const base = this.o;
    d.copyWithin(base, start, base);
    const shift = base - start;
    const count = (m.length - first) / 3;
    const order: number[] = [];
    for (let k = 0; k < count; k++) order.push(first + 3 * k);
    // A key's bytes without its quotes: from start + 1 to keyEnd - 1.
    const keyCompare = (a: number, b: number) =>
      compare(
        d,
        (m[a] as number) + 1 + shift,
        (m[a + 1] as number) - 1 + shift,
        (m[b] as number) + 1 + shift,
        (m[b + 1] as number) - 1 + shift,
      );
    order.sort((a, b) => keyCompare(a, b) || b - a); // equal keys: the last first
    let o = start + 1;
    let previous = -1;
    for (const k of order) {
      if (previous >= 0) {
        if (keyCompare(previous, k) === 0) continue; // a duplicate: the last one was kept
        d[o++] = 0x2c;
      }
      const from = (m[k] as number) + shift;
      const to = (m[k + 2] as number) + shift;
      d.copyWithin(o, from, to);
      o += to - from;
      previous = k;
    }
    d[o++] = 0x7d;
    this.o = o;
  }
}

/** Compares the byte ranges [a, aEnd) and [b, bEnd) of `x`. */
function compare(x: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): number {
  const n = Math.min(aEnd - a, bEnd - b);
  for (let k = 0; k < n; k++) {
    const diff = (x[a + k] as number) - (x[b + k] as number);
    if (diff !== 0) return diff;
  }
  return aEnd - a - (bEnd - b);
}

/**
 * @internal Writes serde_json's re-serialisation of the JSON payload `p` into `dest` at `at` and returns where it
 * ends (never more than `p.length` bytes; `dest` must have room for `2 * p.length` bytes from `at`: objects are
 * sorted through the space after the output), or -1 when `p` is outside the
 * subset this handles (nothing is to be kept of what was written then).
 */
export function reserializeBytes(p: Uint8Array, dest: Uint8Array, at: number): number {
  const pass = new Pass(p, dest, at);
  if (!pass.value(0)) return -1;
  pass.ws();
  return pass.i === p.length ? pass.o : -1;
}
