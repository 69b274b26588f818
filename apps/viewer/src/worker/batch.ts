import type { FromWorker, SsColumns, TraceColumns } from './protocol.js';

/** Interns strings for the worker's string table; `drain()` returns those added since the last drain. */
export class StringTable {
  private readonly index = new Map<string, number>();
  private fresh: string[] = [];
  private count = 0;
  /** Strings longer than this are not interned (they are almost always unique). */
  intern(value: string): number {
    const found = this.index.get(value);
    if (found !== undefined) return found;
    const id = this.count++;
    if (value.length <= 200) this.index.set(value, id);
    this.fresh.push(value);
    return id;
  }
  drain(): string[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}

type ColumnSpec<T> = { [K in keyof T]: { new (n: number): T[K] } };

/** Fills typed-array columns row by row; `take()` hands over the filled prefix (transferable). */
type NumericArray = Float64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;

export class ColumnBuilder<T extends { [K in keyof T]: NumericArray }> {
  private cols: T;
  length = 0;
  constructor(
    private readonly spec: ColumnSpec<T>,
    readonly capacity: number,
  ) {
    this.cols = this.alloc();
  }
  private alloc(): T {
    const out = {} as T;
    for (const key of Object.keys(this.spec) as (keyof T)[]) out[key] = new this.spec[key](this.capacity) as T[keyof T];
    return out;
  }
  /** Row `length` of every column; call `commit()` after setting its values. */
  get row(): T {
    return this.cols;
  }
  commit(): void {
    this.length++;
  }
  get full(): boolean {
    return this.length >= this.capacity;
  }
  take(): { cols: T; transfer: ArrayBuffer[] } {
    const out = {} as T;
    const transfer: ArrayBuffer[] = [];
    for (const key of Object.keys(this.cols) as (keyof T)[]) {
      const col = this.cols[key];
      const part = col.slice(0, this.length) as T[keyof T];
      out[key] = part;
      transfer.push(part.buffer as ArrayBuffer);
    }
    this.length = 0;
    return { cols: out, transfer };
  }
}

export const TRACE_SPEC: ColumnSpec<TraceColumns> = {
  seq: Float64Array,
  seg: Uint16Array,
  time: Float64Array,
  type: Uint8Array,
  dir: Int8Array,
  sid: Float64Array,
  group: Float64Array,
  object: Float64Array,
  size: Float64Array,
  offset: Float64Array,
  name: Int32Array,
  summary: Int32Array,
  alias: Float64Array,
  prio: Int32Array,
};

export const SS_SPEC: ColumnSpec<SsColumns> = {
  stream: Int32Array,
  seq: Float64Array,
  ts: Float64Array,
  size: Float64Array,
  offset: Float64Array,
  flags: Uint8Array,
  preview: Int32Array,
};

export interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}
