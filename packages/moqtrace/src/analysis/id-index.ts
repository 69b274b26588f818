/**
 * A compact index of ids (`bigint`) for the analysis builders, which meet one id per data stream: each new id
 * gets the next entry number (0, 1, 2, … in order of first appearance), its key is kept in `Float64Array` pages
 * (no object per entry, nothing for the garbage collector to trace) and found through an open-addressing hash
 * table of entry numbers; ids beyond 2^53 go to a `Map`. It also maps ids to small integers ({@link IdIndex.get}
 * / {@link IdIndex.set}), for a builder that needs a value per id rather than a row.
 *
 * @module
 */

const MAX_SAFE = 9007199254740991n;
const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;

/** A stream id as a number when it is a safe integer, else the bigint itself. */
function safeKey(id: bigint): number | bigint {
  return id <= MAX_SAFE && id >= -MAX_SAFE ? Number(id) : id;
}

/** A 32-bit hash of a safe integer (both halves mixed). */
function hashKey(key: number): number {
  const h = Math.imul((key >>> 0) ^ Math.imul(Math.floor(key / 4294967296), 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}

/** Ids to entry numbers in order of first appearance, and optionally to values; see the module comment. */
export class IdIndex {
  private readonly keys: Float64Array[] = []; // entry → key (NaN for an id beyond 2^53: in `bigIds`)
  private table = new Int32Array(64); // entry + 1, 0 for a free slot
  private readonly big = new Map<bigint, number>(); // id beyond 2^53 → entry
  private readonly bigIds = new Map<number, bigint>(); // entry → id beyond 2^53
  private readonly values: Int32Array[] = []; // entry → value, for get/set
  private size = 0;

  /** Number of entries (distinct ids added). */
  get count(): number {
    return this.size;
  }

  /** The entry of `id`, if it was added. */
  entry(id: bigint): number | undefined {
    const key = safeKey(id);
    if (typeof key === 'bigint') return this.big.get(key);
    const { keys, table } = this;
    const mask = table.length - 1;
    for (let i = hashKey(key) & mask; ; i = (i + 1) & mask) {
      const slot = table[i] as number;
      if (slot === 0) return undefined;
      const e = slot - 1;
      if ((keys[e >>> PAGE_BITS] as Float64Array)[e & PAGE_MASK] === key) return e;
    }
  }

  /** Adds `id`, which must not be in the index yet; returns its entry (the number of entries before). */
  add(id: bigint): number {
    const e = this.size++;
    if ((e & PAGE_MASK) === 0) this.keys.push(new Float64Array(PAGE_SIZE));
    const key = safeKey(id);
    const page = this.keys[e >>> PAGE_BITS] as Float64Array;
    if (typeof key === 'bigint') {
      page[e & PAGE_MASK] = Number.NaN;
      this.big.set(key, e);
      this.bigIds.set(e, key);
      return e;
    }
    page[e & PAGE_MASK] = key;
    if (this.size * 4 > this.table.length * 3) this.grow();
    else this.place(key, e + 1);
    return e;
  }

  /** The id of entry `e`. */
  idAt(e: number): bigint {
    const key = (this.keys[e >>> PAGE_BITS] as Float64Array)[e & PAGE_MASK] as number;
    return Number.isNaN(key) ? (this.bigIds.get(e) as bigint) : BigInt(key);
  }

  /** The value of `id`, if set. */
  get(id: bigint): number | undefined {
    const e = this.entry(id);
    return e === undefined ? undefined : (this.values[e >>> PAGE_BITS] as Int32Array)[e & PAGE_MASK];
  }

  /** Sets (or replaces) the value of `id` (an integer in `[-2^31, 2^31 − 1]`); returns the id's entry. */
  set(id: bigint, value: number): number {
    let e = this.entry(id);
    if (e === undefined) e = this.add(id);
    while (this.values.length <= e >>> PAGE_BITS) this.values.push(new Int32Array(PAGE_SIZE));
    (this.values[e >>> PAGE_BITS] as Int32Array)[e & PAGE_MASK] = value;
    return e;
  }

  private place(key: number, slot: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let i = hashKey(key) & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = slot;
  }

  /** Doubles the table and places every entry with a safe-integer key again (the new one included). */
  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let e = 0; e < this.size; e++) {
      const key = (this.keys[e >>> PAGE_BITS] as Float64Array)[e & PAGE_MASK] as number;
      if (!Number.isNaN(key)) this.place(key, e + 1);
    }
  }
}
