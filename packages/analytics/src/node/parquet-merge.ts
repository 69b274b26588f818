/**
 * Joins Parquet files with the same schema into one, without decoding their pages: the row groups are copied byte
 * for byte and the footers (Thrift compact protocol) are merged, with every file offset moved by where its file's
 * bytes land. An export writes a large table as several pieces while the next piece is being read (DuckDB cannot
 * append to a Parquet file) and joins them here into one `<table>.parquet`.
 *
 * @internal
 * @module
 */
import { type FileHandle, open } from 'node:fs/promises';
import { AnalyticsError } from '../errors.js';

/** A Thrift compact-protocol value as read: numbers (i8/i16/i32), bigints (i64), bytes, lists, structs. */
type ThriftValue = number | bigint | boolean | Uint8Array | ThriftList | ThriftStruct;

/** A list: element type and elements. */
interface ThriftList {
  readonly elementType: number;
  readonly items: ThriftValue[];
}

/** A struct: fields in the order read. */
interface ThriftField {
  readonly id: number;
  readonly type: number;
  value: ThriftValue;
}
type ThriftStruct = ThriftField[];

const T_TRUE = 1;
const T_FALSE = 2;
const T_I8 = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_STRUCT = 12;

function bad(message: string): AnalyticsError {
  return new AnalyticsError('IO_ERROR', `cannot join Parquet pieces: ${message}`);
}

/** Reads the compact protocol from `bytes` (the nesting is bounded: Parquet footers are a few levels deep). */
class ThriftReader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    if (this.at >= this.bytes.length) throw bad('footer ends early');
    return this.bytes[this.at++] as number;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
      if (shift > 63n) throw bad('varint too long');
    }
  }

  zigzag(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  value(type: number, depth: number): ThriftValue {
    switch (type) {
      case T_TRUE:
        return true;
      case T_FALSE:
        return false;
      case T_I8: {
        const b = this.byte();
        return b > 127 ? b - 256 : b;
      }
      case T_I16:
      case T_I32:
        return Number(this.zigzag());
      case T_I64:
        return this.zigzag();
      case T_DOUBLE: {
        const start = this.at;
        this.at += 8;
        if (this.at > this.bytes.length) throw bad('footer ends early');
        return this.bytes.slice(start, this.at);
      }
      case T_BINARY: {
        const length = Number(this.varint());
        const start = this.at;
        this.at += length;
        if (this.at > this.bytes.length) throw bad('footer ends early');
        return this.bytes.slice(start, this.at);
      }
      case T_LIST:
      case T_SET:
        return this.list(depth + 1);
      case T_STRUCT:
        return this.struct(depth + 1);
      default:
        throw bad(`unsupported Thrift type ${type}`);
    }
  }

  list(depth: number): ThriftList {
    if (depth > 32) throw bad('footer nested too deeply');
    const head = this.byte();
    const elementType = head & 0x0f;
    const size = head >> 4 === 0x0f ? Number(this.varint()) : head >> 4;
    if (size > this.bytes.length - this.at + 1) throw bad('list longer than the footer');
    const items: ThriftValue[] = [];
    for (let i = 0; i < size; i++) {
      // A boolean element is one byte (1 true) in the compact protocol.
      items.push(
        elementType === T_TRUE || elementType === T_FALSE ? this.byte() === 1 : this.value(elementType, depth),
      );
    }
    return { elementType, items };
  }

  struct(depth: number): ThriftStruct {
    if (depth > 32) throw bad('footer nested too deeply');
    const fields: ThriftStruct = [];
    let last = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) return fields;
      const type = head & 0x0f;
      const delta = head >> 4;
      const id = delta === 0 ? Number(this.zigzag()) : last + delta;
      last = id;
      fields.push({ id, type, value: this.value(type, depth) });
    }
  }
}

/** Writes the compact protocol into a growing array of bytes. */
class ThriftWriter {
  private bytes = new Uint8Array(1 << 16);
  length = 0;

