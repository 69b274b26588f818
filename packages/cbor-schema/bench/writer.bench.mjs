// Should the one CBOR writer be built on @x/binary's ByteWriter? Same-run comparison on 100k moqtrace-shaped
// wire records: one hand-written CBOR value writer (heads, text, maps, arrays, bytes, bigints), run over
//  - a raw Uint8Array with a position (what cbor-schema's writer buffer, `Out`, is), and
//  - @x/binary's ByteWriter (u8/u16/u32/u64/utf8 calls: checked values, one `ensure` per call),
// next to cbor-schema's own schema writer (createEncoder().write) and bare cbor-x encode.
// Run after `npx tsc -b`: node bench/writer.bench.mjs
import { loadavg } from 'node:os';
import { ByteWriter, encodeUtf8Into } from '@x/binary';
import { Encoder } from 'cbor-x';
import { Bench } from 'tinybench';
import { createEncoder } from '../dist/index.js';
import { eventSchema, makeRecords } from './schema.mjs';

const COUNT = 100_000;
const { wire, friendly } = makeRecords(COUNT);

/** CBOR over a raw buffer, shortest heads, as `Out` does it. */
class RawOut {
  buf = new Uint8Array(1 << 16);
  pos = 0;
  room(n) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  head(major, n) {
    this.room(9);
    const b = this.buf;
    const m = major << 5;
    let p = this.pos;
    if (n < 24) b[p++] = m | n;
    else if (n < 0x100) {
      b[p++] = m | 24;
      b[p++] = n;
    } else if (n < 0x10000) {
      b[p++] = m | 25;
      b[p++] = n >> 8;
      b[p++] = n & 0xff;
    } else if (n < 0x100000000) {
      b[p++] = m | 26;
      b[p++] = n >>> 24;
      b[p++] = (n >> 16) & 0xff;
      b[p++] = (n >> 8) & 0xff;
      b[p++] = n & 0xff;
    } else {
      const hi = Math.floor(n / 0x100000000);
      const lo = n >>> 0;
      b[p++] = m | 27;
      b[p++] = hi >>> 24;
      b[p++] = (hi >> 16) & 0xff;
      b[p++] = (hi >> 8) & 0xff;
      b[p++] = hi & 0xff;
      b[p++] = lo >>> 24;
      b[p++] = (lo >> 16) & 0xff;
      b[p++] = (lo >> 8) & 0xff;
      b[p++] = lo & 0xff;
    }
    this.pos = p;
  }
  text(s) {
    this.room(9 + s.length * 3);
    // Written after a one-byte head, moved when the head is longer (what a one-pass writer does).
    const at = this.pos;
    const n = encodeUtf8Into(s, this.buf, at + 1);
    if (n < 24) {
      this.buf[at] = 0x60 | n;
      this.pos = at + 1 + n;
      return;
    }
    const headSize = n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
    this.buf.copyWithin(at + headSize, at + 1, at + 1 + n);
    this.head(3, n);
    this.pos = at + headSize + n;
  }
  bytes(v) {
    this.head(2, v.length);
    this.raw(v);
  }
  raw(v) {
    this.room(v.length);
    const b = this.buf;
    let p = this.pos;
    if (v.length < 16) for (let i = 0; i < v.length; i++) b[p++] = v[i];
    else {
      b.set(v, p);
      p += v.length;
    }
    this.pos = p;
  }
  take() {
    const out = this.buf.slice(0, this.pos);
    this.pos = 0;
    return out;
  }
}

/** The same CBOR writer over ByteWriter's checked, big-endian primitives. */
class OnByteWriter {
  w = new ByteWriter({ initialCapacity: 1 << 16 });
  head(major, n) {
    const m = major << 5;
    const w = this.w;
    if (n < 24) w.u8(m | n);
    else if (n < 0x100) w.u8(m | 24).u8(n);
    else if (n < 0x10000) w.u8(m | 25).u16(n);
    else if (n < 0x100000000) w.u8(m | 26).u32(n);
    else w.u8(m | 27).u64(n);
  }
  text(s) {
    // ByteWriter has no head-then-move: measure first, as a writer over it would.
    const n = s.length < 24 && isAscii(s) ? s.length : new TextEncoder().encode(s).length;
    this.head(3, n);
    this.w.utf8(s);
  }
  bytes(v) {
    this.head(2, v.length);
    this.w.bytes(v);
  }
  raw(v) {
    this.w.bytes(v);
  }
  take() {
    return this.w.finish();
  }
}

