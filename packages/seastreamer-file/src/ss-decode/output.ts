/**
 * @internal Output bytes for the reference decoder's formats: lines are assembled in a large buffer (text
 * encoded into it, payload bytes copied into it) that goes to a `ByteSink` when full, so that the output makes no
 * JavaScript string of a payload and no garbage per line.
 *
 * @module
 */
import { type ByteSink, isValidUtf8 } from '@x/binary';
import { reserializeBytes } from './serde-bytes.js';

const encoder = new TextEncoder();
/** Bytes per chunk handed to the sink (a few hundred KiB: short-lived, see `READ_CHUNK_SIZE` in open.ts). */
const CHUNK = 256 * 1024;

/**
 * The decimal digits of each byte value followed by a comma, as a little-endian 32-bit word of ASCII bytes
 * (`7,` is `0x2c37`), and how many of its bytes count.
 */
const BYTE_WORD = new Uint32Array(256);
const BYTE_WORD_LENGTH = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const text = `${b},`;
  let word = 0;
  for (let i = text.length - 1; i >= 0; i--) word = word * 256 + text.charCodeAt(i);
  BYTE_WORD[b] = word;
  BYTE_WORD_LENGTH[b] = text.length;
}

/**
 * @internal True when `p` is valid UTF-8. ASCII is passed over four bytes at a time; the check proper starts at
 * the first byte with its high bit set.
 */
export function isUtf8(p: Uint8Array): boolean {
  const n = p.length;
  let i = 0;
  while (i < n && ((p.byteOffset + i) & 3) !== 0) {
    if ((p[i] as number) >= 0x80) return isValidUtf8(p, i);
    i++;
  }
  const count = (n - i) >> 2;
  if (count >= 4) {
    const words = new Int32Array(p.buffer, p.byteOffset + i, count);
    let k = 0;
    while (k < count && ((words[k] as number) & 0x80808080) === 0) k++;
    i += 4 * k;
  }
  while (i < n && (p[i] as number) < 0x80) i++;
  return i === n || isValidUtf8(p, i);
}

/** @internal The most bytes {@link writeByteArray} writes for `payload`. */
export function byteArrayLength(payload: Uint8Array): number {
  return payload.length * 4 + 2;
}

/**
 * @internal Writes `[1,2,3]`, a binary payload as the JSON array of its byte values (what serde prints for a
 * `Vec<u8>`), into `dest` at `at` (room for {@link byteArrayLength} bytes) and returns where it ends.
 */
export function writeByteArray(payload: Uint8Array, dest: Uint8Array, at: number): number {
  dest[at] = 0x5b;
  if (payload.length === 0) {
    dest[at + 1] = 0x5d;
    return at + 2;
  }
  // Four bytes written per value, the position moved by its length: no branch on the number of digits.
  const view = new DataView(dest.buffer, dest.byteOffset, dest.byteLength);
  const words = BYTE_WORD;
  const lengths = BYTE_WORD_LENGTH;
  let o = at + 1;
  for (let i = 0; i < payload.length; i++) {
    const b = payload[i] as number;
    view.setUint32(o, words[b] as number, true);
    o += lengths[b] as number;
  }
  dest[o - 1] = 0x5d; // the last comma becomes the closing bracket
  return o;
}

/** @internal A growing line buffer over a sink. */
export class ByteOutput {
  private buf = new Uint8Array(CHUNK);
  private pos = 0;
  private pending: Promise<void> | undefined;

  constructor(private readonly sink: ByteSink) {}

  /** Room for `n` more bytes (hands the buffer over first when it is too full). */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.handOver();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** Text (any Unicode; short ASCII is copied byte by byte, the rest encoded natively). */
  text(s: string): void {
    const n = s.length;
    this.room(n * 3);
    const buf = this.buf;
    let o = this.pos;
    if (n > 64) {
      this.pos = o + encoder.encodeInto(s, buf.subarray(o)).written;
      return;
    }
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = o;
        this.pos += encoder.encodeInto(s.slice(i), buf.subarray(o)).written;
        return;
      }
      buf[o++] = c;
    }
    this.pos = o;
  }

  /** Bytes as they are. */
  bytes(b: Uint8Array): void {
    if (b.length > CHUNK) {
      this.handOver();
      this.deliver(b);
      return;
    }
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * serde_json's re-serialisation of the JSON payload `p`, written from its bytes; false (nothing written) when
   * the payload needs the text path.
   */
  json(p: Uint8Array): boolean {
    this.room(2 * p.length);
    const end = reserializeBytes(p, this.buf, this.pos);
    if (end < 0) return false;
    this.pos = end;
    return true;
  }

  /** A binary payload as the JSON array of its byte values. */
  byteArray(payload: Uint8Array): void {
    this.room(byteArrayLength(payload));
    this.pos = writeByteArray(payload, this.buf, this.pos);
  }

  /** One byte. */
  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Hands what is buffered to the sink (a new buffer takes its place: the sink may keep the chunk). */
  handOver(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(CHUNK);
    this.pos = 0;
    this.deliver(chunk);
  }

  private deliver(chunk: Uint8Array): void {
    const previous = this.pending;
    const sink = this.sink;
    this.pending =
      previous === undefined ? (sink.write(chunk) ?? undefined) : previous.then(() => sink.write(chunk) ?? undefined);
  }

  /** The sink's pending writes (backpressure), taken once. */
  take(): Promise<void> | undefined {
    const p = this.pending;
    this.pending = undefined;
    return p;
  }
}
