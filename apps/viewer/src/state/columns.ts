/** Growable typed-array columns: the main thread's compact store for hundreds of thousands of rows. */

type NumericArray = Float64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;
type NumericCtor<T extends NumericArray> = { new (length: number): T };

/** One growable numeric column. `data` may be replaced when it grows: read it after each append. */
export class Column<T extends NumericArray> {
  data: T;
  length = 0;
  constructor(
    private readonly ctor: NumericCtor<T>,
    capacity = 1024,
  ) {
    this.data = new ctor(capacity);
  }
  append(values: ArrayLike<number>): void {
    const need = this.length + values.length;
    if (need > this.data.length) {
      let cap = this.data.length * 2;
      while (cap < need) cap *= 2;
      const next = new this.ctor(cap);
      next.set(this.data.subarray(0, this.length) as ArrayLike<number>);
      this.data = next;
    }
    (this.data as NumericArray).set(values, this.length);
    this.length = need;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
}

export const f64 = (cap?: number) => new Column(Float64Array, cap);
export const i32 = (cap?: number) => new Column(Int32Array, cap);
export const u8 = (cap?: number) => new Column(Uint8Array, cap);
export const i8 = (cap?: number) => new Column(Int8Array, cap);
export const u16 = (cap?: number) => new Column(Uint16Array, cap);
