import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { c, createSequenceDecoder, decodeSequence, encode, type SequenceEvent, scanItem } from '../src/index.js';
import { concat, fromHex, plainEncoder } from './helpers.js';

const record = c.struct({
  seq: c.field('n', c.uint()),
  type: c.field('e', c.uint()),
  payload: c.field('pl', c.bytes()).optional(),
  message: c.field('msg', c.any()).optional(),
});

function sample(): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 12; i++) {
    parts.push(
      encode(record, {
        seq: i * 1000,
        type: i % 4,
        payload: new Uint8Array(i * 7).fill(i),
        message: i % 3 === 0 ? { request_id: i, text: 'x'.repeat(i * 5) } : undefined,
      }),
    );
  }
  // Items of other shapes, incl. indefinite lengths and a record with problems.
  parts.push(fromHex('9f 01 bf 61 61 02 ff ff'));
  parts.push(plainEncoder.encode({ n: 'bad', e: 1 }));
  return concat(...parts);
}

type Summary = [string, number, number, boolean, unknown][];

function summarise(events: SequenceEvent<unknown>[]): Summary {
  return events.map((e) =>
    e.kind === 'item'
      ? [e.kind, e.offset, e.length, e.ok, e.value]
      : [e.kind, e.offset, 'available' in e ? e.available : 0, false, null],
  );
}

function feed(bytes: Uint8Array, cuts: number[], options = {}): SequenceEvent<unknown>[] {
  const dec = createSequenceDecoder(record as never, options);
  const out: SequenceEvent<unknown>[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...dec.push(bytes.slice(at, cut)));
    at = cut;
  }
  out.push(...dec.push(bytes.slice(at)));
  out.push(...dec.end());
  return out;
}

