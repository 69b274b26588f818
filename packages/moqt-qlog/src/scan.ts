/**
 * A resumable JSON value scanner over bytes: finds where one JSON value ends without parsing it (brackets,
 * strings with escapes, scalars), so that records can be cut out with their byte offsets and handed to
 * `JSON.parse` one at a time. Strings are skipped with `indexOf` jumps; nesting is checked (a `]` closing a `{`
 * is an error at its offset) and bounded.
 *
 * @module
 * @internal
 */

/** The scan needs more bytes (the value is not complete yet). */
export const SCAN_NEED = -1;
/** The bytes cannot be a JSON value (see {@link ValueScan.errorAt}). */
export const SCAN_BAD = -2;

/** Deepest nesting accepted. */
export const MAX_DEPTH = 4096;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LF = 0x0a;

/** True for bytes that end a scalar (whitespace, separators, brackets, RS). */
function endsScalar(byte: number): boolean {
  return (
    byte === 0x20 ||
    byte === 0x0a ||
    byte === 0x0d ||
    byte === 0x09 ||
    byte === 0x2c ||
    byte === CLOSE_BRACE ||
    byte === CLOSE_BRACKET ||
    byte === 0x1e ||
    byte === 0x3a
  );
}

/** The state of one value being scanned; reuse it across calls while the value is incomplete. */
export class ValueScan {
  /** Where the value starts. */
  start = 0;
  /** Next byte to look at. */
  pos = 0;
  /** Open brackets. */
  depth = 0;
  /** Inside a string. */
  inString = false;
  /** The value is a string (top level). */
  topString = false;
  /** Where the error was found (after {@link SCAN_BAD}). */
  errorAt = 0;
  /** What the error is. */
  error = '';
  /** A line starting with `{` cut the value (concatenated values): the next value starts at {@link ValueScan.errorAt}. */
  cut = false;
  private readonly closers = new Uint8Array(MAX_DEPTH);

  /** Starts a value at `start`. */
  reset(start: number): void {
    this.start = start;
    this.pos = start;
    this.depth = 0;
    this.inString = false;
    this.topString = false;
    this.errorAt = 0;
    this.error = '';
    this.cut = false;
  }

  private bad(at: number, error: string): number {
    this.errorAt = at;
    this.error = error;
    return SCAN_BAD;
  }

  /**
   * Scans on from {@link ValueScan.pos} up to `end`. Returns the index after the value, {@link SCAN_NEED} or
   * {@link SCAN_BAD}. `eof`: no byte follows `end` (a scalar may end there). `cutAtLineBrace`: a line feed
   * followed by `{` outside a string ends a broken value (concatenated and NDJSON records start at a line).
   */
  scan(b: Uint8Array, end: number, eof: boolean, cutAtLineBrace: boolean): number {
    let i = this.pos;
    if (i > this.start && this.depth === 0 && !this.inString) {
      // A scalar (number, true, false, null) cut by the end of the bytes so far: it goes on to its delimiter.
      while (i < end && !endsScalar(b[i] as number)) i++;
      if (i === end && !eof) {
        this.pos = i;
        return SCAN_NEED;
      }
      return i;
    }
    if (i === this.start && this.depth === 0 && !this.inString) {
      if (i >= end) return SCAN_NEED;
      const c = b[i] as number;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.closers[0] = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        this.depth = 1;
        i++;
      } else if (c === QUOTE) {
        this.inString = true;
        this.topString = true;
        i++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === 0x2c || c === 0x3a) {
        return this.bad(i, `unexpected '${String.fromCharCode(c)}'`);
      } else {
        while (i < end && !endsScalar(b[i] as number)) i++;
        if (i === end && !eof) {
          this.pos = i;
          return SCAN_NEED;
        }
        return i;
      }
    }
    let nextLf = -2; // position of the next line feed at or after `i` (-2: not looked up, -1: none)
    // Searches stop at `end`: the buffer's free space after it would make every call cost the buffer's size.
    const bytes = end < b.length ? b.subarray(0, end) : b;
    while (i < end) {
      if (this.inString) {
        let j = bytes.indexOf(QUOTE, i);
        if (cutAtLineBrace) {
          // A raw line feed cannot be inside a JSON string: followed by `{` it starts the next record.
          if (nextLf === -2 || (nextLf >= 0 && nextLf < i)) nextLf = bytes.indexOf(LF, i);
          if (nextLf >= end) nextLf = -1;
          if (nextLf >= 0 && (j < 0 || j >= end || nextLf < j)) {
            if (nextLf + 1 >= end && !eof) {
              this.pos = nextLf;
              return SCAN_NEED;
            }
            if (b[nextLf + 1] === OPEN_BRACE) {
              this.cut = true;
              return this.bad(nextLf + 1, 'the record is cut by a line starting a new one');
            }
          }
        }
        for (;;) {
          if (j < 0 || j >= end) {
            this.pos = end;
            return SCAN_NEED;
          }
          // Count the backslashes right before the quote (the run may have started in an earlier call).
          let k = j - 1;
          while (k >= this.start && b[k] === BACKSLASH) k--;
          if ((j - 1 - k) % 2 === 0) break;
          j = bytes.indexOf(QUOTE, j + 1);
        }
        this.inString = false;
        i = j + 1;
        if (this.topString) return i;
        continue;
      }
      const c = b[i] as number;
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.depth >= MAX_DEPTH) return this.bad(i, `nested deeper than ${MAX_DEPTH} levels`);
        this.closers[this.depth++] = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.closers[this.depth - 1] !== c) return this.bad(i, `unexpected '${String.fromCharCode(c)}'`);
        this.depth--;
        if (this.depth === 0) return i + 1;
      } else if (c === LF && cutAtLineBrace) {
        if (i + 1 >= end) {
          if (!eof) {
            this.pos = i;
            return SCAN_NEED;
          }
        } else if (b[i + 1] === OPEN_BRACE) {
          this.cut = true;
          return this.bad(i + 1, 'the record is cut by a line starting a new one');
        }
      }
      i++;
    }
    this.pos = i;
    return SCAN_NEED;
  }
}