  private byte(b: number): void {
    if (this.length === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.length++] = b;
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  zigzag(n: bigint): void {
    this.varint(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n)));
  }

  raw(bytes: Uint8Array): void {
    for (const b of bytes) this.byte(b);
  }

  value(type: number, value: ThriftValue): void {
    switch (type) {
      case T_TRUE:
      case T_FALSE:
        return;
      case T_I8:
        this.byte((value as number) & 0xff);
        return;
      case T_I16:
      case T_I32:
        this.zigzag(BigInt(value as number));
        return;
      case T_I64:
        this.zigzag(value as bigint);
        return;
      case T_DOUBLE:
        this.raw(value as Uint8Array);
        return;
      case T_BINARY:
        this.varint(BigInt((value as Uint8Array).length));
        this.raw(value as Uint8Array);
        return;
      case T_LIST:
      case T_SET: {
        const list = value as ThriftList;
        const size = list.items.length;
        if (size < 15) this.byte((size << 4) | list.elementType);
        else {
          this.byte(0xf0 | list.elementType);
          this.varint(BigInt(size));
        }
        for (const item of list.items) {
          if (list.elementType === T_TRUE || list.elementType === T_FALSE) this.byte(item ? 1 : 2);
          else this.value(list.elementType, item);
        }
        return;
      }
      default:
        this.struct(value as ThriftStruct);
    }
  }

  struct(fields: ThriftStruct): void {
    let last = 0;
    for (const field of fields) {
      const type = field.type === T_TRUE || field.type === T_FALSE ? (field.value ? T_TRUE : T_FALSE) : field.type;
      const delta = field.id - last;
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
      else {
        this.byte(type);
        this.zigzag(BigInt(field.id));
      }
      last = field.id;
      this.value(type, field.value);
    }
    this.byte(0);
  }
}

function field(struct: ThriftStruct, id: number): ThriftField | undefined {
  return struct.find((f) => f.id === id);
}

/**
 * Adds `delta` to the i64 fields `ids` of `struct` that are present and not 0 (no page starts at 0, the magic is
 * there: 0 means unset, as DuckDB writes the deprecated `ColumnChunk.file_offset`).
 */
function shift(struct: ThriftStruct, ids: readonly number[], delta: bigint): void {
  for (const f of struct) {
    if (f.type === T_I64 && ids.includes(f.id) && f.value !== 0n) f.value = (f.value as bigint) + delta;
  }
}

// FileMetaData: 2 schema, 3 num_rows, 4 row_groups. RowGroup: 1 columns, 5 file_offset, 7 ordinal. ColumnChunk:
// 2 file_offset, 3 meta_data, 4 offset_index_offset, 6 column_index_offset. ColumnMetaData: 9 data_page_offset,
// 10 index_page_offset, 11 dictionary_page_offset, 14 bloom_filter_offset.
const ROW_GROUP_OFFSETS = [5];
const CHUNK_OFFSETS = [2, 4, 6];
const META_OFFSETS = [9, 10, 11, 14];

/** Moves every file offset of a footer's row groups by `delta`; numbers them from `ordinal`. */
function shiftRowGroups(rowGroups: ThriftList, delta: bigint, ordinal: number): void {
  rowGroups.items.forEach((item, i) => {
    const group = item as ThriftStruct;
    shift(group, ROW_GROUP_OFFSETS, delta);
    const number = field(group, 7);
    if (number) number.value = ordinal + i;
    for (const c of (field(group, 1)?.value as ThriftList | undefined)?.items ?? []) {
      const chunk = c as ThriftStruct;
      shift(chunk, CHUNK_OFFSETS, delta);
      const meta = field(chunk, 3);
      if (meta) shift(meta.value as ThriftStruct, META_OFFSETS, delta);
    }
  });
}

const MAGIC = [0x50, 0x41, 0x52, 0x31];

async function readAt(
  handle: FileHandle,
  at: number,
  length: number,
  bytes = new Uint8Array(length),
): Promise<Uint8Array> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, done, length - done, at + done);
    if (bytesRead === 0) throw bad('file shorter than its footer says');
    done += bytesRead;
  }
  return bytes;
}

/** A piece: its open file, where its footer starts, and the footer. */
interface Piece {
  handle: FileHandle;
  footerStart: number;
  footer: ThriftStruct;
}

