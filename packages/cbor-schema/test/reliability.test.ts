// Complexity and limits: cut items are scanned once however they are chunked (a work counter on the queue), maps
// with many distinct keys decode in linear time, nesting has a limit with its own code, and every chunking gives
// the same verdict as one buffer.
import { ByteQueue } from '@x/binary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  c,
  createSequenceDecoder,
  DEFAULT_MAX_DEPTH,
  decode,
  ItemDecoder,
  ItemScanner,
  measureItem,
  QueueItemReader,
  SCAN_TOO_DEEP,
  SCAN_TRUNCATED,
  scanItem,
} from '../src/index.js';
import { concat, plainEncoder } from './helpers.js';

/** A queue counting the bytes it hands out (views and windows): the work of whoever reads through it. */
class CountingQueue extends ByteQueue {
  handedOut = 0;
  peeks = 0;
  override peekAt(skip: number, min?: number): Uint8Array {
    const view = super.peekAt(skip, min);
    this.peeks++;
    this.handedOut += view.length;
    return view;
  }
  override contiguous(): Uint8Array {
    const view = super.contiguous();
    this.handedOut += view.length;
    return view;
  }
}

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

describe('resumable scanning', () => {
  it('gives the one-shot verdict for every split of any bytes into views', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 60 }),
        fc.array(fc.nat({ max: 60 }), { maxLength: 6 }),
        fc.boolean(),
        (bytes, cuts, lenient) => {
          const options = { lenient, maxDepth: 6 };
          const whole = measureItem(bytes, 0, bytes.length, options);
          const scanner = new ItemScanner(options);
          const points = [...new Set(cuts.filter((c) => c <= bytes.length))].sort((a, b) => a - b);
          let result = SCAN_TRUNCATED;
          for (const end of [...points, bytes.length]) {
            // Views from the scanner's position up to `end`, as a queue would hand them out.
            // Scan on while the views make progress (a cut head or string waits for a later end).
            while (result === SCAN_TRUNCATED) {
              const before = scanner.position;
              result = scanner.scan(bytes.subarray(before, end), before, end);
              if (scanner.position === before || scanner.position >= end) break;
            }
            if (result !== SCAN_TRUNCATED) break;
          }
          if (whole.kind === 'item') expect(result).toBe(whole.length);
          else if (whole.kind === 'truncated') {
            expect(result).toBe(SCAN_TRUNCATED);
            expect(scanner.needed).toBe(whole.needed);
          } else {
            expect(result).toBe(whole.kind === 'too-deep' ? SCAN_TOO_DEEP : -2);
            expect(scanner.position + (scanner.failAt - scanner.position)).toBe(whole.at);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads a cut item through a queue with work proportional to its size, whatever the chunking', () => {
    // A never-closed indefinite array of 4 MiB of small items, in 16 KiB chunks: the old scanner started over at
    // every chunk (256 chunks × 2 MiB on average); now each byte is handed out about once.
    const item = concat(new Uint8Array([0x9f]), new Uint8Array(4 << 20));
    for (const size of [16 * 1024, 1000]) {
      const queue = new CountingQueue();
      const reader = new QueueItemReader(undefined, { maxDepth: Number.POSITIVE_INFINITY });
      for (const chunk of chunks(item, size)) {
        queue.push(chunk);
        expect(reader.read(queue, false)).toBe('more');
      }
      expect(reader.read(queue, true)).toBe('truncated');
      expect(reader.needed).toBe(item.length + 1);
      expect(queue.handedOut).toBeLessThan(2 * item.length + 64 * (item.length / size));
    }
  });

  it('waits for a long string without looking at the queue again on every chunk (1 MiB in 8-byte chunks)', () => {
    // A lookup inside the queue costs the chunks after the position looked at: looking at the string's head on
    // every one of 131 072 chunks was quadratic (15 s for a 1 MiB payload streamed in 7-byte chunks).
    const item = concat(new Uint8Array([0x5a, 0x00, 0x10, 0x00, 0x00]), new Uint8Array(1 << 20));
    const queue = new CountingQueue();
    const reader = new QueueItemReader(undefined);
    const pieces = chunks(item, 8);
    for (const [i, chunk] of pieces.entries()) {
      queue.push(chunk);
      expect(reader.read(queue, false)).toBe(i === pieces.length - 1 ? 'ok' : 'more');
    }
    expect(reader.length).toBe(item.length);
    expect(queue.peeks).toBeLessThan(4);
  });

  it('decodes a sequence whose last item never closes in time proportional to its size (32 MiB in 16 KiB chunks)', () => {
    // The former decoder scanned the cut item from its start at every chunk: 2048 chunks × 16 MiB on average.
    const item = concat(new Uint8Array([0x9f]), new Uint8Array(32 << 20));
    const decoder = createSequenceDecoder(c.any());
    for (const chunk of chunks(item, 16 * 1024)) expect(decoder.push(chunk)).toEqual([]);
    expect(decoder.end()).toEqual([{ kind: 'truncated', offset: 0, available: item.length }]);
  }, 300_000);

  it('measures deep nesting with the limit lifted in linear time as it arrives', () => {
    // 8 MiB of nested one-item arrays, closed only by the last byte.
    const n = 8 << 20;
    const item = new Uint8Array(n + 1).fill(0x81);
    item[n] = 0x00;
    const queue = new CountingQueue();
    const reader = new QueueItemReader(undefined, { maxDepth: Number.POSITIVE_INFINITY });
    for (const chunk of chunks(item, 64 * 1024)) {
      queue.push(chunk);
      const status = reader.measure(queue, false);
      if (status !== 'more') {
        expect(status).toBe('ok');
        expect(reader.length).toBe(item.length);
      }
    }
    expect(queue.handedOut).toBeLessThan(3 * item.length);
  }, 300_000);
});

