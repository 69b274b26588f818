/**
 * A compact map from ids (`bigint`) to small non-negative integers (row indexes) for the analysis builders,
 * which meet one id per data stream: an open-addressing hash table in typed arrays for the ids that are safe
 * integers (no object per entry, nothing for the garbage collector to trace), a `Map` for the ids beyond 2^53.
 *
 * @module
 */

const MAX_SAFE = 9007199254740991n;

/** A stream id as a number when it is a safe integer, else the bigint itself. */
export function safeKey(id: bigint): number | bigint {
  return id <= MAX_SAFE && id >= -MAX_SAFE ? Number(id) : id;
}

/** A 32-bit hash of a safe integer (both halves mixed). */
export function hashKey(key: number): number {
  const h = Math.imul((key >>> 0) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}

/** Ids to integers in `[0, 2^31 − 2]`; see the module comment. */
export class IdIndex {
  private keys = new Float64Array(64);
  private values = new Int32Array(64); // value + 1, 0 for a free slot
  private used = 0;
  private readonly big = new Map<bigint, number>();

  /** The value of `id`, if set. */
  get(id: bigint): number | undefined {
    const key = safeKey(id);
    if (typeof key === 'bigint') return this.big.get(key);
    const { keys, values } = this;
    const mask = values.length - 1;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const v = values[i] as number;
      if (v === 0) return undefined;
      if (keys[i] === key) return v - 1;
    }
  }

  /** Sets (or replaces) the value of `id`. */
  set(id: bigint, value: number): void {
    const key = safeKey(id);
    if (typeof key === 'bigint') {
      this.big.set(key, value);
      return;
    }
    if ((this.used + 1) * 4 > this.values.length * 3) this.grow();
    if (this.place(key, value + 1)) this.used++;
  }

  /** Puts `key` → `entry` in its slot; true when the key was new. */
  private place(key: number, entry: number): boolean {
    const { keys, values } = this;
    const mask = values.length - 1;
    let i = hashKey(key) & mask;
    for (; values[i] !== 0; i = (i + 1) & mask) {
      if (keys[i] === key) {
        values[i] = entry;
        return false;
      }
    }
    keys[i] = key;
    values[i] = entry;
    return true;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(values.length * 2);
    this.values = new Int32Array(values.length * 2);
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== 0) this.place(keys[i] as number, values[i] as number);
    }
  }
}