function isAscii(s) {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

const KEYS = new Map();

/** Writes a plain JS value (the wire records) with `o`'s primitives (keys shorter than 24 bytes). */
function writeValue(o, v) {
  if (typeof v === 'number') {
    if (v >= 0) o.head(0, v);
    else o.head(1, -1 - v);
  } else if (typeof v === 'string') o.text(v);
  else if (typeof v === 'bigint') o.head(0, Number(v));
  else if (v instanceof Uint8Array) o.bytes(v);
  else if (Array.isArray(v)) {
    o.head(4, v.length);
    for (const x of v) writeValue(o, x);
  } else {
    const keys = Object.keys(v);
    o.head(5, keys.length);
    for (const k of keys) {
      // Keys as pre-encoded bytes, as a compiled schema writer holds them.
      let key = KEYS.get(k);
      if (key === undefined) {
        const text = new TextEncoder().encode(k);
        key = Uint8Array.of(0x60 | text.length, ...text);
        KEYS.set(k, key);
      }
      o.raw(key);
      writeValue(o, v[k]);
    }
  }
}

// The two writers must produce the same bytes.
{
  const a = new RawOut();
  const b = new OnByteWriter();
  for (const r of wire.slice(0, 2000)) {
    writeValue(a, r);
    writeValue(b, r);
  }
  const x = a.take();
  const y = b.take();
  if (x.length !== y.length || x.some((v, i) => v !== y[i])) throw new Error('the two writers disagree');
}

const cborx = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  tagUint8Array: false,
  useTag259ForMaps: false,
  encodeUndefinedAsNil: true,
});
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ROUNDS = 3;
const results = new Map();
let sink = 0;
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({ time: 0, iterations: 15, warmup: true, warmupIterations: 3, warmupTime: 0 });
  bench
    .add('cbor-x encode per record', () => {
      for (let i = 0; i < COUNT; i++) sink += cborx.encode(wire[i]).length;
    })
    .add('value writer on a raw buffer (Out-like)', () => {
      const o = new RawOut();
      for (let i = 0; i < COUNT; i++) writeValue(o, wire[i]);
      sink += o.take().length;
    })
    .add('value writer on @x/binary ByteWriter', () => {
      const o = new OnByteWriter();
      for (let i = 0; i < COUNT; i++) writeValue(o, wire[i]);
      sink += o.take().length;
    })
    .add('cbor-schema createEncoder().write', () => {
      const out = createEncoder(eventSchema);
      for (let i = 0; i < COUNT; i++) out.write(friendly[i]);
      sink += out.finish().length;
    });
  await bench.run();
  for (const task of bench.tasks) {
    const list = results.get(task.name) ?? [];
    list.push(task.result.latency.p50);
    results.set(task.name, list);
  }
}
const names = [...results.keys()];
const base = median(results.get(names[0]));
console.log(
  `writer buffer benchmark — ${COUNT} records, median of ${ROUNDS} rounds of p50, load ${loadavg()[0].toFixed(2)}`,
);
for (const name of names) {
  const ms = median(results.get(name));
  console.log(`  ${name.padEnd(40)} ${ms.toFixed(2).padStart(8)} ms  ${(ms / base).toFixed(2)}x cbor-x encode`);
}
const raw = median(results.get(names[1]));
const onByteWriter = median(results.get(names[2]));
console.log(
  `  ByteWriter / raw buffer = ${(onByteWriter / raw).toFixed(2)}x (the same CBOR writer; > 1 = slower on ByteWriter)`,
);
if (sink < 0) console.log(sink);