describe('item size limit', () => {
  /** The verdict of a QueueItemReader with a limit on `bytes` pushed in pieces ending at `cuts`. */
  function verdict(bytes: Uint8Array, cuts: number[], maxItemBytes: number): string {
    const queue = new ByteQueue();
    const reader = new QueueItemReader(undefined, { maxItemBytes, lenient: true });
    let at = 0;
    for (const end of [...cuts, bytes.length]) {
      if (end <= at) continue;
      queue.push(bytes.subarray(at, end));
      at = end;
      const status = reader.read(queue, at === bytes.length);
      if (status !== 'more') {
        return status === 'malformed' || status === 'too-deep'
          ? `${status} at ${reader.at}`
          : status === 'truncated' || status === 'too-large'
            ? status
            : `${status} ${reader.length}`;
      }
    }
    return 'never decided';
  }

  it('gives the one-buffer verdict for every chunking, whatever the item declares (property)', () => {
    // Regression: an item whose heads declare more than the limit was `too-large` when a chunk ended after such a
    // head and `malformed` when its bytes came at once (found by moqtrace's mutated-corpus property).
    const heads = fc.constantFrom(
      Uint8Array.of(0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
      Uint8Array.of(0x9a, 0x00, 0x01, 0x00, 0x00),
      Uint8Array.of(0x5a, 0x00, 0x01, 0x00, 0x00),
      Uint8Array.of(0xbb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00),
      Uint8Array.of(0x98, 0x20),
      Uint8Array.of(0x9f),
    );
    fc.assert(
      fc.property(
        fc.array(heads, { maxLength: 3 }),
        fc.uint8Array({ maxLength: 60 }),
        fc.integer({ min: 1, max: 80 }),
        fc.array(fc.nat({ max: 90 }), { maxLength: 5 }),
        (prefix, rest, max, cuts) => {
          const bytes = concat(...prefix, rest);
          if (bytes.length === 0) return;
          const whole = verdict(bytes, [], max);
          const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
          expect(verdict(bytes, points, max), `cuts ${points}`).toBe(whole);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('nesting limit', () => {
  const nested = (depth: number, open: number) => {
    const out = new Uint8Array(depth + 1).fill(open);
    out[depth] = 0x00;
    return open === 0x9f ? concat(out, new Uint8Array(depth).fill(0xff)) : out;
  };

  it(`accepts ${DEFAULT_MAX_DEPTH} levels and refuses one more, with its own code, on every path`, () => {
    for (const open of [0x81, 0x9f, 0xc6, 0xa1]) {
      const ok =
        open === 0xa1
          ? concat(
              new Uint8Array(DEFAULT_MAX_DEPTH).fill(0xa1).map((v, i) => (i % 2 ? 0x00 : v)),
              new Uint8Array([0]),
            )
          : nested(DEFAULT_MAX_DEPTH, open);
      if (open !== 0xa1) expect(scanItem(ok, 0)).toBe(ok.length);
      const deep = nested(DEFAULT_MAX_DEPTH + 1, open === 0xa1 ? 0x81 : open);
      expect(scanItem(deep, 0)).toBe(SCAN_TOO_DEEP);
      expect(measureItem(deep, 0)).toMatchObject({ kind: 'too-deep' });
      const r = decode(c.any(), deep);
      expect(r.ok).toBe(false);
      expect(r.problems[0]?.code).toBe('NESTING_TOO_DEEP');
      expect(new ItemDecoder(c.array(c.any())).decode(deep)).toBe('too-deep');
      const events = createSequenceDecoder().push(deep);
      expect(events[0]).toMatchObject({ kind: 'malformed', code: 'NESTING_TOO_DEEP', offset: 0 });
    }
  });

  it('gives the same events to damaged sequences in any chunking as in one buffer (property)', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.string(),
        fc.uint8Array({ maxLength: 40 }),
        fc.array(tie('v'), { maxLength: 5 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 6 }),
        fc.array(
          fc.record({
            at: fc.nat(),
            byte: fc.integer({ min: 0, max: 255 }),
            op: fc.constantFrom('set', 'insert', 'cut'),
          }),
          {
            maxLength: 3,
          },
        ),
        fc.uniqueArray(fc.nat({ max: 400 }), { maxLength: 12 }),
        (values, mutations, cuts) => {
          let bytes = concat(...values.map((v) => plainEncoder.encode(v)));
          for (const m of mutations) {
            const at = m.at % bytes.length;
            if (m.op === 'set') bytes[at] = m.byte;
            else if (m.op === 'insert')
              bytes = concat(bytes.subarray(0, at), Uint8Array.of(m.byte), bytes.subarray(at));
            else bytes = bytes.slice(0, Math.max(1, at));
          }
          const whole = createSequenceDecoder(c.any());
          const expected = [...whole.push(bytes), ...whole.end()];
          const streamed = createSequenceDecoder(c.any());
          const got = [];
          let at = 0;
          for (const cut of [...cuts.filter((x) => x < bytes.length).sort((a, b) => a - b), bytes.length]) {
            got.push(...streamed.push(bytes.slice(at, cut)));
            at = cut;
          }
          got.push(...streamed.end());
          expect(got).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the same verdict to a deep item in any chunking and whole', () => {
    const deep = nested(100_000, 0x81);
    const whole = createSequenceDecoder(c.any());
    const expected = [...whole.push(deep), ...whole.end()];
    const streamed = createSequenceDecoder(c.any());
    const got = [];
    for (const chunk of chunks(deep, 4096)) got.push(...streamed.push(chunk));
    got.push(...streamed.end());
    expect(got).toEqual(expected);
    expect(expected[0]).toMatchObject({ kind: 'malformed', code: 'NESTING_TOO_DEEP' });
  });
});

describe('maps with many keys', () => {
  /** A map of `n` distinct unknown text keys (and a known one), each with value 0. */
  function wideMap(n: number, repeat = false): Uint8Array {
    const enc = new TextEncoder();
    const parts: number[] = [0xba, (n + 1) >>> 24, ((n + 1) >> 16) & 0xff, ((n + 1) >> 8) & 0xff, (n + 1) & 0xff];
    parts.push(0x61, 0x61, 0x01);
    for (let i = 0; i < n; i++) {
      const key = enc.encode(`k${repeat ? i % 1000 : i}`);
      parts.push(0x60 + key.length, ...key, 0x00);
    }
    return Uint8Array.from(parts);
  }

  it('decode in linear time into either store shape (200 000 keys)', () => {
    const bytes = wideMap(200_000);
    for (const store of ['entries', 'object'] as const) {
      const r = decode(c.struct({ a: c.uint() }, { store }), bytes);
      expect(r.ok).toBe(true);
      const extra = (r.value as { extra: unknown }).extra;
      expect(store === 'object' ? Object.keys(extra as object).length : (extra as unknown[]).length).toBe(200_000);
    }
  }, 300_000);

  it("drop a repeated field's earlier unusable values in linear time (100 000 unknown keys, 100 000 repeats)", () => {
    // {k0: 0, a: "x", k1: 0, a: "x", ..., a: 1}: each repeat of `a` forgets the unusable value stored before it
    // (removing it from the entries store used to move every later entry: quadratic).
    const enc = new TextEncoder();
    const n = 100_000;
    const count = 2 * n + 1;
    const parts: number[] = [0xba, count >>> 24, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff];
    for (let i = 0; i < n; i++) {
      const key = enc.encode(`k${i}`);
      parts.push(0x60 + key.length, ...key, 0x00, 0x61, 0x61, 0x61, 0x78);
    }
    parts.push(0x61, 0x61, 0x01);
    for (const store of ['entries', 'object'] as const) {
      const r = decode(c.struct({ a: c.uint() }, { store }), Uint8Array.from(parts));
      expect(r.ok).toBe(true);
      expect((r.value as { a: number }).a).toBe(1);
      const extra = (r.value as { extra: unknown }).extra;
      expect(store === 'object' ? Object.keys(extra as object).length : (extra as unknown[]).length).toBe(n);
    }
  }, 300_000);

  it("leave no empty store when every stored entry was a repeated field's forgotten value", () => {
    // {a: "x", a: 1}: the unusable first value is forgotten, so the struct has no store (as the writer leaves it).
    const bytes = Uint8Array.from([0xa2, 0x61, 0x61, 0x61, 0x78, 0x61, 0x61, 0x01]);
    for (const store of ['entries', 'object'] as const) {
      const r = decode(c.struct({ a: c.uint() }, { store }), bytes);
      expect(r.value).toEqual({ a: 1 });
      expect(r.problems.map((p) => p.code)).toEqual(['DUPLICATE_KEY']);
    }
  });

  it('report repeated keys in linear time (200 000 keys, 1000 distinct)', () => {
    const r = decode(c.struct({ a: c.uint() }), wideMap(200_000, true));
    expect((r.value as { extra: unknown[] }).extra).toHaveLength(1000);
    expect(r.problems.filter((p) => p.code === 'DUPLICATE_KEY')).toHaveLength(1000);
  }, 300_000);
});