async function openPiece(path: string): Promise<Piece> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    if (size < 12) throw bad(`${path} is too short`);
    const tail = await readAt(handle, size - 8, 8);
    const length = new DataView(tail.buffer).getUint32(0, true);
    if (!MAGIC.every((b, i) => tail[4 + i] === b) || length > size - 12) throw bad(`${path} is not a Parquet file`);
    const footerStart = size - 8 - length;
    const footer = new ThriftReader(await readAt(handle, footerStart, length)).struct(0);
    return { handle, footerStart, footer };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function encoded(struct: ThriftStruct): Uint8Array {
  const writer = new ThriftWriter();
  writer.struct(struct);
  return writer.result().slice();
}

/**
 * Joins Parquet files (the same schema, as DuckDB's `COPY` writes them) into one file as they come: {@link
 * ParquetJoiner.add} copies a file's row groups after the ones before (byte for byte, offsets moved),
 * {@link ParquetJoiner.finish} writes the footer. Fails with `IO_ERROR` when a file is not a Parquet file or the
 * schemas differ.
 *
 * @example
 * ```ts
 * const joiner = await ParquetJoiner.create('events.parquet');
 * for (const part of parts) await joiner.add(part);
 * await joiner.finish();
 * ```
 */
export class ParquetJoiner {
  private at = 4;
  private rows = 0n;
  private readonly rowGroups: ThriftValue[] = [];
  private first: ThriftStruct | undefined;
  private schema: Uint8Array | undefined;
  private readonly buffer = new Uint8Array(1 << 20);
  private closed = false;

  private constructor(private readonly out: FileHandle) {}

  /** Creates `target` (replacing a file there) and writes the Parquet magic. */
  static async create(target: string): Promise<ParquetJoiner> {
    const out = await open(target, 'w');
    try {
      await out.write(Uint8Array.from(MAGIC), 0, 4, 0);
    } catch (error) {
      await out.close();
      throw error;
    }
    return new ParquetJoiner(out);
  }

  /** Appends the rows of the Parquet file at `path`. */
  async add(path: string): Promise<void> {
    const piece = await openPiece(path);
    try {
      const schema = encoded([field(piece.footer, 2) as ThriftField]);
      if (this.first === undefined) {
        this.first = piece.footer;
        this.schema = schema;
      } else if (!sameBytes(schema, this.schema as Uint8Array)) throw bad('the schemas differ');
      const groups = field(piece.footer, 4)?.value as ThriftList | undefined;
      if (groups) {
        shiftRowGroups(groups, BigInt(this.at - 4), this.rowGroups.length);
        this.rowGroups.push(...groups.items);
      }
      this.rows += (field(piece.footer, 3)?.value as bigint | undefined) ?? 0n;
      for (let from = 4; from < piece.footerStart; ) {
        const length = Math.min(this.buffer.length, piece.footerStart - from);
        // the joiner's buffer is reused for every chunk (written before the next read)
        const chunk = await readAt(piece.handle, from, length, this.buffer);
        await this.out.write(chunk, 0, length, this.at);
        from += length;
        this.at += length;
      }
    } finally {
      await piece.handle.close();
    }
  }

  /** Writes the footer (the first file's, with every row group and the row count) and closes the file. */
  async finish(): Promise<void> {
    try {
      const first = this.first;
      if (first === undefined) throw bad('no pieces');
      const footer = first.map((f) =>
        f.id === 3
          ? { ...f, value: this.rows }
          : f.id === 4
            ? { ...f, value: { elementType: T_STRUCT, items: this.rowGroups } }
            : f,
      );
      const bytes = encoded(footer);
      const tail = new Uint8Array(8);
      new DataView(tail.buffer).setUint32(0, bytes.length, true);
      tail.set(MAGIC, 4);
      await this.out.write(bytes, 0, bytes.length, this.at);
      await this.out.write(tail, 0, 8, this.at + bytes.length);
    } finally {
      await this.close();
    }
  }

  /** Closes the file (after a failure: what was written stays incomplete). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.out.close();
  }
}

/**
 * Writes the Parquet files `paths` (the same schema, as DuckDB's `COPY` writes them) as one file `target`: the rows
 * of the first, then of the second, ... Throws `IO_ERROR` when a piece is not a Parquet file or the schemas differ.
 */
export async function mergeParquet(paths: readonly string[], target: string): Promise<void> {
  const joiner = await ParquetJoiner.create(target);
  try {
    for (const path of paths) await joiner.add(path);
  } catch (error) {
    await joiner.close();
    throw error;
  }
  await joiner.finish();
}