describe('createSequenceDecoder', () => {
  const bytes = sample();
  const whole = summarise(decodeSequence(record as never, bytes));

  it('yields every item with its offset and length', () => {
    const items = whole.filter((e) => e[0] === 'item');
    expect(items).toHaveLength(14);
    let at = 0;
    for (const item of items) {
      expect(item[1]).toBe(at);
      expect(item[2]).toBe(scanItem(bytes, at));
      at += item[2];
    }
    expect(at).toBe(bytes.length);
    expect(items[13]?.[3]).toBe(false); // the bad record: boundary known, value unusable
    expect(items[12]?.[3]).toBe(false); // the array item: not a map
    expect(items[3]?.[4]).toMatchObject({ seq: 3000, message: { request_id: 3 } });
  });

  it('gives identical items for every chunking (property-based)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 30 }), (cuts) => {
        expect(summarise(feed(bytes, cuts))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
    // One byte at a time.
    expect(
      summarise(
        feed(
          bytes,
          Array.from({ length: bytes.length }, (_, i) => i),
        ),
      ),
    ).toEqual(whole);
  });

  it('reports truncated (with offset) at every cut inside an item, and a clean end at boundaries', () => {
    const boundaries = new Set<number>();
    for (let at = 0; at <= bytes.length; at += Math.max(1, scanItem(bytes, at))) {
      boundaries.add(at);
      if (at === bytes.length) break;
    }
    for (let cut = 0; cut <= bytes.length; cut++) {
      const events = feed(bytes.subarray(0, cut), [Math.floor(cut / 2)]);
      const last = events[events.length - 1];
      if (boundaries.has(cut)) {
        expect(last === undefined || last.kind === 'item', `cut ${cut}`).toBe(true);
      } else {
        const start = Math.max(...[...boundaries].filter((b) => b < cut));
        expect(last, `cut ${cut}`).toEqual({ kind: 'truncated', offset: start, available: cut - start });
      }
    }
  });

  it('reports malformed bytes with offset and reason, and stops without resync', () => {
    const first = encode(record, { seq: 1, type: 0 });
    const bad = concat(first, fromHex('1c 00 00'), first);
    for (let cut = 0; cut <= bad.length; cut++) {
      const events = feed(bad, [cut]);
      expect(events.map((e) => e.kind)).toEqual(['item', 'malformed', 'unreadable']);
      expect(events[1]).toMatchObject({
        offset: first.length,
        at: first.length,
        reason: 'reserved additional information 28',
      });
      expect(events[2]).toMatchObject({ offset: first.length, length: bad.length - first.length });
    }
  });

  it('resynchronises on a pattern, validated by the caller', () => {
    const magic = new TextEncoder().encode('MAGIC');
    const item = encode(record, { seq: 7, type: 1 });
    // Junk, then a false candidate (rejected by validate), then the real one.
    const bytes = concat(item, fromHex('ff 00'), magic, fromHex('00'), magic, fromHex('01'), item);
    const options = {
      resync: {
        pattern: magic,
        validate: (view: Uint8Array) => (view.length < 6 ? ('more' as const) : view[5] === 0x01),
      },
      intercept: (view: Uint8Array) => {
        if (view[0] !== 0x4d) return undefined;
        return view.length < 6 ? ('more' as const) : 6;
      },
    };
    const expected = [
      ['item', 0],
      ['malformed', item.length],
      ['resync', item.length + 2 + 6],
      ['frame', item.length + 2 + 6],
      ['item', item.length + 2 + 12],
    ];
    for (let cut = 0; cut <= bytes.length; cut++) {
      const events = feed(bytes, [cut], options);
      expect(events.map((e) => [e.kind, e.offset])).toEqual(expected);
      const resync = events[2] as Extract<SequenceEvent<unknown>, { kind: 'resync' }>;
      expect(resync.skipped).toBe(8);
    }
  });

  it('holds back a short tail via intercept until more data or the end', () => {
    const magic = new TextEncoder().encode('MOQTRACE');
    const intercept = (view: Uint8Array) => {
      const n = Math.min(view.length, 8);
      for (let i = 0; i < n; i++) if (view[i] !== magic[i]) return undefined;
      return view.length < 8 ? ('more' as const) : 8;
    };
    const item = encode(record, { seq: 1, type: 0 });
    const dec = createSequenceDecoder(record, { intercept });
    expect(dec.push(concat(item, magic.subarray(0, 3))).map((e) => e.kind)).toEqual(['item']);
    expect(dec.buffered).toBe(3);
    expect(dec.push(magic.subarray(3)).map((e) => [e.kind, e.offset])).toEqual([['frame', item.length]]);
    expect(dec.end()).toEqual([]);
    const cut = createSequenceDecoder(record, { intercept });
    cut.push(concat(item, magic.subarray(0, 5)));
    expect(cut.end()).toEqual([{ kind: 'truncated', offset: item.length, available: 5 }]);
  });

  it('keeps memory bounded by the largest item plus a chunk', () => {
    const small = encode(record, { seq: 1, type: 0 });
    const big = encode(record, { seq: 2, type: 0, payload: new Uint8Array(50_000) });
    const bytes = concat(...Array.from({ length: 200 }, () => small), big, ...Array.from({ length: 200 }, () => small));
    const dec = createSequenceDecoder(record, { keepBytes: true });
    let maxBuffered = 0;
    let items = 0;
    for (let at = 0; at < bytes.length; at += 1000) {
      items += dec.push(bytes.subarray(at, at + 1000)).length;
      maxBuffered = Math.max(maxBuffered, dec.buffered);
    }
    items += dec.end().length;
    expect(items).toBe(401);
    expect(maxBuffered).toBeLessThan(big.length + 1000);
    expect(maxBuffered).toBeGreaterThan(1000);
  });

  it('reports strict-mode problems on the item instead of throwing', () => {
    const events = decodeSequence(record, plainEncoder.encode({ n: 1.5, e: 0 }), { mode: 'strict' });
    expect(events[0]).toMatchObject({ kind: 'item', ok: false });
    expect((events[0] as { problems: { path: string }[] }).problems[0]?.path).toBe('seq');
  });
});
